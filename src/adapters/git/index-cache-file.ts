/**
 * The persistent index cache as a file in the git directory (`.git/tagstream/index-cache.json`):
 * never committed, kept across runs and restorable into a fresh clone (its keys are Git blob ids),
 * e.g. with actions/cache in the GitHub Action. A missing, unreadable or corrupt file is an empty
 * cache; a cache that cannot be written is only slower. Writes are atomic (temp + fsync + rename).
 */
import type * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import type { IndexCache } from '../../ports/index-cache.js';
import { writeFileAtomically } from './atomic-git-fs.js';

/** Where the cache lives, relative to the git directory. */
export const INDEX_CACHE_FILE = join('tagstream', 'index-cache.json');

/** Marks the file as ours and its layout (another layout is ignored and rewritten). */
const FILE_FORMAT = 'tagstream-index-cache/1';

interface CacheFile {
  readonly format: string;
  readonly entries: Record<string, unknown>;
}

/** Open (read) the cache of the repository whose git directory is `gitdir`. */
export async function openIndexCacheFile(fs: typeof nodeFs.promises, gitdir: string): Promise<IndexCache> {
  const file = join(gitdir, INDEX_CACHE_FILE);
  let stored = new Map<string, unknown>();
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<CacheFile> | null;
    if (parsed && parsed.format === FILE_FORMAT && typeof parsed.entries === 'object' && parsed.entries !== null && !Array.isArray(parsed.entries)) {
      stored = new Map(Object.entries(parsed.entries));
    }
  } catch {
    // absent or corrupt: start empty, the next save rewrites it
  }
  let used = new Set<string>();
  let changed = false;
  return {
    get(key) {
      const v = stored.get(key);
      if (v !== undefined) used.add(key);
      return v;
    },
    set(key, record) {
      stored.set(key, record);
      used.add(key);
      changed = true;
    },
    setLazily(key, record) {
      stored.set(key, record);
      used.add(key);
    },
    async save() {
      const stale = [...stored.keys()].filter((k) => !used.has(k));
      if (changed || stale.length > 0) {
        for (const k of stale) stored.delete(k);
        const text = JSON.stringify({ format: FILE_FORMAT, entries: Object.fromEntries(stored) } satisfies CacheFile);
        try {
          await fs.mkdir(dirname(file), { recursive: true });
          await writeFileAtomically(fs, file, text, gitdir);
        } catch {
          // read-only checkout or full disk: the next run parses again
        }
      }
      used = new Set();
      changed = false;
    },
  };
}
