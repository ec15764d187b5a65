/**
 * Where the inventory keeps what it extracted from each file between runs (the persistent index
 * cache): opaque records by key. Records come back untrusted (a file on disk may be corrupt, stale or
 * from another version); the inventory decodes and checks every one and treats a bad one as a miss.
 */
export interface IndexCache {
  /** The record stored under `key` by an earlier run, if any (unchecked). */
  get(key: string): unknown;
  /** Store `record` (JSON-serialisable) under `key`. */
  set(key: string, record: unknown): void;
  /**
   * Store `record` under `key` without making a save necessary: it is written when something else
   * is (a stat record alone is not worth rewriting the cache: a fresh clone would rewrite it on
   * every run for nothing).
   */
  setLazily(key: string, record: unknown): void;
  /**
   * Persist what this run used or stored, dropping entries it did not ask for (deleted or changed
   * files). No-op when nothing changed. Never throws: a cache that cannot be written is only slower.
   */
  save(): Promise<void>;
}
