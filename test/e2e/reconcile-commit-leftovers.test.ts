// `reconcile --commit` commits Tagstream's own leftovers (#13.2), end to end: the in-process CLI
// against the real CNCF registry on 127.0.0.1 and a real Git working copy (git CLI for the checks).
//   1. `tag` creates a stream and pins two workloads, without committing; a human then edits one of
//      them and another managed file; `reconcile --commit -o json` commits the stream and the
//      untouched workload, leaves both human-edited files out and lists them.
//   2. a plain `reconcile` writes a move; `reconcile --commit` finds nothing new to plan and
//      commits those files (it used to say "No changes" and leave them modified); a human's edit
//      of another managed file stays out and is named in the human output.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../src/cli/run.js';
import { captureStream } from '../fakes/capture-stream.js';
import { fixedClock } from '../../src/ports/clock.js';
import { gitCli } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let tmp: string;
let repo: string;
const digests: Record<string, string> = {};

async function tagstream(when: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: join(tmp, 'home'), PATH: process.env.PATH }, cwd: repo, clock: fixedClock(when) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const image = (version: string) => makeImage({ layers: [{ VERSION: `${version}\n` }], created: '2026-11-20T10:00:00Z', labels: { version } });
const imageOf = async (path: string) => parse(await readFile(join(repo, path), 'utf8')).spec.template.spec.containers[0].image as string;
/** Paths with uncommitted changes (tracked and untracked), sorted. */
const dirty = async () =>
  [...(await gitCli(repo, ['diff', '--name-only', 'HEAD'])).split('\n'), ...(await gitCli(repo, ['ls-files', '--others', '--exclude-standard'])).split('\n')]
    .filter((p) => p !== '')
    .sort();
const committedFiles = async () => (await gitCli(repo, ['show', '--name-only', '--format=', 'HEAD'])).split('\n').filter((p) => p !== '').sort();

const TRIGGERED = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"ubi:prod"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: ubi:prod
`;

// a managed file Tagstream never writes here: resolve-names on a local image no stream provides
const STATIC = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
  namespace: default
  annotations:
    alpha.image.policy.openshift.io/resolve-names: '*'
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: db
        image: mysql:8
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-e2e-leftovers-'));
  repo = join(tmp, 'repo');
  await mkdir(join(tmp, 'home'));
  await mkdir(join(repo, 'apps'), { recursive: true });
  registry = await startRegistry();
  await writeFile(join(repo, 'apps/myapp.yaml'), TRIGGERED('myapp'));
  await writeFile(join(repo, 'apps/web.yaml'), TRIGGERED('web'));
  await writeFile(join(repo, 'apps/db.yaml'), STATIC);
  await gitCli(repo, ['init', '-q', '-b', 'main']);
  await gitCli(repo, ['add', '-A']);
  await gitCli(repo, ['commit', '-q', '-m', 'Add the apps']);
});

afterAll(async () => {
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('reconcile --commit includes what Tagstream wrote earlier, and only that', () => {
  it('1. a verb pins two workloads; the one a human changed afterwards stays out and is reported', async () => {
    digests.v1 = await pushImage(registry, 'ubi', '8', image('v1'));
    const tagged = await tagstream('2026-11-21T07:00:00Z', 'tag', `${registry.host}/ubi:8`, 'ubi:prod');
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.stdout).toContain('deployment.apps/myapp image updated (apps/myapp.yaml)');
    expect(tagged.stdout).toContain('deployment.apps/web image updated (apps/web.yaml)');
    expect(await imageOf('apps/myapp.yaml')).toBe(`${registry.host}/ubi@${digests.v1}`);
    expect(await dirty()).toEqual(['apps/myapp.yaml', 'apps/web.yaml', 'imagestreams/default/ubi.yaml']);

    // a human edits a file the verb wrote, and another managed file (sizes change: no racy-git stat match)
    await writeFile(join(repo, 'apps/web.yaml'), (await readFile(join(repo, 'apps/web.yaml'), 'utf8')).replace('replicas: 1', 'replicas: 30'));
    await writeFile(join(repo, 'apps/db.yaml'), STATIC.replace('replicas: 1', 'replicas: 12'));
    const head = await gitCli(repo, ['rev-parse', 'HEAD']);

    const r = await tagstream('2026-11-21T07:01:00Z', 'reconcile', '--commit', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(out.workingTree).toEqual({
      committed: ['apps/myapp.yaml', 'imagestreams/default/ubi.yaml'],
      leftOut: [
        { path: 'apps/db.yaml', reason: 'not-written-by-tagstream' },
        { path: 'apps/web.yaml', reason: 'changed-since-written' },
      ],
    });
    expect(await gitCli(repo, ['rev-parse', 'HEAD~1'])).toBe(head);
    expect(await committedFiles()).toEqual(['apps/myapp.yaml', 'imagestreams/default/ubi.yaml']);
    expect(await dirty()).toEqual(['apps/db.yaml', 'apps/web.yaml']);
    const committedApp = parse(await gitCli(repo, ['show', 'HEAD:apps/myapp.yaml']));
    expect(committedApp.spec.template.spec.containers[0].image).toBe(`${registry.host}/ubi@${digests.v1}`);
    const message = await gitCli(repo, ['log', '-1', '--format=%B']);
    expect(message).toContain('Tagstream-Earlier-Write: apps/myapp.yaml');
    expect(message).toContain('Tagstream-Earlier-Write: imagestreams/default/ubi.yaml');
    // the human's edits are still there, uncommitted
    expect(await readFile(join(repo, 'apps/web.yaml'), 'utf8')).toContain('replicas: 30');

    // nothing of Tagstream's is left: the next commit run commits nothing (the human's edits neither)
    const again = await tagstream('2026-11-21T07:02:00Z', 'reconcile', '--commit');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to commit\n');
    expect(await gitCli(repo, ['rev-parse', 'HEAD~1'])).toBe(head);
    expect(await dirty()).toEqual(['apps/db.yaml', 'apps/web.yaml']);
  });

  it('2. what a plain reconcile wrote is committed by the next reconcile --commit, in one commit', async () => {
    await gitCli(repo, ['checkout', '--', 'apps/db.yaml', 'apps/web.yaml']);
    const tagged = await tagstream('2026-11-21T08:00:00Z', 'tag', '--scheduled', `${registry.host}/ubi:8`, 'ubi:prod');
    expect(tagged.code, tagged.stderr).toBe(0);
    await gitCli(repo, ['add', '-A']);
    await gitCli(repo, ['commit', '-q', '-m', 'Schedule ubi:prod']);
    digests.v2 = await pushImage(registry, 'ubi', '8', image('v2'));

    await writeFile(join(repo, 'apps/db.yaml'), STATIC.replace('replicas: 1', 'replicas: 12'));
    const plain = await tagstream('2026-11-21T08:10:00Z', 'reconcile');
    expect(plain.code, plain.stderr).toBe(0);
    expect(await dirty()).toEqual(['apps/db.yaml', 'apps/myapp.yaml', 'apps/web.yaml', 'imagestreams/default/ubi.yaml']);

    const r = await tagstream('2026-11-21T08:11:00Z', 'reconcile', '--commit');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^committed [0-9a-f]{12}\n/m);
    expect(r.stdout).toContain('included 3 files tagstream wrote earlier: apps/myapp.yaml, apps/web.yaml, imagestreams/default/ubi.yaml\n');
    expect(r.stdout).toContain('not committed: apps/db.yaml (changed outside tagstream)\n');
    expect(await dirty()).toEqual(['apps/db.yaml']);
    expect(await committedFiles()).toEqual(['apps/myapp.yaml', 'apps/web.yaml', 'imagestreams/default/ubi.yaml']);
    expect(parse(await gitCli(repo, ['show', 'HEAD:apps/web.yaml'])).spec.template.spec.containers[0].image).toBe(`${registry.host}/ubi@${digests.v2}`);
  });
});
