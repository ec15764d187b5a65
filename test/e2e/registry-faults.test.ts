/**
 * What a reconcile does when a registry misbehaves (#12): the CLI as users run it (in-process
 * `run`), the real registry behind the lying proxy (test/harness/flaky-proxy.ts), and a real Git
 * remote (git http-backend). Nothing the registry cannot serve reaches a workload, the history,
 * a commit or the remote.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureStream } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { startFlakyProxy, type FlakyProxy } from '../harness/flaky-proxy.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage, sha256 } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let proxy: FlakyProxy;
let server: GitServer;
let tmp: string;
let clone: string;

const image = (version: string) => makeImage({ layers: [{ VERSION: `${version}\n` }], labels: { version } });
const UNSERVED = sha256('a manifest nobody pushed');

async function tagstream(cwd: string, when: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const env = { HOME: join(tmp, 'home'), PATH: process.env.PATH };
  const code = await run(argv, { stdout, stderr, env, cwd, clock: fixedClock(when) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const remoteGit = (args: readonly string[]) => gitCli(tmp, ['--git-dir', join(server.root, 'faults.git'), ...args]);

const STREAM = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: default
spec:
  tags:
  - name: v1
    from:
      kind: DockerImage
      name: ${host}/faults/app:v1
    importPolicy:
      scheduled: true
`;

const DEPLOYMENT = (host: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: default
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:v1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: app
        image: ${host}/faults/app:v1
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-faults-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  proxy = await startFlakyProxy(registry.url);
  server = await startGitServer();
  const url = await server.createBareRepo('faults.git', {
    initialFiles: { 'imagestreams/app.yaml': STREAM(proxy.host), 'apps/app.yaml': DEPLOYMENT(proxy.host) },
  });
  clone = await cloneWorkingCopy(url, join(tmp, 'clone'));
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('#12.4 a tag HEAD naming a digest the registry does not serve', () => {
  it('is pinned nowhere: no workload, history, commit or push; the next honest answer is pinned', async () => {
    const v1 = await pushImage(registry, 'faults/app', 'v1', image('v1'));
    const first = await tagstream(clone, '2026-12-01T08:00:00Z', 'reconcile', '--commit', '--push');
    expect(first.code, first.stderr).toBe(0);
    expect(await readFile(join(clone, 'apps/app.yaml'), 'utf8')).toContain(`faults/app@${v1}`);
    const pinned = await remoteGit(['rev-parse', 'main']);

    // the tag moves; the proxy answers every tag HEAD with a digest the registry never had
    const v2 = await pushImage(registry, 'faults/app', 'v1', image('v2'));
    proxy.reset();
    proxy.lieNext(1000, UNSERVED, /\/manifests\/v1$/);
    const lied = await tagstream(clone, '2026-12-01T08:10:00Z', 'reconcile', '--commit', '--push');
    expect(lied.code).toBe(1);
    expect(`${lied.stdout}${lied.stderr}`).toContain('does not serve');
    expect(proxy.count('HEAD', new RegExp(`/manifests/${UNSERVED}$`))).toBeGreaterThanOrEqual(1);
    expect(await remoteGit(['rev-parse', 'main'])).toBe(pinned);
    expect(await gitCli(clone, ['status', '--porcelain'])).toBe('');
    for (const file of ['apps/app.yaml', 'imagestreams/app.yaml']) {
      expect(await readFile(join(clone, file), 'utf8')).not.toContain(UNSERVED);
      expect(await remoteGit(['show', `main:${file}`])).not.toContain(UNSERVED);
    }

    proxy.reset();
    const honest = await tagstream(clone, '2026-12-01T08:20:00Z', 'reconcile', '--commit', '--push');
    expect(honest.code, honest.stderr).toBe(0);
    expect(await remoteGit(['show', 'main:apps/app.yaml'])).toContain(`faults/app@${v2}`);
    const stream = parse(await remoteGit(['show', 'main:imagestreams/app.yaml']));
    expect(stream.status.tags[0].items.map((i: { image: string }) => i.image)).toEqual([v2, v1]);
  });
});
