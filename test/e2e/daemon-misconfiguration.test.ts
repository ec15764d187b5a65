/**
 * #12.11 The daemon fails fast on settings that cannot work (the built bin as a child process,
 * a real Git remote over git http-backend): a remote URL it cannot speak, a missing remote, a
 * branch the remote does not have. One clear log line, /readyz 503 naming the problem, and no
 * retry after it (before, each was retried with backoff forever). Needs `npm run build:ts`.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemonProcess, waitFor, type DaemonProcess } from '../harness/daemon-process.js';
import { gitCli, startGitServer, type GitServer } from '../harness/git-server.js';

let tmp: string;
let server: GitServer;
let url: string;
const running: DaemonProcess[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-misconfig-'));
  await mkdir(join(tmp, 'home'));
  server = await startGitServer();
  url = await server.createBareRepo('config.git', { initialFiles: { 'README.md': '# gitops\n' } });
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((d) => d.kill()));
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<{ daemon: DaemonProcess; port: number }> {
  const port = await freePort();
  const daemon = startDaemonProcess([...args, '--listen', `127.0.0.1:${port}`, '--backoff-max', '2s'], { HOME: join(tmp, 'home') });
  running.push(daemon);
  return { daemon, port };
}

const failures = (d: DaemonProcess) => d.logs().filter((l) => l['msg'] === 'run failed; retrying').length;

/** Wait for the one misconfiguration line, check /readyz, and that nothing is retried for 3.5 s (backoff 1 s, 2 s). */
async function expectFailsFast(d: DaemonProcess, port: number, problem: RegExp): Promise<void> {
  const line = await waitFor('the misconfiguration log line', async () => d.logs().find((l) => l['msg'] === 'permanent misconfiguration: not retrying; fix the settings and restart'), 20_000);
  expect(line['level']).toBe('error');
  expect(String(line['error'])).toMatch(problem);
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(ready.status).toBe(503);
  const body = await ready.text();
  expect(body).toMatch(/^not ready: misconfigured, not retrying \(fix the settings and restart\): /);
  expect(body).toMatch(problem);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 3500));
  expect(failures(d), d.output()).toBe(0);
  expect(d.logs().filter((l) => l['msg'] === 'permanent misconfiguration: not retrying; fix the settings and restart')).toHaveLength(1);
}

describe('serve fails fast on permanent misconfiguration', () => {
  it('a remote URL it cannot speak (ftp://)', async () => {
    const { daemon, port } = await serve(['--repo-url', 'ftp://git.example.test/config.git', '--data-dir', join(tmp, 'ftp')]);
    await expectFailsFast(daemon, port, /unsupported remote URL; Tagstream speaks https:\/\/, http:\/\/ and ssh:\/\//);
  }, 40_000);

  it('a working copy without the remote', async () => {
    const dir = join(tmp, 'no-remote');
    await mkdir(dir);
    await gitCli(dir, ['init', '-q', '-b', 'main']);
    await gitCli(dir, ['commit', '-q', '--allow-empty', '-m', 'first']);
    const { daemon, port } = await serve(['--repo', dir]);
    await expectFailsFast(daemon, port, /no remote named "origin"/);
  }, 40_000);

  it('a branch the remote does not have', async () => {
    const { daemon, port } = await serve(['--repo-url', url, '--data-dir', join(tmp, 'bad-branch'), '--branch', 'no-such-branch']);
    await expectFailsFast(daemon, port, /the remote has no branch no-such-branch/);
  }, 40_000);

  it('a good configuration still becomes ready (the check is not too eager)', async () => {
    const { daemon, port } = await serve(['--repo-url', url, '--data-dir', join(tmp, 'good')]);
    await waitFor('/readyz 200', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 20_000);
    expect(daemon.logs().some((l) => l['msg'] === 'permanent misconfiguration: not retrying; fix the settings and restart')).toBe(false);
  }, 40_000);
});
