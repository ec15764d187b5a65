/**
 * An in-memory IndexCache with the file adapter's prune-on-save (entries a run did not ask for are
 * dropped), counting hits, sets and saves; `restored` gives the cache as a file would hold it.
 */
import type { IndexCache } from '../../src/ports/index-cache.js';

export type MemoryIndexCache = IndexCache & { readonly stored: Map<string, unknown>; readonly counts: { hits: number; sets: number; saves: number } };

export function memoryIndexCache(initial: Record<string, unknown> = {}): MemoryIndexCache {
  const stored = new Map(Object.entries(initial));
  let used = new Set<string>();
  const counts = { hits: 0, sets: 0, saves: 0 };
  return {
    stored,
    counts,
    get(key) {
      const v = stored.get(key);
      if (v !== undefined) {
        used.add(key);
        counts.hits++;
      }
      return v;
    },
    set(key, record) {
      stored.set(key, record);
      used.add(key);
      counts.sets++;
    },
    setLazily(key, record) {
      // as the file adapter: kept and written with the next save, not counted as a change
      stored.set(key, record);
      used.add(key);
    },
    async save() {
      for (const k of [...stored.keys()]) if (!used.has(k)) stored.delete(k);
      used = new Set();
      counts.saves++;
    },
  };
}

/** The cache as a file would hold it: through JSON and back. */
export const restoredIndexCache = (c: MemoryIndexCache): MemoryIndexCache =>
  memoryIndexCache(JSON.parse(JSON.stringify(Object.fromEntries(c.stored))) as Record<string, unknown>);
