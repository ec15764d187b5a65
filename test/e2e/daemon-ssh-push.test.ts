/**
 * `tagstream serve` in direct-push mode (no `--pull-request`) over SSH, as a child process
 * (`node dist/cli/main.js serve`): the daemon clones from a real sshd (deploy key, strict host
 * keys), imports from a real registry and pushes its pin commit to the followed branch over SSH.
 * A registry notification for a moved tag produces one commit whose diff is the tag's history and
 * the pinned workload; the same notification again produces none. Needs `npm run build:ts` first.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, freePort, startDaemonProcess, waitFor, type DaemonProcess } from '../harness/daemon-process.js';
import { gitCli } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { startSshServer, type SshServer } from '../harness/ssh-server.js';

const SECRET = 'e2e-ssh-push-webhook-secret-0123456789';
const IMAGE = 'ssh-push/app';

let registry: TestRegistry;
let sshd: SshServer;
let scratch: string;
let daemon: DaemonProcess | undefined;
let bare: string;
let base: string;

const imageStream = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: v1
    from:
      kind: DockerImage
      name: ${host}/${IMAGE}:v1
`;

const deployment = (host: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:v1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${host}/${IMAGE}:v1
`;

const remote = (...args: string[]) => gitCli(scratch, ['--git-dir', bare, ...args]);
const finishedRuns = () => (daemon?.logs() ?? []).filter((l) => l['msg'] === 'run finished');
/** The `n`th (1-based) "run finished" log line, once the daemon has written it. */
const nthRun = (n: number) => waitFor(`run ${n} to finish`, async () => finishedRuns()[n - 1], 60_000);
const notify = (tag: string) =>
  fetch(`${base}/webhooks/registry`, { method: 'POST', body: JSON.stringify({ registry: registry.host, repository: IMAGE, tag }), headers: { authorization: `Bearer ${SECRET}` } });
/** `+`/`-` lines of a zero-context diff, headers left out. */
const changedLines = (diff: string) => diff.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));

beforeAll(async () => {
  if (!existsSync(CLI_ENTRY)) throw new Error('dist/cli/main.js is missing: run `npm run build:ts` first');
  scratch = await mkdtemp(join(tmpdir(), 'tagstream-daemon-ssh-push-e2e-'));
  registry = await startRegistry();
  sshd = await startSshServer();
}, 60_000);

afterAll(async () => {
  await daemon?.kill();
  await sshd?.stop();
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 30_000);

describe('serve pushing to an SSH remote (no --pull-request)', () => {
  let first: string;
  let firstDigest: string;

  it('the startup run imports the tag and pushes the pin commit to main over SSH', async () => {
    firstDigest = await pushImage(registry, IMAGE, 'v1', makeImage({ created: '2026-11-01T00:00:00Z', labels: { v: '1' } }));
    let url: string;
    ({ url, bare } = await sshd.createBareRepo('platform/daemon-push.git', {
      'imagestreams/shop/app.yaml': imageStream(registry.host),
      'apps/app.yaml': deployment(registry.host),
      '.tagstream.yaml': 'git:\n  authorName: Tagstream Bot\n  authorEmail: bot@example.test\n',
    }));
    const initial = await remote('rev-parse', 'main');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    daemon = startDaemonProcess(['--repo-url', url, '--branch', 'main', '--data-dir', join(scratch, 'data'), '--listen', `127.0.0.1:${port}`], {
      HOME: scratch,
      DOCKER_CONFIG: join(scratch, 'docker'),
      TAGSTREAM_WEBHOOK_SECRET: SECRET,
      TAGSTREAM_GIT_SSH_KEY_FILE: sshd.keyFile,
      TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: sshd.knownHostsFile,
    });
    const run = await nthRun(1);
    expect(run, daemon.output()).toMatchObject({ moved: ['shop/app:v1'], failed: [], pushed: true });
    first = await remote('rev-parse', 'main');
    expect(run['commit']).toBe(first);
    expect(await remote('rev-parse', 'main^')).toBe(initial);
    expect(await remote('log', '-1', '--format=%an <%ae>', 'main')).toBe('Tagstream Bot <bot@example.test>');
    expect((await remote('diff', '--name-only', initial, first)).split('\n').sort()).toEqual(['apps/app.yaml', 'imagestreams/shop/app.yaml']);
    expect(changedLines(await remote('diff', '-U0', initial, first, '--', 'apps/app.yaml'))).toEqual([
      `-          image: ${registry.host}/${IMAGE}:v1`,
      `+          image: ${registry.host}/${IMAGE}@${firstDigest}`,
    ]);
    expect(await remote('show', 'main:imagestreams/shop/app.yaml')).toContain(`${registry.host}/${IMAGE}@${firstDigest}`);
  }, 90_000);

  it('a moved tag is imported and its pin commit pushed; the same notification again makes no commit', async () => {
    const moved = await pushImage(registry, IMAGE, 'v1', makeImage({ created: '2026-11-03T00:00:00Z', labels: { v: '2' } }));
    expect(moved).not.toBe(firstDigest);
    expect((await notify('v1')).status).toBe(202);
    const run = await nthRun(2);
    expect(run, daemon?.output()).toMatchObject({ moved: ['shop/app:v1'], failed: [], pushed: true });
    const head = await remote('rev-parse', 'main');
    expect(run['commit']).toBe(head);
    expect(await remote('rev-parse', 'main^')).toBe(first);
    expect(await remote('log', '-1', '--format=%B', 'main')).toMatch(/shop\/app:v1 .*\(webhook\)/);
    expect((await remote('diff', '--name-only', first, head)).split('\n').sort()).toEqual(['apps/app.yaml', 'imagestreams/shop/app.yaml']);
    // The workload: exactly its image line, from the old pin to the new one.
    expect(changedLines(await remote('diff', '-U0', first, head, '--', 'apps/app.yaml'))).toEqual([
      `-          image: ${registry.host}/${IMAGE}@${firstDigest}`,
      `+          image: ${registry.host}/${IMAGE}@${moved}`,
    ]);
    // The stream: a new generation, the new image on top of the tag's history, the check time.
    const streamDiff = changedLines(await remote('diff', '-U0', first, head, '--', 'imagestreams/shop/app.yaml'));
    const ref = `${registry.host}/${IMAGE}@${moved}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const expected = [
      /^- {2}generation: 2$/,
      /^\+ {2}generation: 3$/,
      /^- {4}openshift\.io\/image\.dockerRepositoryCheck: "[^"]+"$/,
      /^\+ {4}openshift\.io\/image\.dockerRepositoryCheck: "[^"]+"$/,
      /^- {4}generation: 2$/,
      /^\+ {4}generation: 3$/,
      /^\+ {4}- created: "[^"]+"$/,
      new RegExp(`^\\+ {6}dockerImageReference: ${ref}$`),
      new RegExp(`^\\+ {6}image: ${moved}$`),
      /^\+ {6}generation: 3$/,
    ];
    expect(streamDiff.length, streamDiff.join('\n')).toBe(expected.length);
    streamDiff.forEach((line, i) => expect(line).toMatch(expected[i]!));
    // ...and the previous image stays in that history.
    expect(await remote('show', 'main:imagestreams/shop/app.yaml')).toContain(`${registry.host}/${IMAGE}@${firstDigest}`);

    // A second cycle for the same tag: it imports, finds nothing new and pushes nothing.
    expect((await notify('v1')).status).toBe(202);
    const again = await nthRun(3);
    expect(again, daemon?.output()).toMatchObject({ moved: [], failed: [], pushed: false });
    expect(again['commit']).toBeUndefined();
    expect(await remote('rev-parse', 'main')).toBe(head);

    const output = daemon?.output() ?? '';
    expect(output).not.toContain(SECRET);
    const privateKeyBody = (await readFile(sshd.keyFile, 'utf8')).split('\n')[1] ?? '';
    expect(privateKeyBody.length).toBeGreaterThan(20);
    expect(output).not.toContain(privateKeyBody);
  }, 90_000);
});
