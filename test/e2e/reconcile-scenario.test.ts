// The scenario users know from OpenShift, end to end: the real CNCF registry, a real Git remote
// served by `git http-backend` over HTTP, and the CLI as users run it (in-process `run`).
//   1. import-image --confirm --all, set triggers -> the workload is pinned to v1; commit + push
//   2. tag --scheduled; v2 pushed to the registry; reconcile --commit --push -> v2, history [v2, v1]
//   3. git revert + push; reconcile -> held, no commit; v3 pushed -> reconcile moves to v3
//   4. two reconcilers at once on two clones with different local changes -> both land, no force
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../src/cli/run.js';
import { captureStream } from '../fakes/capture-stream.js';
import { fixedClock } from '../../src/ports/clock.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let server: GitServer;
let tmp: string;
let remote: string;
let clone: string;
const digests: Record<string, string> = {};
const log: string[] = [];

async function tagstream(cwd: string, when: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const env = { HOME: join(tmp, 'home'), PATH: process.env.PATH };
  const code = await run(argv, { stdout, stderr, env, cwd, clock: fixedClock(when) });
  log.push(`$ tagstream ${argv.join(' ')}  [exit ${code}]\n${stdout.text()}${stderr.text()}`);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const image = (version: string) => makeImage({ layers: [{ 'VERSION': `${version}\n` }], created: '2026-11-20T10:00:00Z', labels: { version } });
const yamlAt = async (dir: string, path: string) => parse(await readFile(join(dir, path), 'utf8'));
const remoteFile = (path: string) => gitCli(tmp, ['--git-dir', join(server.root, 'gitops.git'), 'show', `main:${path}`]);
const remoteHead = () => gitCli(tmp, ['--git-dir', join(server.root, 'gitops.git'), 'rev-parse', 'main']);

const DEPLOYMENT = (reg: string) => `# my application
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myapp
  namespace: default
spec:
  selector:
    matchLabels: {app: myapp}
  template:
    metadata:
      labels: {app: myapp}
    spec:
      containers:
      - name: myapp
        image: ${reg}/ubi:8   # the app
        ports:
        - containerPort: 8080
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-e2e-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  server = await startGitServer();
  remote = await server.createBareRepo('gitops.git', { initialFiles: { 'README.md': '# gitops\n' } });
  clone = await cloneWorkingCopy(remote, join(tmp, 'clone'));
});

afterAll(async () => {
  if (process.env.TAGSTREAM_E2E_LOG) console.log(log.join('\n'));
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('reconcile scenario (real registry, real Git remote over HTTP)', () => {
  it('1. import-image --confirm --all and set triggers pin the workload to v1', async () => {
    digests.v1 = await pushImage(registry, 'ubi', '8', image('v1'));
    const imported = await tagstream(clone, '2026-11-21T07:00:00Z', 'import-image', 'ubi', '--confirm', '--all', '--from', `${registry.host}/ubi`);
    expect(imported.code, imported.stderr).toBe(0);
    const stream = await yamlAt(clone, 'imagestreams/default/ubi.yaml');
    expect(stream.status.tags.find((t: { tag: string }) => t.tag === '8').items[0].image).toBe(digests.v1);

    await mkdir(join(clone, 'apps'), { recursive: true });
    await writeFile(join(clone, 'apps/myapp.yaml'), DEPLOYMENT(registry.host));
    const set = await tagstream(clone, '2026-11-21T07:01:00Z', 'set', 'triggers', 'deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp');
    expect(set.code, set.stderr).toBe(0);
    const text = await readFile(join(clone, 'apps/myapp.yaml'), 'utf8');
    expect(text).toContain(`        image: ${registry.host}/ubi@${digests.v1}   # the app\n`);
    await gitCli(clone, ['add', '-A']);
    await gitCli(clone, ['commit', '-q', '-m', 'Add ubi stream and myapp']);
    await gitCli(clone, ['push', '-q', 'origin', 'main']);
  });

  let bump = '';
  it('2. a scheduled tag moves: reconcile --commit --push pins v2 on the remote, history [v2, v1], one image line', async () => {
    const tagged = await tagstream(clone, '2026-11-21T07:02:00Z', 'tag', `${registry.host}/ubi:8`, 'ubi:8', '--scheduled');
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.stdout).toContain('Tag ubi:8 set to import');
    const after = await yamlAt(clone, 'apps/myapp.yaml');
    expect(after.spec.template.spec.containers[0].image).toBe(`${registry.host}/ubi@${digests.v1}`);
    await gitCli(clone, ['add', '-A']);
    await gitCli(clone, ['commit', '-q', '-m', 'Schedule ubi:8']);
    await gitCli(clone, ['push', '-q', 'origin', 'main']);

    digests.v2 = await pushImage(registry, 'ubi', '8', image('v2'));
    const r = await tagstream(clone, '2026-11-21T07:10:00Z', 'reconcile', '--commit', '--push');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('and pushed');
    bump = await remoteHead();
    expect(await gitCli(clone, ['rev-parse', 'HEAD'])).toBe(bump);

    const remoteApp = parse(await remoteFile('apps/myapp.yaml'));
    expect(remoteApp.spec.template.spec.containers[0].image).toBe(`${registry.host}/ubi@${digests.v2}`);
    const remoteStream = parse(await remoteFile('imagestreams/default/ubi.yaml'));
    const items = remoteStream.status.tags.find((t: { tag: string }) => t.tag === '8').items;
    expect(items.map((i: { image: string }) => i.image)).toEqual([digests.v2, digests.v1]);

    const diff = await gitCli(clone, ['diff', '-U0', 'HEAD~1', 'HEAD', '--', 'apps/myapp.yaml']);
    const changed = diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    expect(changed).toEqual([
      `-        image: ${registry.host}/ubi@${digests.v1}   # the app`,
      `+        image: ${registry.host}/ubi@${digests.v2}   # the app`,
    ]);
    const message = await gitCli(clone, ['log', '-1', '--format=%B']);
    expect(message).toContain(`Tagstream-Move: default/ubi:8 ${digests.v1} -> ${digests.v2}`);
  });

  it('3. git revert is honoured: v2 is held while the registry serves it; v3 moves on', async () => {
    await gitCli(clone, ['revert', '--no-edit', bump]);
    const revert = await gitCli(clone, ['rev-parse', 'HEAD']);
    await gitCli(clone, ['push', '-q', 'origin', 'main']);

    const held = await tagstream(clone, '2026-11-21T07:20:00Z', 'reconcile', '--commit', '--push');
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toContain(`held: default/ubi:8`);
    expect(held.stdout).toContain(`reverted in ${revert.slice(0, 12)}`);
    expect(await remoteHead()).toBe(revert);
    expect((await yamlAt(clone, 'apps/myapp.yaml')).spec.template.spec.containers[0].image).toBe(`${registry.host}/ubi@${digests.v1}`);

    digests.v3 = await pushImage(registry, 'ubi', '8', image('v3'));
    const moved = await tagstream(clone, '2026-11-21T07:30:00Z', 'reconcile', '--commit', '--push');
    expect(moved.code, moved.stderr).toBe(0);
    expect(parse(await remoteFile('apps/myapp.yaml')).spec.template.spec.containers[0].image).toBe(`${registry.host}/ubi@${digests.v3}`);
    const items = parse(await remoteFile('imagestreams/default/ubi.yaml')).status.tags.find((t: { tag: string }) => t.tag === '8').items;
    expect(items.map((i: { image: string }) => i.image)).toEqual([digests.v3, digests.v1]);
  });

  it('4. two reconcilers at once on two clones with different changes: both land, nothing lost, no force push', async () => {
    digests.alpha = await pushImage(registry, 'alpha', '1', image('alpha'));
    digests.beta = await pushImage(registry, 'beta', '1', image('beta'));
    const before = await remoteHead();
    const clones: string[] = [];
    for (const name of ['alpha', 'beta']) {
      const dir = await cloneWorkingCopy(remote, join(tmp, `clone-${name}`));
      await mkdir(join(dir, 'imagestreams/default'), { recursive: true });
      await writeFile(
        join(dir, `imagestreams/default/${name}.yaml`),
        `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ${name}\nspec:\n  tags:\n  - name: "1"\n    from:\n      kind: DockerImage\n      name: ${registry.host}/${name}:1\n`,
      );
      await gitCli(dir, ['add', '-A']);
      await gitCli(dir, ['commit', '-q', '-m', `Add the ${name} stream`]);
      clones.push(dir);
    }
    const results = await Promise.all(clones.map((dir) => tagstream(dir, '2026-11-21T07:40:00Z', 'reconcile', '--commit', '--push')));
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    // Both human commits and both imports are on the remote, on top of the old head (fast-forwards only).
    const subjects = await gitCli(tmp, ['--git-dir', join(server.root, 'gitops.git'), 'log', '--format=%s', `${before}..main`]);
    expect(subjects).toContain('Add the alpha stream');
    expect(subjects).toContain('Add the beta stream');
    expect(await gitCli(tmp, ['--git-dir', join(server.root, 'gitops.git'), 'merge-base', '--is-ancestor', before, 'main']).then(() => true)).toBe(true);
    for (const name of ['alpha', 'beta']) {
      const s = parse(await remoteFile(`imagestreams/default/${name}.yaml`));
      expect(s.status.tags[0].items[0].image).toBe(digests[name]);
    }
  });
});
