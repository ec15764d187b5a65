/**
 * The `fs` isomorphic-git writes through, made crash-safe the way Git itself is: every file inside
 * a `.git` directory (loose objects, refs, HEAD, the index, config) is written to a temporary file
 * in `.git/tagstream-tmp/`, fsynced, and renamed over its target, so a process killed at any point
 * leaves the old file or the new one, never an empty or torn one. isomorphic-git never rewrites an
 * object that exists, so an empty loose object left by an older, non-atomic writer is reported as
 * absent: the next write of that object replaces it instead of keeping the damage forever.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';

/** Where temporaries live, relative to the git directory; swept by repair. */
export const GIT_TEMP_DIR = 'tagstream-tmp';

const LOOSE_OBJECT = /[\\/]\.git[\\/]objects[\\/][0-9a-f]{2}[\\/][0-9a-f]{38}$/;

/** The `.git` directory a path lies in, or undefined for a working-tree path. */
function gitDirOf(path: string): string | undefined {
  const normalized = nodePath.resolve(path);
  const parts = normalized.split(nodePath.sep);
  const at = parts.lastIndexOf('.git');
  if (at < 0 || at === parts.length - 1) return undefined;
  return parts.slice(0, at + 1).join(nodePath.sep) || nodePath.sep;
}

function notFound(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory (empty git object), '${path}'`), { code: 'ENOENT', errno: -2, path });
}

/**
 * UTF-8 of a string written whole. On Node 20, Buffer.from (what a FileHandle's writeFile does with a
 * string) takes 13-16 ms for the 5.3 MB index cache of the bench's 1x repository, TextEncoder ~1.2
 * ms: a daemon webhook run that saves the cache spent ~35 ms of its ~475 ms there (#16, profile).
 */
const UTF8 = new TextEncoder();

/** Write `data` to `target` through temp + fsync + rename. */
export async function writeFileAtomically(fs: typeof nodeFs.promises, target: string, data: string | Uint8Array | Iterable<string>, gitdir: string): Promise<void> {
  const tempDir = nodePath.join(gitdir, GIT_TEMP_DIR);
  await fs.mkdir(tempDir, { recursive: true });
  const temp = nodePath.join(tempDir, `${nodePath.basename(target)}.${randomBytes(8).toString('hex')}`);
  const handle = await fs.open(temp, 'wx', 0o644);
  try {
    try {
      if (typeof data === 'string') await handle.writeFile(UTF8.encode(data));
      else if (data instanceof Uint8Array) await handle.writeFile(data);
      else await writePieces(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/** Text given in pieces, written in order in blocks of about WRITE_BLOCK characters (never joined whole). */
async function writePieces(handle: nodeFs.promises.FileHandle, pieces: Iterable<string>): Promise<void> {
  let block: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    block.push(piece);
    size += piece.length;
    if (size >= WRITE_BLOCK) {
      await writeAll(handle, block.join(''));
      block = [];
      size = 0;
    }
  }
  if (size > 0) await writeAll(handle, block.join(''));
}

async function writeAll(handle: nodeFs.promises.FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at)).bytesWritten;
}

const WRITE_BLOCK = 256 * 1024;

type PromisesApi = typeof nodeFs.promises;

/**
 * What `readFile()` without a path rejects with: one error made once. isomorphic-git's probe
 * (`isPromiseFs`) only looks at the promise; a new Node error per probe, with its stack, cost
 * 42-60 µs per isomorphic-git call (#16: a 1x first reconcile makes 2,715 of them).
 */
const NO_PATH: NodeJS.ErrnoException = Object.freeze(Object.assign(new TypeError('readFile: no path given'), { code: 'ERR_INVALID_ARG_TYPE' }));

/** Node's fs with atomic writes inside `.git` and empty loose objects treated as absent. */
export function atomicGitFs(base: typeof nodeFs = nodeFs): typeof nodeFs {
  const p = base.promises;
  const emptyObject = async (path: string): Promise<boolean> => {
    if (!LOOSE_OBJECT.test(String(path))) return false;
    try {
      return (await p.stat(path)).size === 0;
    } catch {
      return false;
    }
  };
  const promises: PromisesApi = {
    ...p,
    writeFile: (async (file: nodeFs.PathLike | nodeFs.promises.FileHandle, data: string | Uint8Array, options?: unknown) => {
      const gitdir = typeof file === 'string' ? gitDirOf(file) : undefined;
      if (gitdir === undefined) return p.writeFile(file as string, data, options as nodeFs.WriteFileOptions);
      // isomorphic-git creates missing folders on ENOENT and retries: keep that contract.
      await p.access(nodePath.dirname(file as string));
      return writeFileAtomically(p, file as string, data, gitdir);
    }) as PromisesApi['writeFile'],
    stat: (async (path: nodeFs.PathLike, options?: nodeFs.StatOptions) => {
      if (await emptyObject(String(path))) throw notFound(String(path));
      return p.stat(path, options);
    }) as PromisesApi['stat'],
    lstat: (async (path: nodeFs.PathLike, options?: nodeFs.StatOptions) => {
      if (await emptyObject(String(path))) throw notFound(String(path));
      return p.lstat(path, options);
    }) as PromisesApi['lstat'],
    readFile: (async (path: nodeFs.PathLike | nodeFs.promises.FileHandle, options?: unknown) => {
      // isomorphic-git wraps the fs on every API call and probes it twice with a bare readFile()
      // to see that it answers with a promise; Node would build (and throw) a new error each time.
      if (path === undefined) throw NO_PATH;
      const data = await p.readFile(path as string, options as { encoding?: null });
      if (data.length === 0 && LOOSE_OBJECT.test(String(path))) throw notFound(String(path));
      return data;
    }) as PromisesApi['readFile'],
  };
  // isomorphic-git picks `promises` only when it is an enumerable own property.
  return { ...base, promises } as typeof nodeFs;
}
