import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../../../../../src/adapters/registry/credentials/expiring-cache.js';

describe('ExpiringCache', () => {
  it('serves a value until shortly before it expires, then fetches anew', async () => {
    let now = 0;
    const cache = new ExpiringCache<string>({ now: () => now, refreshMarginMs: 5 * 60_000 });
    let n = 0;
    const fetch = async () => ({ value: `v${++n}`, expiresAt: now + 12 * 3600_000 });
    expect(await cache.get('k', fetch)).toBe('v1');
    now += 12 * 3600_000 - 5 * 60_000 - 1;
    expect(await cache.get('k', fetch)).toBe('v1');
    now += 1;
    expect(await cache.get('k', fetch)).toBe('v2');
  });

  it('renews a short-lived value at nine tenths of its life, not before it is fetched', async () => {
    let now = 0;
    const cache = new ExpiringCache<string>({ now: () => now, refreshMarginMs: 5 * 60_000 });
    let n = 0;
    const fetch = async () => ({ value: `v${++n}`, expiresAt: now + 60_000 });
    expect(await cache.get('k', fetch)).toBe('v1');
    now += 53_999;
    expect(await cache.get('k', fetch)).toBe('v1');
    now += 1;
    expect(await cache.get('k', fetch)).toBe('v2');
  });

  it('shares one fetch between concurrent misses, caches no failure, evicts on demand', async () => {
    const cache = new ExpiringCache<number>({ defaultTtlMs: 1000, now: () => 0 });
    let calls = 0;
    let fail = true;
    const fetch = async () => {
      calls++;
      await new Promise((r) => setImmediate(r));
      if (fail) throw new Error('boom');
      return { value: calls };
    };
    await expect(Promise.all([cache.get('k', fetch), cache.get('k', fetch)])).rejects.toThrow('boom');
    expect(calls).toBe(1);
    fail = false;
    expect(await cache.get('k', fetch)).toBe(2);
    expect(await cache.get('k', fetch)).toBe(2);
    cache.evict('k');
    expect(await cache.get('k', fetch)).toBe(3);
  });

  it('sweeps expired entries of other keys', async () => {
    let now = 0;
    const cache = new ExpiringCache<string>({ now: () => now, defaultTtlMs: 1000 });
    await cache.get('a', async () => ({ value: 'a' }));
    await cache.get('b', async () => ({ value: 'b' }));
    now = 5000;
    await cache.get('c', async () => ({ value: 'c' }));
    expect(cache.size).toBe(1);
  });
});
