import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { startFlakyProxy, type FlakyProxy } from '../../harness/flaky-proxy.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry, registryRejection } from '../../harness/registry.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

let reg: TestRegistry;
let proxy: FlakyProxy;
const img = makeImage({ layers: [{ 'flaky.txt': 'flaky' }] });
const MANIFESTS = /\/manifests\//;

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, 'flaky/app', 'v1', img);
  proxy = await startFlakyProxy(reg.url);
});
afterAll(async () => {
  await proxy?.stop();
  await reg?.stop();
});
beforeEach(() => proxy.reset());

describe('retries through a flaky proxy', () => {
  it('retries 503 twice, then succeeds', async () => {
    proxy.failNext(2, 503, MANIFESTS);
    const client = createRegistryClient({ retryBaseMs: 10 });
    expect((await client.resolve(parseImageReference(`${proxy.host}/flaky/app:v1`), { importMode: 'Legacy', knownDigest: img.digest })).digest).toBe(img.digest);
    expect(proxy.count('HEAD', MANIFESTS)).toBe(3);
    expect(client.stats().retries).toBe(2);
    expect(client.stats().byStatus['503']).toBe(2);
    await client.close();
  });

  it('gives up after the configured retries with a retryable RegistryTransient', async () => {
    proxy.failNext(100, 502, MANIFESTS);
    const client = createRegistryClient({ retryBaseMs: 5, retries: 2 });
    const e = await registryRejection(client.resolve(parseImageReference(`${proxy.host}/flaky/app:v1`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryTransient');
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(502);
    expect(proxy.count('HEAD', MANIFESTS)).toBe(3);
    await client.close();
  });

  it('waits for Retry-After (seconds) on 429, then succeeds', async () => {
    proxy.rateLimitNext(1, '1', MANIFESTS);
    const client = createRegistryClient({ retryBaseMs: 5 });
    const started = Date.now();
    expect((await client.resolve(parseImageReference(`${proxy.host}/flaky/app:v1`), { importMode: 'Legacy', knownDigest: img.digest })).digest).toBe(img.digest);
    // Proves the header was read: the jittered backoff alone would be ~5 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy.count('HEAD', MANIFESTS)).toBe(2);
    await client.close();
  });

  it('accepts an HTTP-date Retry-After', async () => {
    proxy.rateLimitNext(1, new Date(Date.now() + 1000).toUTCString(), MANIFESTS);
    const client = createRegistryClient({ retryBaseMs: 5 });
    expect((await client.resolve(parseImageReference(`${proxy.host}/flaky/app:v1`), { importMode: 'Legacy', knownDigest: img.digest })).digest).toBe(img.digest);
    expect(proxy.count('HEAD', MANIFESTS)).toBe(2);
    await client.close();
  });

  it('fails at once with RegistryRateLimited when Retry-After exceeds the bound', async () => {
    proxy.rateLimitNext(5, '3600', MANIFESTS);
    const client = createRegistryClient({ maxRetryAfterMs: 2000 });
    const started = Date.now();
    const e = await registryRejection(client.resolve(parseImageReference(`${proxy.host}/flaky/app:v1`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryRateLimited');
    expect(e.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(proxy.count('HEAD', MANIFESTS)).toBe(1);
    await client.close();
  });

  it('keeps at most maxConcurrencyPerRegistry requests in flight', async () => {
    const tags = Array.from({ length: 12 }, (_, i) => `c${i}`);
    for (const t of tags) await pushImage(reg, 'flaky/conc', t, img);
    proxy.reset();
    const client = createRegistryClient({ maxConcurrencyPerRegistry: 2 });
    const results = await Promise.all(tags.map((t) => client.resolve(parseImageReference(`${proxy.host}/flaky/conc:${t}`), { importMode: 'Legacy' })));
    expect(results.every((r) => r.digest === img.digest)).toBe(true);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(2);
    expect(proxy.maxInFlight).toBeGreaterThanOrEqual(1);
    await client.close();
  });
});
