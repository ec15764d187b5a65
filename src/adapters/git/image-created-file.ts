/**
 * The image build-time cache as a file in the git directory (`.git/tagstream/image-created.json`):
 * `domain/path@digest` -> config `created`, never committed, kept across runs (the daemon also keeps
 * it in memory: one instance per repository object). Bounded: least recently used entries go first
 * past `maxEntries`. A missing, unreadable, corrupt or foreign file is an empty cache, and a bad
 * entry is dropped; a cache that cannot be written is only slower. Writes are atomic (temp + fsync +
 * rename) and happen only when an entry was added.
 */
import type * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import { isDigest } from '../../domain/image-reference.js';
import type { ImageCreatedCache } from '../../ports/image-created-cache.js';
import { writeFileAtomically } from './atomic-git-fs.js';

/** Where the cache lives, relative to the git directory. */
export const IMAGE_CREATED_FILE = join('tagstream', 'image-created.json');

/** Images remembered (about 150 bytes each on disk). */
export const IMAGE_CREATED_MAX_ENTRIES = 10_000;

/** Marks the file as ours and its layout (another layout is ignored and rewritten). */
const FILE_FORMAT = 'tagstream-image-created/1';

/** RFC 3339 times are short; anything longer is not one. */
const MAX_VALUE_LENGTH = 64;

interface CacheFile {
  readonly format: string;
  /** Least recently used first. */
  readonly entries: Record<string, string>;
}

function validEntry(key: string, value: unknown): value is string {
  const at = key.lastIndexOf('@');
  return at > 0 && isDigest(key.slice(at + 1)) && typeof value === 'string' && value !== '' && value.length <= MAX_VALUE_LENGTH;
}

/** Open (read) the cache of the repository whose git directory is `gitdir`. */
export async function openImageCreatedFile(
  fs: typeof nodeFs.promises,
  gitdir: string,
  options: { readonly maxEntries?: number } = {},
): Promise<ImageCreatedCache> {
  const maxEntries = options.maxEntries ?? IMAGE_CREATED_MAX_ENTRIES;
  const file = join(gitdir, IMAGE_CREATED_FILE);
  // a Map iterates in insertion order: re-inserting on use keeps the least recently used first
  const entries = new Map<string, string>();
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<CacheFile> | null;
    if (parsed && parsed.format === FILE_FORMAT && typeof parsed.entries === 'object' && parsed.entries !== null && !Array.isArray(parsed.entries)) {
      for (const [k, v] of Object.entries(parsed.entries)) if (validEntry(k, v)) entries.set(k, v);
    }
  } catch {
    // absent or corrupt: start empty, the next save rewrites it
  }
  const evict = (): void => {
    for (const k of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(k);
    }
  };
  evict();
  let changed = false;
  return {
    get(key) {
      const v = entries.get(key);
      if (v !== undefined) {
        // recency is written with the next save that has to happen anyway (an added entry)
        entries.delete(key);
        entries.set(key, v);
      }
      return v;
    },
    set(key, created) {
      if (!validEntry(key, created) || entries.get(key) === created) return;
      entries.delete(key);
      entries.set(key, created);
      evict();
      changed = true;
    },
    async save() {
      if (!changed) return;
      changed = false;
      const text = JSON.stringify({ format: FILE_FORMAT, entries: Object.fromEntries(entries) } satisfies CacheFile);
      try {
        await fs.mkdir(dirname(file), { recursive: true });
        await writeFileAtomically(fs, file, text, gitdir);
      } catch {
        // read-only checkout or full disk: the next run reads the configs again
      }
    },
  };
}
