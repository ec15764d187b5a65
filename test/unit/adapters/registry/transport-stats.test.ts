import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { MAX_STATS_HOSTS, parseRateLimit, quotaReserve, Transport } from '../../../../src/adapters/registry/transport.js';
import { RegistryError } from '../../../../src/errors.js';
import { silentLog } from '../../../../src/ports/log.js';

function transport(mock: MockAgent): Transport {
  mock.disableNetConnect();
  return new Transport({ timeoutMs: 1000, requestTimeoutMs: 60_000, runTimeoutMs: 900_000, retries: 0, retryBaseMs: 1, maxRetryAfterMs: 1000, maxConcurrencyPerRegistry: 4, userAgent: 't', log: silentLog, dispatcher: mock, sleep: async () => {} });
}

const HUB = 'https://registry-1.docker.io';
const manifest = (kind: 'manifestGet' | 'manifestHead') => ({
  url: new URL(`${HUB}/v2/library/busybox/manifests/latest`),
  method: kind === 'manifestGet' ? ('GET' as const) : ('HEAD' as const),
  kind,
  tls: 'verified' as const,
  registry: 'docker.io',
  repository: 'library/busybox',
});

describe('Transport request statistics', () => {
  it('counts responses by registry host, folding hosts past the limit into "other"', async () => {
    const mock = new MockAgent();
    const t = transport(mock);
    const hosts = Array.from({ length: MAX_STATS_HOSTS + 3 }, (_, i) => `r${i}.example.com`);
    for (const host of hosts) {
      mock.get(`https://${host}`).intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
      await t.send({ url: new URL(`https://${host}/v2/`), method: 'GET', kind: 'ping', tls: 'verified', registry: host });
    }
    expect(Object.keys(t.stats.byHost)).toHaveLength(MAX_STATS_HOSTS + 1);
    expect(t.stats.byHost['other']).toEqual({ '200': 3 });
    expect(t.stats.byHost['r0.example.com']).toEqual({ '200': 1 });
    expect(t.stats.byStatus['200']).toBe(MAX_STATS_HOSTS + 3);
  });

  it.each<[Record<string, string>, ReturnType<typeof parseRateLimit>]>([
    [{ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' }, { remaining: 76, limit: 100 }],
    [{ 'ratelimit-remaining': '3' }, { remaining: 3, limit: undefined }],
    [{ 'ratelimit-limit': '100;w=21600' }, undefined],
    [{ 'ratelimit-remaining': 'lots' }, undefined],
  ])('parses Docker Hub quota headers %j', (headers, quota) => {
    expect(parseRateLimit(headers)).toEqual(quota);
  });

  it('backs off manifest GETs before the Docker Hub quota runs out; HEADs go on and refresh the count', async () => {
    const mock = new MockAgent();
    const t = transport(mock);
    const pool = mock.get(HUB);
    const quota = (remaining: number) => ({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': `${remaining};w=21600`, 'docker-content-digest': 'sha256:x' });
    pool.intercept({ path: '/v2/library/busybox/manifests/latest', method: 'GET' }).reply(200, '{}', { headers: quota(11) });
    expect((await t.send(manifest('manifestGet'))).status).toBe(200);
    expect(t.stats.rateLimits[new URL(HUB).host]).toEqual({ remaining: 11, limit: 100 });
    pool.intercept({ path: '/v2/library/busybox/manifests/latest', method: 'GET' }).reply(200, '{}', { headers: quota(10) });
    expect((await t.send(manifest('manifestGet'))).status).toBe(200);
    // 10 left = the reserve (a tenth of 100): no further GET is sent (no interceptor is left to answer one).
    expect(quotaReserve(100)).toBe(10);
    const refused = await t.send(manifest('manifestGet')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryError);
    expect((refused as RegistryError).code).toBe('RegistryRateLimited');
    expect((refused as RegistryError).retryable).toBe(true);
    expect((refused as Error).message).toMatch(/pull quota of registry-1\.docker\.io nearly used: 10 of 100 left/);
    // A HEAD is free on Hub; its answer shows the window has reset, and GETs resume.
    pool.intercept({ path: '/v2/library/busybox/manifests/latest', method: 'HEAD' }).reply(200, '', { headers: quota(100) });
    expect((await t.send(manifest('manifestHead'))).status).toBe(200);
    pool.intercept({ path: '/v2/library/busybox/manifests/latest', method: 'GET' }).reply(200, '{}', { headers: quota(99) });
    expect((await t.send(manifest('manifestGet'))).status).toBe(200);
    expect(t.stats.byHost['registry-1.docker.io']).toEqual({ '200': 4 });
  });
});
