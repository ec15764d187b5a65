/**
 * One cache for everything that expires: cloud identity tokens ("until shortly before expiry"),
 * credential helper answers (a time to live) and anything a 401 proves stale (evict). Concurrent
 * misses of one key share one fetch; a failed fetch is not cached; expired entries are swept.
 */

export interface Expiring<V> {
  readonly value: V;
  /** Epoch ms; undefined: the entry lives for the cache's default time to live (or forever). */
  readonly expiresAt?: number | undefined;
}

export interface ExpiringCacheOptions {
  readonly now?: (() => number) | undefined;
  /** Renew this long before `expiresAt`, capped at a tenth of the entry's lifetime (short tokens stay usable). */
  readonly refreshMarginMs?: number | undefined;
  /** Lifetime of entries without `expiresAt`; undefined: until evicted. */
  readonly defaultTtlMs?: number | undefined;
}

interface Entry<V> {
  readonly value: V;
  /** When a fresh value is fetched instead. */
  readonly renewAt: number;
}

export class ExpiringCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly options: ExpiringCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
  }

  /** The cached value of `key` while fresh, else what `fetch` gives (stored with its expiry). */
  async get(key: string, fetch: () => Promise<Expiring<V>>): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && now < hit.renewAt) return hit.value;
    const running = this.inflight.get(key);
    if (running !== undefined) return running;
    const promise = (async () => {
      try {
        const fresh = await fetch();
        const fetchedAt = this.now();
        this.sweep(fetchedAt);
        this.entries.set(key, { value: fresh.value, renewAt: this.renewAt(fresh.expiresAt, fetchedAt) });
        return fresh.value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, promise);
    return promise;
  }

  /** Forget `key` (a 401 showed it stale); a fetch under way is left to finish. */
  evict(key: string): void {
    this.entries.delete(key);
  }

  /** Forget every key `match` accepts. */
  evictWhere(match: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (match(key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private renewAt(expiresAt: number | undefined, now: number): number {
    if (expiresAt === undefined) return this.options.defaultTtlMs === undefined ? Infinity : now + this.options.defaultTtlMs;
    const lifetime = expiresAt - now;
    return expiresAt - Math.min(this.margin, Math.max(0, lifetime) / 10);
  }

  /** Drop entries past their renewal time, so a long-running process does not keep dead tokens. */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.renewAt <= now) this.entries.delete(key);
  }
}
