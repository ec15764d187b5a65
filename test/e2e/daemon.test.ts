/**
 * `tagstream serve` end to end, as a child process (`node dist/cli/main.js serve`), against a real
 * docker-registry whose notifications point at the daemon, a second registry without
 * notifications (scheduled imports), a stalling proxy (shutdown during a run) and a real Git
 * remote over HTTP (git http-backend). Needs `npm run build:ts` first (the test builds nothing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { parsePrometheusText } from '../unit/daemon/prometheus-parse.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = join(ROOT, 'dist/cli/main.js');
const SECRET = 'e2e-webhook-secret-0123456789';
const GIT_USER = 'tagstream-bot';
const GIT_PASSWORD = 'e2e-git-password-9876543210';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A proxy that, when armed, holds each request for `holdMs` before forwarding it. */
async function startStallProxy(target: string): Promise<{ host: string; arm(ms: number): void; stalled: number; stop(): Promise<void> }> {
  const upstream = new URL(target);
  let holdMs = 0;
  const state = { stalled: 0 };
  const server: Server = createServer((req, res) => {
    const forward = () => {
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (holdMs > 0 && /\/manifests\//.test(req.url ?? '')) {
      state.stalled += 1;
      setTimeout(forward, holdMs);
    } else forward();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm: (ms) => {
      holdMs = ms;
    },
    get stalled() {
      return state.stalled;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Daemon {
  readonly child: ChildProcess;
  readonly logs: () => Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

function startDaemon(args: string[], env: Record<string, string>): Daemon {
  const child = spawn(process.execPath, [ENTRY, 'serve', ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  void exited.then(() => children.delete(child));
  return {
    child,
    exited,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { unparsed: l, stderr: err };
          }
        }),
  };
}

const manifest = (reg1: string, reg2: string, stall: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: latest
    from:
      kind: DockerImage
      name: ${reg1}/notify/app:v1
  - name: nightly
    from:
      kind: DockerImage
      name: ${reg2}/sched/app:latest
    importPolicy:
      scheduled: true
  - name: slow
    from:
      kind: DockerImage
      name: ${stall}/slow/app:v1
`;

describe.skipIf(!existsSync(ENTRY))('tagstream serve (end to end)', () => {
  let tmp: string;
  let registry: TestRegistry;
  let quiet: TestRegistry;
  let stall: Awaited<ReturnType<typeof startStallProxy>>;
  let git: GitServer;
  let remote: string;
  let checkout: string;
  let port: number;
  let base: string;
  let daemon: Daemon;
  let env: Record<string, string>;
  let args: string[];

  const remoteHead = async () => (await gitCli(checkout, ['ls-remote', 'origin', 'refs/heads/main'])).split(/\s/)[0] ?? '';
  const remoteFile = async (path: string) => {
    await gitCli(checkout, ['fetch', '-q', 'origin', 'main']);
    return gitCli(checkout, ['show', `origin/main:${path}`]);
  };
  const status = async (path: string, init?: RequestInit) => (await fetch(`${base}${path}`, init)).status;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tagstream-daemon-e2e-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    registry = await startRegistry({ notifications: { url: `${base}/webhooks/registry`, headers: { Authorization: [`Bearer ${SECRET}`] } } });
    quiet = await startRegistry();
    stall = await startStallProxy(quiet.url);
    await pushImage(registry, 'notify/app', 'v1', makeImage({ labels: { build: '1' } }));
    await pushImage(quiet, 'sched/app', 'latest', makeImage({ labels: { sched: '1' } }));
    await pushImage(quiet, 'slow/app', 'v1', makeImage({ labels: { slow: '1' } }));
    git = await startGitServer({ users: { [GIT_USER]: GIT_PASSWORD } });
    remote = await git.createBareRepo('gitops.git', {
      initialFiles: { 'imagestreams/app.yaml': manifest(registry.host, quiet.host, stall.host), '.tagstream.yaml': 'git:\n  authorName: Tagstream Bot\n  authorEmail: bot@example.test\n' },
    });
    const authed = new URL(remote);
    authed.username = GIT_USER;
    authed.password = GIT_PASSWORD;
    checkout = await cloneWorkingCopy(authed.toString(), join(tmp, 'checkout'));
    env = {
      HOME: tmp,
      DOCKER_CONFIG: join(tmp, 'docker'),
      TAGSTREAM_ALLOW_SHORT_INTERVALS: '1',
      TAGSTREAM_WEBHOOK_SECRET: SECRET,
      TAGSTREAM_GIT_USERNAME: GIT_USER,
      TAGSTREAM_GIT_PASSWORD: GIT_PASSWORD,
    };
    args = ['--repo-url', remote, '--branch', 'main', '--data-dir', join(tmp, 'data'), '--listen', `127.0.0.1:${port}`, '--scheduled-interval', '3s', '--poll-interval', '1s', '--grace-period', '300ms'];
    daemon = startDaemon(args, env);
    // The startup run imports every new tag and pushes one commit.
    await waitFor('readiness', async () => ((await status('/readyz').catch(() => 0)) === 200 ? true : undefined), 20_000);
    await waitFor('the first commit', async () => ((await remoteFile('imagestreams/app.yaml')).includes('status:') ? true : undefined), 20_000);
  }, 90_000);

  afterAll(async () => {
    for (const c of children) {
      if (c.pid !== undefined && c.exitCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        process.kill(c.pid, 'SIGKILL');
        await gone;
      }
    }
    await stall?.stop();
    await registry?.stop();
    await quiet?.stop();
    await git?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('a push of a new image to a tracked tag produces a commit on the remote', async () => {
    const delays: number[] = [];
    for (let build = 2; build <= 4; build++) {
      const before = await remoteHead();
      const pushedAt = Date.now();
      const digest = await pushImage(registry, 'notify/app', 'v1', makeImage({ labels: { build: String(build) } }));
      const text = await waitFor('the commit of the new digest', async () => {
        const t = await remoteFile('imagestreams/app.yaml');
        return t.includes(digest) ? t : undefined;
      }, 20_000, 25);
      delays.push(Date.now() - pushedAt);
      expect(await remoteHead()).not.toBe(before);
      expect(text).toContain(`${registry.host}/notify/app@${digest}`);
    }
    const sorted = [...delays].sort((a, b) => a - b);
    console.log(`[daemon e2e] registry push -> commit on the remote (debounce 500ms): ${delays.join(', ')} ms; median ${sorted[1]} ms`);
    const message = await gitCli(checkout, ['log', '-1', '--format=%an <%ae>%n%B', 'origin/main']);
    expect(message).toContain('Tagstream Bot <bot@example.test>');
    expect(message).toMatch(/shop\/app:latest .*\(webhook\)/);
    expect(daemon.logs().some((l) => l['msg'] === 'registry notification')).toBe(true);
    // pushes after the first land on the head the daemon's own run left: planned for that stream only
    const finished = daemon.logs().filter((l) => l['msg'] === 'run finished' && JSON.stringify(l['moved']) === '["shop/app:latest"]');
    expect(finished.some((l) => JSON.stringify(l['scoped']) === '["shop/app"]')).toBe(true);
  }, 60_000);

  it('a scheduled tag moves on schedule (no notification from its registry)', async () => {
    const digest = await pushImage(quiet, 'sched/app', 'latest', makeImage({ labels: { sched: '2' } }));
    const started = Date.now();
    await waitFor('the scheduled import', async () => ((await remoteFile('imagestreams/app.yaml')).includes(digest) ? true : undefined), 15_000, 100);
    console.log(`[daemon e2e] scheduled import picked up after ${Date.now() - started} ms (interval 3s)`);
    expect(await gitCli(checkout, ['log', '-1', '--format=%B', 'origin/main'])).toMatch(/shop\/app:nightly .*\(scheduled\)/);
  }, 20_000);

  it('a spec change pushed to the branch is picked up (Git webhook, else the next poll)', async () => {
    await gitCli(checkout, ['fetch', '-q', 'origin', 'main']);
    await gitCli(checkout, ['checkout', '-q', '-B', 'main', 'origin/main']);
    const path = join(checkout, 'imagestreams/app.yaml');
    const text = await readFile(path, 'utf8');
    const added = text.replace('  tags:\n', `  tags:\n  - name: extra\n    from:\n      kind: DockerImage\n      name: ${registry.host}/notify/app:v1\n`);
    expect(added).not.toBe(text);
    await writeFile(path, added);
    await gitCli(checkout, ['commit', '-q', '-am', 'track notify/app:v1 as extra']);
    await gitCli(checkout, ['push', '-q', 'origin', 'main']);
    const human = await gitCli(checkout, ['rev-parse', 'HEAD']);
    const res = await fetch(`${base}/webhooks/git`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(202);
    await waitFor('the import of the new spec tag', async () => ((await remoteFile('imagestreams/app.yaml')).includes('  - tag: extra\n') ? true : undefined), 15_000, 100);
    // Tagstream's commit sits on top of the person's commit: fetched and fast-forwarded, not forced.
    expect(await gitCli(checkout, ['rev-parse', 'origin/main^'])).toBe(human);
  }, 20_000);

  it('refuses webhooks without or with a wrong secret', async () => {
    const body = JSON.stringify({ registry: registry.host, repository: 'notify/app', tag: 'v1' });
    expect(await status('/webhooks/registry', { method: 'POST', body })).toBe(401);
    expect(await status('/webhooks/registry', { method: 'POST', body, headers: { authorization: 'Bearer not-the-secret' } })).toBe(401);
    expect(await status('/webhooks/git', { method: 'POST', body: '{}' })).toBe(401);
    const logs = daemon.logs().map((l) => JSON.stringify(l)).join('\n');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(GIT_PASSWORD);
  });

  it('/metrics parses as Prometheus text and counts the work done', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const families = parsePrometheusText(await res.text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? -1;
    expect(value('tagstream_commits_pushed_total')).toBeGreaterThanOrEqual(3);
    expect(value('tagstream_runs_total', { result: 'success' })).toBeGreaterThanOrEqual(3);
    expect(value('tagstream_tags_moved_total')).toBeGreaterThanOrEqual(5);
    expect(value('tagstream_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(value('tagstream_registry_requests_total', { status: '200' })).toBeGreaterThan(0);
    expect(value('tagstream_webhooks_total')).toBeGreaterThan(0);
  });

  it('SIGTERM during a run leaves the remote and the data directory consistent', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // let any scheduled run finish
    const digest = await pushImage(quiet, 'slow/app', 'v1', makeImage({ labels: { slow: '2' } }));
    stall.arm(3000);
    const stalledBefore = stall.stalled;
    const res = await fetch(`${base}/webhooks/registry`, { method: 'POST', body: JSON.stringify({ registry: stall.host, repository: 'slow/app', tag: 'v1' }), headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(202);
    await waitFor('the run to reach the stalled registry', async () => (stall.stalled > stalledBefore ? true : undefined), 10_000, 20);
    const headBefore = await remoteHead();
    daemon.child.kill('SIGTERM');
    // Webhooks are refused at once while the run is given its grace period.
    await new Promise((r) => setTimeout(r, 100));
    expect(await status('/webhooks/git', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${SECRET}` } }).catch(() => 503)).toBe(503);
    expect(await daemon.exited).toBe(0);
    stall.arm(0);
    expect(await remoteHead()).toBe(headBefore);
    expect(await remoteFile('imagestreams/app.yaml')).not.toContain(digest);
    expect(daemon.logs().some((l) => l['msg'] === 'run abandoned at shutdown; nothing was pushed')).toBe(true);
    const data = join(tmp, 'data');
    await gitCli(data, ['fsck', '--no-progress']);
    expect(await readFile(join(data, '.git/config'), 'utf8')).not.toContain(GIT_PASSWORD);
    // A new process recovers the working copy; the hint of the abandoned run is gone with it, so
    // the notification is sent again (the registry does not redeliver what was answered 202).
    daemon = startDaemon(args, env);
    await waitFor('readiness after restart', async () => ((await status('/readyz').catch(() => 0)) === 200 ? true : undefined), 20_000);
    const again = await fetch(`${base}/webhooks/registry`, { method: 'POST', body: JSON.stringify({ registry: stall.host, repository: 'slow/app', tag: 'v1' }), headers: { authorization: `Bearer ${SECRET}` } });
    expect(again.status).toBe(202);
    await waitFor('the import after restart', async () => ((await remoteFile('imagestreams/app.yaml')).includes(digest) ? true : undefined), 25_000, 100);
    expect(await gitCli(data, ['status', '--porcelain'])).toBe('');
    const history = await gitCli(checkout, ['log', '--format=%H', 'origin/main']);
    expect(history.split('\n')).toContain(headBefore);
  }, 60_000);
});
