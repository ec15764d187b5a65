/**
 * What a reconcile does when a registry misbehaves (#12): the CLI as users run it (in-process
 * `run`), the real registry behind the lying proxy (test/harness/flaky-proxy.ts), and a real Git
 * remote (git http-backend). Nothing the registry cannot serve reaches a workload, the history,
 * a commit or the remote.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { startFlakyProxy, type FlakyProxy } from '../harness/flaky-proxy.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage, sha256 } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { startTricklingRegistry } from '../harness/trickle-registry.js';

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

describe('#12.6 a credential helper that prints its answer and fails', () => {
  const SECRET = 'Helper-Secret-Do-Not-Leak-4711';
  let locked: TestRegistry | undefined;
  afterAll(async () => {
    await locked?.stop();
  });

  it('leaves its output nowhere: not in the error, the stream condition, the commit or the remote', async () => {
    locked = await startRegistry({ auth: 'htpasswd' });
    const bin = join(tmp, 'helper-bin');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'docker-credential-leaky'),
      `#!/bin/sh\nread -r server\nprintf '{"ServerURL":"%s","Username":"robot","Secret":"${SECRET}"}\\n' "$server"\necho "helper trace: ${SECRET}" >&2\nexit 1\n`,
    );
    await chmod(join(bin, 'docker-credential-leaky'), 0o755);
    const home = join(tmp, 'helper-home');
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [locked.host]: 'leaky' } }));
    const url = await server.createBareRepo('helper.git', {
      initialFiles: {
        'imagestreams/private.yaml': STREAM(locked.host).replace('name: app\n', 'name: private\n').replace('faults/app:v1', 'private/app:v1'),
      },
    });
    const dir = await cloneWorkingCopy(url, join(tmp, 'helper-clone'));

    const stdout = captureStream();
    const stderr = captureStream();
    const env = { HOME: home, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const code = await run(['reconcile', '--commit', '--push', '-v'], { stdout, stderr, env, cwd: dir, clock: fixedClock('2026-12-01T09:00:00Z') });
    const output = `${stdout.text()}${stderr.text()}`;
    expect(code, output).toBe(1);
    // the failure is reported and recorded, in Tagstream's words only
    expect(output).toContain('docker-credential-leaky');
    const bare = join(server.root, 'helper.git');
    const stream = parse(await gitCli(tmp, ['--git-dir', bare, 'show', 'main:imagestreams/private.yaml']));
    const condition = stream.status.tags[0].conditions[0];
    expect(condition).toMatchObject({ type: 'ImportSuccess', status: 'False' });
    expect(condition.message).toContain('docker-credential-leaky');
    expect(condition.message.length).toBeLessThanOrEqual(1000);
    // ... and the secret nowhere
    expect(output).not.toContain(SECRET);
    expect(await readFile(join(dir, 'imagestreams/private.yaml'), 'utf8')).not.toContain(SECRET);
    expect(await gitCli(dir, ['log', '-p', '--all', '--format=%H%n%B'])).not.toContain(SECRET);
    expect(await gitCli(tmp, ['--git-dir', bare, 'log', '-p', '--all', '--format=%H%n%B'])).not.toContain(SECRET);
  });
});

describe('#12.5 a registry that trickles its answers (1 byte every 200 ms)', () => {
  it('fails only its tag at TAGSTREAM_REGISTRY_TIMEOUT; the other tag is pinned, committed and pushed', async () => {
    const stalled = await startTricklingRegistry({ byteIntervalMs: 200 });
    try {
      const ok = await pushImage(registry, 'faults/healthy', 'v1', image('healthy'));
      const url = await server.createBareRepo('stalled.git', {
        initialFiles: {
          'imagestreams/slow.yaml': STREAM(stalled.host).replace('name: app\n', 'name: slow\n'),
          'imagestreams/healthy.yaml': STREAM(registry.host).replace('name: app\n', 'name: healthy\n').replace('faults/app:v1', 'faults/healthy:v1'),
        },
      });
      const dir = await cloneWorkingCopy(url, join(tmp, 'stalled-clone'));
      const stdout = captureStream();
      const stderr = captureStream();
      const env = { HOME: join(tmp, 'home'), PATH: process.env.PATH, TAGSTREAM_REGISTRY_TIMEOUT: '1s' };
      const started = performance.now();
      const code = await run(['reconcile', '--commit', '--push'], { stdout, stderr, env, cwd: dir, clock: fixedClock('2026-12-01T09:30:00Z') });
      const took = performance.now() - started;
      const output = `${stdout.text()}${stderr.text()}`;
      expect(code, output).toBe(1);
      expect(output).toMatch(/no complete answer from 127\.0\.0\.1:\d+ within 1 s/);
      expect(stalled.manifestGets).toBeGreaterThanOrEqual(1);
      // the body alone would take ~100 s; the deadline (plus a commit and a push) is what it took
      expect(took).toBeLessThan(30_000);
      const bare = join(server.root, 'stalled.git');
      const healthy = parse(await gitCli(tmp, ['--git-dir', bare, 'show', 'main:imagestreams/healthy.yaml']));
      expect(healthy.status.tags[0].items[0].image).toBe(ok);
      // a transient failure is reported, not recorded
      expect(await gitCli(tmp, ['--git-dir', bare, 'show', 'main:imagestreams/slow.yaml'])).not.toContain('status:');
    } finally {
      await stalled.stop();
    }
  }, 60_000);

  it('a malformed TAGSTREAM_REGISTRY_TIMEOUT is refused, naming the variable', async () => {
    const stderr = captureStream();
    const code = await run(['reconcile'], { stdout: captureStream(), stderr, env: { HOME: join(tmp, 'home'), PATH: process.env.PATH, TAGSTREAM_REGISTRY_TIMEOUT: 'soon' }, cwd: clone, clock: fixedClock('2026-12-01T09:40:00Z') });
    expect(code).toBe(1);
    expect(stderr.text()).toContain('TAGSTREAM_REGISTRY_TIMEOUT: expected a positive duration such as 60s or 15m, got "soon"');
  });
});
