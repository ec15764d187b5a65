import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDaemonHttpServer, type DaemonHttpServer } from '../../../src/daemon/http-server.js';
import { DaemonMetrics } from '../../../src/daemon/daemon-metrics.js';
import { createJsonLog } from '../../../src/daemon/json-log.js';
import type { RegistryHint } from '../../../src/daemon/registry-events.js';
import { systemClock } from '../../../src/ports/clock.js';
import { parsePrometheusText } from '../../unit/daemon/prometheus-parse.js';

const SECRET = 'test-webhook-secret-123';
const pushSample = readFileSync(fileURLToPath(new URL('../../fixtures/daemon/notification-push-event.json', import.meta.url)), 'utf8');
const pushBody = JSON.stringify((JSON.parse(pushSample) as { body: unknown }).body);

describe('daemon HTTP server', () => {
  let server: DaemonHttpServer;
  let disabled: DaemonHttpServer;
  const pushed: RegistryHint[][] = [];
  let gitPushes = 0;
  const gitRefs: (string | undefined)[] = [];
  let ready = false;
  let stopping = false;
  const logLines: string[] = [];
  const log = createJsonLog({ write: (l) => logLines.push(l), level: 'debug', clock: systemClock, secrets: [SECRET] });
  const handlers = {
    ready: () => ready,
    stopping: () => stopping,
    metricsText: () => new DaemonMetrics().render({ byStatus: { '200': 1 } }),
    registryPushed: (h: readonly RegistryHint[]) => {
      pushed.push([...h]);
      return !stopping;
    },
    gitPushed: (ref?: string) => {
      gitPushes += 1;
      gitRefs.push(ref);
      return !stopping;
    },
  };

  beforeAll(async () => {
    server = await startDaemonHttpServer(handlers, { host: '127.0.0.1', port: 0, webhookSecret: SECRET, maxBodyBytes: 4096, log });
    disabled = await startDaemonHttpServer(handlers, { host: '127.0.0.1', port: 0, webhookSecret: undefined, maxBodyBytes: 4096, log });
  });
  afterAll(async () => {
    await server.close();
    await disabled.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}, base = server.url) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...headers } });

  it('healthz answers ok; readyz follows readiness', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('metrics in Prometheus text format', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(await res.text());
    expect(families.has('tagstream_runs_total')).toBe(true);
  });

  it.each([
    ['no Authorization', {}],
    ['wrong secret', { authorization: 'Bearer wrong' }],
    ['secret as Basic', { authorization: `Basic ${SECRET}` }],
  ])('refuses a registry webhook with %s (401) and queues nothing', async (_name, headers) => {
    const before = pushed.length;
    const res = await post('/webhooks/registry', pushBody, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(pushed.length).toBe(before);
    const gitRes = await post('/webhooks/git', '{}', headers);
    expect(gitRes.status).toBe(401);
  });

  it('accepts a registry notification with the secret (202) and hands over the pushes', async () => {
    const res = await post('/webhooks/registry', pushBody, { authorization: `Bearer ${SECRET}` });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ format: 'distribution', queued: 1, ignored: 0 });
    expect(pushed.at(-1)).toEqual([{ registry: '127.0.0.1:39131', repository: 'notify/app', tag: 'v1', digest: expect.stringMatching(/^sha256:/) }]);
  });

  it('accepts the generic form and the git webhook', async () => {
    const res = await post('/webhooks/registry', JSON.stringify({ registry: '127.0.0.1:5000', repository: 'a/b', tag: 'v2' }), { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(pushed.at(-1)).toEqual([{ registry: '127.0.0.1:5000', repository: 'a/b', tag: 'v2', digest: undefined }]);
    const before = gitPushes;
    expect((await post('/webhooks/git', '{"ref":"refs/heads/main"}', { authorization: `Bearer ${SECRET}` })).status).toBe(202);
    expect(gitPushes).toBe(before + 1);
  });

  it('accepts Git hosts\' own signatures on the git webhook and passes the pushed ref', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' });
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    expect((await post('/webhooks/git', body, { 'x-hub-signature-256': `sha256=${sig}`, 'content-type': 'application/json' })).status).toBe(202);
    expect(gitRefs.at(-1)).toBe('refs/heads/main');
    expect((await post('/webhooks/git', body, { 'x-gitlab-token': SECRET })).status).toBe(202);
    expect((await post('/webhooks/git', body, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    // The registry webhook does not take GitLab's token header.
    expect((await post('/webhooks/registry', pushBody, { 'x-gitlab-token': SECRET })).status).toBe(401);
  });

  it('takes the secret as ?secret= on the registry webhook (Docker Hub, Quay), compared exactly', async () => {
    const hub = JSON.stringify({ push_data: { tag: 'v3' }, repository: { repo_name: 'org/app' } });
    const res = await post(`/webhooks/registry?secret=${encodeURIComponent(SECRET)}`, hub, { 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ format: 'dockerhub', queued: 1, ignored: 0 });
    expect(pushed.at(-1)).toEqual([{ registry: undefined, repository: 'docker.io/org/app', tag: 'v3', digest: undefined }]);
    const before = pushed.length;
    for (const query of ['?secret=wrong-query-secret', `?secret=${SECRET}x`, `?secret=${SECRET}&secret=${SECRET}`, `?Secret=${SECRET}`]) {
      expect((await post(`/webhooks/registry${query}`, hub)).status, query).toBe(401);
    }
    expect(pushed.length).toBe(before);
    // The git webhook keeps to headers.
    expect((await post(`/webhooks/git?secret=${SECRET}`, '{}')).status).toBe(401);
  });

  it('takes GitHub\'s X-Hub-Signature-256 on the registry webhook (package events)', async () => {
    const body = JSON.stringify({ action: 'published', package: { package_type: 'CONTAINER', namespace: 'Octo-Org', name: 'hello', package_version: { container_metadata: { tag: { name: 'v9', digest: 'sha256:abc' } } }, registry: { url: 'https://ghcr.io/octo-org' } } });
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await post('/webhooks/registry', body, { 'x-hub-signature-256': `sha256=${sig}`, 'x-github-event': 'package', 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(pushed.at(-1)).toEqual([{ registry: 'ghcr.io', repository: 'octo-org/hello', tag: 'v9', digest: 'sha256:abc' }]);
    const before = pushed.length;
    const forged = createHmac('sha256', 'other').update(body).digest('hex');
    expect((await post('/webhooks/registry', body, { 'x-hub-signature-256': `sha256=${forged}`, 'x-github-event': 'package' })).status).toBe(401);
    expect((await post('/webhooks/registry', `${body} `, { 'x-hub-signature-256': `sha256=${sig}`, 'x-github-event': 'package' })).status).toBe(401);
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const pingSig = createHmac('sha256', SECRET).update(ping).digest('hex');
    const pong = await post('/webhooks/registry', ping, { 'x-hub-signature-256': `sha256=${pingSig}`, 'x-github-event': 'ping' });
    expect(pong.status).toBe(202);
    expect(await pong.json()).toEqual({ format: 'github', queued: 0, ignored: 1 });
    expect(pushed.length).toBe(before + 1);
    expect(pushed.at(-1)).toEqual([]);
  });

  it('keeps a ?secret= value out of the logs, also a wrong one', async () => {
    const quiet: string[] = [];
    // A log without the secret registered for redaction: the server itself must not log it.
    const plain = createJsonLog({ write: (l) => quiet.push(l), level: 'debug', clock: systemClock });
    const s = await startDaemonHttpServer(handlers, { host: '127.0.0.1', port: 0, webhookSecret: SECRET, maxBodyBytes: 4096, log: plain });
    try {
      expect((await post('/webhooks/registry?secret=a-wrong-guess-42', '{}', {}, s.url)).status).toBe(401);
      expect((await post(`/webhooks/registry?secret=${SECRET}`, '{"events": 3}', {}, s.url)).status).toBe(400);
    } finally {
      await s.close();
    }
    const text = quiet.join('');
    expect(text).toContain('secret=REDACTED');
    expect(text).not.toContain('a-wrong-guess-42');
    expect(text).not.toContain(SECRET);
  });

  it.each([
    ['invalid JSON', '{"events": [', 400, /invalid JSON/],
    ['a body that is not a notification', '{"events": 3}', 400, /events: expected a list/],
    ['a body over the limit', JSON.stringify({ repository: 'a', tag: 'b', pad: 'x'.repeat(5000) }), 413, /exceeds the limit/],
  ])('answers %s with %i', async (_name, body, status, message) => {
    const res = await post('/webhooks/registry', body, { authorization: `Bearer ${SECRET}` });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('refuses a chunked body over the limit (no content-length)', async () => {
    const big = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        c.close();
      },
    });
    const res = await fetch(`${server.url}/webhooks/registry`, { method: 'POST', body: big, headers: { authorization: `Bearer ${SECRET}` }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('method and path errors', async () => {
    expect((await fetch(`${server.url}/webhooks/registry`, { headers: { authorization: `Bearer ${SECRET}` } })).status).toBe(405);
    expect((await post('/metrics', '')).status).toBe(405);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('webhooks are off (404) without a configured secret', async () => {
    expect((await post('/webhooks/registry', pushBody, { authorization: 'Bearer anything' }, disabled.url)).status).toBe(404);
    expect((await fetch(`${disabled.url}/healthz`)).status).toBe(200);
  });

  it('refuses webhooks while shutting down (503) and readyz reports it', async () => {
    stopping = true;
    try {
      expect((await post('/webhooks/registry', pushBody, { authorization: `Bearer ${SECRET}` })).status).toBe(503);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    } finally {
      stopping = false;
    }
  });

  it('never logs the secret', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(SECRET);
  });
});
