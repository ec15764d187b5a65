/**
 * `tagstream serve --pull-request` end to end, as a child process (`node dist/cli/main.js serve`):
 * the daemon clones over SSH (a real sshd, deploy key, strict host keys), imports from a real
 * registry and opens a pull request on a Gitea API stub validated against Gitea's Swagger
 * description, instead of pushing to the followed branch. Needs `npm run build:ts` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePullRequestTrailers } from '../../src/planning/pull-request-body.js';
import { gitCli } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { startSshServer, type SshServer } from '../harness/ssh-server.js';
import { startCodeHostApi, type CodeHostApiServer } from '../harness/swagger-api.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = join(ROOT, 'dist/cli/main.js');
const TOKEN = 'gitea-e2e-daemon-token-0123456789';

let registry: TestRegistry;
let sshd: SshServer;
let api: CodeHostApiServer;
let scratch: string;
let child: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tagstream-daemon-pr-e2e-'));
  registry = await startRegistry();
  sshd = await startSshServer();
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
  }
  await api?.close();
  await sshd?.stop();
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('serve --pull-request (Gitea over SSH)', () => {
  it('opens a pull request from tagstream/main and leaves main alone', async () => {
    await pushImage(registry, 'daemon/app', 'v1', makeImage({ created: '2026-11-01T00:00:00Z', labels: { v: '1' } }));
    const { url, bare } = await sshd.createBareRepo('platform/daemon-gitops.git', {
      'imagestreams/shop/app.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: v1
    from:
      kind: DockerImage
      name: ${registry.host}/daemon/app:v1
`,
    });
    const mainBefore = await gitCli(scratch, ['--git-dir', bare, 'rev-parse', 'main']);
    api = await startCodeHostApi({ kind: 'gitea', token: TOKEN, repository: 'platform/daemon-gitops' });
    const port = await freePort();
    const args = ['--repo-url', url, '--data-dir', join(scratch, 'data'), '--listen', `127.0.0.1:${port}`, '--pull-request', '--provider', 'gitea', '--api-url', api.apiUrl, '--pr-labels', 'images,automated'];
    child = spawn(process.execPath, [ENTRY, 'serve', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: scratch,
        TAGSTREAM_GIT_TOKEN: TOKEN,
        TAGSTREAM_GIT_SSH_KEY_FILE: sshd.keyFile,
        TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: sshd.knownHostsFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !/"msg":"run finished"/.test(out)) await new Promise((r) => setTimeout(r, 200));
    expect(out, out).toMatch(/"msg":"run finished"/);

    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ head: 'tagstream/main', base: 'main', state: 'open', labels: ['images', 'automated'] });
    expect(parsePullRequestTrailers(api.requests[0]!.body).moves.map((m) => `${m.stream}:${m.tag}`)).toEqual(['shop/app:v1']);
    expect(await gitCli(scratch, ['--git-dir', bare, 'rev-parse', 'main'])).toBe(mainBefore);
    expect(await gitCli(scratch, ['--git-dir', bare, 'rev-parse', 'tagstream/main'])).toMatch(/^[0-9a-f]{40}$/);
    expect(out).toContain('opened #1 tagstream/main');
    expect(out).not.toContain(TOKEN);
    expect(api.violations).toEqual([]);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => (child!.exitCode !== null ? r(child!.exitCode) : child!.once('exit', (c) => r(c))));
    expect(code).toBe(0);
  }, 90_000);
});
