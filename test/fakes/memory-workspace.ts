/**
 * Test fake: an in-memory Workspace: a map of repo-relative paths to contents. Mutations are
 * visible through `files` so tests can assert exactly what was written.
 */
import type { Workspace } from '../../src/ports/workspace.js';

export interface MemoryWorkspace extends Workspace {
  /** Current contents by path (live view). */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Paths written through writeFile, in order (repeats kept). */
  readonly writes: readonly string[];
}

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** A Workspace whose files live in memory; `root` is only used in messages. */
export function memoryWorkspace(initial: Record<string, string | Buffer> = {}, root = '/memory'): MemoryWorkspace {
  const files = new Map<string, Buffer>();
  for (const [path, data] of Object.entries(initial)) files.set(path, Buffer.from(data));
  const writes: string[] = [];
  return {
    root,
    files,
    writes,
    async listFiles() {
      return [...files.keys()].filter((p) => !p.split('/').includes('.git')).sort();
    },
    async readFile(path) {
      const data = files.get(path);
      if (data === undefined) throw notFound(path);
      return Buffer.from(data);
    },
    async exists(path) {
      if (files.has(path)) return true;
      const dir = `${path.replace(/\/$/, '')}/`;
      return [...files.keys()].some((p) => p.startsWith(dir));
    },
    async removeTemporaries() {
      return [];
    },
    async writeFile(path, data) {
      files.set(path, Buffer.from(data));
      writes.push(path);
    },
    async removeFile(path) {
      files.delete(path);
    },
    async size(path) {
      const data = files.get(path);
      if (data === undefined) throw notFound(path);
      return data.length;
    },
  };
}
