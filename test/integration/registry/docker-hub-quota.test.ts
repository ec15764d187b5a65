/**
 * Docker Hub's pull quota over HTTP: a loopback stand-in in front of a real docker-registry answers
 * manifest requests with Docker Hub's quota headers (`ratelimit-limit: 100;w=21600`,
 * `ratelimit-remaining: N;w=21600`; docs.docker.com/docker-hub/usage/pulls/ "View pull rate and
 * limit"), counts only manifest GETs against the quota as Hub does (HEADs are free), and answers
 * 429 `TOOMANYREQUESTS` once it is spent. The registry client must stop pulling while a reserve is
 * left (before any 429), and the daemon's /metrics must show what Hub last reported.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { quotaReserve } from '../../../src/adapters/registry/registry-stats.js';
import { DaemonMetrics } from '../../../src/daemon/daemon-metrics.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, registryRejection, startRegistry, type TestRegistry } from '../../harness/registry.js';

const LIMIT = 100;
const WINDOW = 'w=21600';

let reg: TestRegistry;
let hub: Server;
let hubHost: string;
/** Pulls left in the window, as the stand-in counts them. */
let remaining = 15;
const sent: { method: string; path: string; status: number }[] = [];
const img = makeImage({ layers: [{ 'hub.txt': 'hub' }] });

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, 'library/app', 'v1', img);
  hub = createServer((req, res) => {
    const path = req.url ?? '/';
    const manifest = /^\/v2\/.+\/manifests\/[^/]+$/.test(path);
    const quota = (): Record<string, string> => (manifest ? { 'ratelimit-limit': `${LIMIT};${WINDOW}`, 'ratelimit-remaining': `${remaining};${WINDOW}`, 'docker-ratelimit-source': '127.0.0.1' } : {});
    if (manifest && req.method === 'GET') {
      if (remaining === 0) {
        sent.push({ method: 'GET', path, status: 429 });
        const body = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit' }] });
        res.writeHead(429, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...quota() });
        res.end(body);
        return;
      }
      remaining -= 1;
    }
    const up = httpRequest(new URL(path, reg.url), { method: req.method, headers: { ...req.headers, host: reg.host } }, (answer) => {
      sent.push({ method: req.method ?? '', path, status: answer.statusCode ?? 0 });
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...quota() });
      answer.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubHost = `127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => {
    hub?.closeAllConnections();
    hub?.close(() => r());
  });
  await reg?.stop();
});

describe('Docker Hub pull quota (ratelimit-remaining / ratelimit-limit)', () => {
  it('stops pulling while a reserve is left, before the registry answers 429, and /metrics shows the quota', async () => {
    const client = createRegistryClient();
    const ref = parseImageReference(`${hubHost}/library/app:v1`);
    const reserve = quotaReserve(LIMIT);
    expect(reserve).toBe(10);
    // Pull (manifest GETs) run after run until the client holds back.
    let pulls = 0;
    let refused: Awaited<ReturnType<typeof registryRejection>> | undefined;
    for (let run = 0; run < 20 && refused === undefined; run++) {
      client.newRun();
      try {
        expect((await client.inspect(ref)).digest).toBe(img.digest);
        pulls++;
      } catch (e) {
        refused = await registryRejection(Promise.reject(e));
      }
    }
    expect(refused?.code).toBe('RegistryRateLimited');
    expect(refused?.message).toContain(`pull quota of ${hubHost} nearly used: ${reserve} of ${LIMIT} left in the window`);
    // It pulled while more than the reserve was left, then stopped with the reserve intact ...
    expect(pulls).toBeGreaterThan(0);
    expect(remaining).toBe(reserve);
    // ... and the registry never had to refuse it.
    expect(sent.filter((s) => s.status === 429)).toEqual([]);
    expect(sent.some((s) => s.method === 'GET' && /\/manifests\//.test(s.path))).toBe(true);

    const text = await new DaemonMetrics({ defaultMetrics: false }).render(client.stats());
    expect(text).toContain(`tagstream_registry_ratelimit_remaining{registry="${hubHost}"} ${reserve}`);
    expect(text).toContain(`tagstream_registry_ratelimit_limit{registry="${hubHost}"} ${LIMIT}`);

    // A HEAD (free on Hub) still goes out and brings the new count: a fresh window, pulls resume.
    remaining = LIMIT;
    client.newRun();
    expect((await client.resolve(ref, { importMode: 'Legacy' })).digest).toBe(img.digest);
    client.newRun();
    expect((await client.inspect(ref)).digest).toBe(img.digest);
    expect(remaining).toBe(LIMIT - 1);
    await client.close();
  });
});
