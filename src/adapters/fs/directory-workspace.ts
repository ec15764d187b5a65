/**
 * Workspace over a directory on disk. Writes are atomic: a temp file in the same folder (same
 * filesystem, so rename is atomic) that keeps the old file's mode, then rename over the target.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, lstatSync, openSync, promises as fs, readSync, realpathSync } from 'node:fs';
import * as nodePath from 'node:path';
import { TagstreamError } from '../../errors.js';
import type { FileRead, FileStat, Workspace } from '../../ports/workspace.js';

export interface DirectoryWorkspaceOptions {
  /**
   * Directory names never descended into, at any depth. Default `.git` and `node_modules`:
   * neither can hold the repository's manifests and both can be huge.
   */
  readonly skipDirectories?: readonly string[];
}

const DEFAULT_SKIP = ['.git', 'node_modules'];
/** readFiles: files read between two yields to the event loop. */
const BATCH = 128;
/** readFiles: bytes asked of the OS per read. */
const READ_CHUNK = 64 * 1024;
/** Open flag that refuses a symbolic link as the last path component (undefined on Windows). */
const O_NOFOLLOW: number | undefined = fsConstants.O_NOFOLLOW;
/** A relative POSIX path without `.`/`..`/empty segments, backslashes or NUL: it cannot leave the root lexically. */
const PLAIN_RELATIVE = /^(?!\/)(?!.*(?:^|\/)\.{0,2}(?:\/|$))[^\\\0]+$/;
/** writeFile's temporary: `.<name>.<12 hex>.tmp` next to the target. */
const TEMP_SUFFIX = '.tmp';

/** A Workspace rooted at `root` (made absolute). */
export function directoryWorkspace(root: string, options: DirectoryWorkspaceOptions = {}): Workspace {
  const absRoot = nodePath.resolve(root);
  const skip = new Set(options.skipDirectories ?? DEFAULT_SKIP);

  const resolve = (path: string): string => {
    const rel = path.replace(/\\/g, '/');
    const abs = nodePath.resolve(absRoot, rel);
    const back = nodePath.relative(absRoot, abs);
    if (rel === '' || back === '' || back.startsWith('..') || nodePath.isAbsolute(back) || nodePath.isAbsolute(rel)) {
      throw new TagstreamError('Usage', `path must stay inside the workspace: "${path}"`);
    }
    return abs;
  };

  async function walk(dir: string, prefix: string, out: string[]): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isDirectory()) {
        if (!skip.has(e.name)) subdirs.push(walk(nodePath.join(dir, e.name), rel, out));
      } else if (e.isFile()) {
        out.push(rel);
      }
      // Symlinks are not followed: a link could point outside the repository or loop.
    }
    await Promise.all(subdirs);
  }

  let realRoot: Promise<string> | undefined;
  /**
   * The lexical check above cannot see symlinks: resolve the real path of the target (or of its
   * nearest existing ancestor, for a file or folder not created yet) and refuse anything that
   * ends up outside the repository's real root. Applies to every read and write.
   */
  const contained = async (path: string): Promise<string> => {
    const abs = resolve(path);
    realRoot ??= fs.realpath(absRoot).catch(() => absRoot);
    const rootReal = await realRoot;
    let probe = abs;
    let real: string | undefined;
    while (real === undefined) {
      try {
        real = await fs.realpath(probe);
      } catch (e) {
        const parent = nodePath.dirname(probe);
        if ((e as { code?: unknown }).code !== 'ENOENT' || parent === probe) throw e;
        // A dangling link: where it points is not ours to create.
        if ((await fs.lstat(probe).catch(() => undefined))?.isSymbolicLink()) {
          throw new TagstreamError('Usage', `${path}: refusing to read or write through ${nodePath.relative(absRoot, probe).split(nodePath.sep).join('/')}, a symbolic link whose target does not exist`);
        }
        probe = parent;
      }
    }
    const back = nodePath.relative(rootReal, real);
    if (back.startsWith('..') || nodePath.isAbsolute(back)) {
      const via = nodePath.relative(absRoot, probe).split(nodePath.sep).join('/') || '.';
      throw new TagstreamError('Usage', `${path}: refusing to read or write outside the repository: ${via} is a symbolic link that resolves outside ${absRoot}`);
    }
    return abs;
  };

  /** `real` lies inside `rootReal` (both real paths). */
  const isInside = (rootReal: string, real: string): boolean => {
    const back = nodePath.relative(rootReal, real);
    return !(back.startsWith('..') || nodePath.isAbsolute(back));
  };

  /** Read one open file without reading past `maxBytes` (no Stats object; reads through one scratch buffer). */
  let scratch: Buffer | undefined;
  const readOpen = (fd: number, maxBytes: number): FileRead => {
    scratch ??= Buffer.allocUnsafe(READ_CHUNK);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, scratch, 0, Math.min(READ_CHUNK, maxBytes + 1 - total), null);
      if (n === 0) break;
      chunks.push(Buffer.from(scratch.subarray(0, n)));
      total += n;
      if (total > maxBytes) return { tooLarge: fstatSync(fd).size };
    }
    return { bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) };
  };

  /**
   * Whether a folder's real path lies inside the root's, each folder resolved once (for the batch
   * reads and stats, which open or lstat the file itself without following a link).
   */
  const folderCheck = (rootReal: string): ((folder: string) => boolean) => {
    const folderInside = new Map<string, boolean>();
    return (folder) => {
      let ok = folderInside.get(folder);
      if (ok === undefined) {
        try {
          ok = isInside(rootReal, realpathSync.native(folder));
        } catch {
          ok = false;
        }
        folderInside.set(folder, ok);
      }
      return ok;
    };
  };
  /** The root's real path, resolved synchronously once (readFileNow; an unresolvable root is taken as it is, as `realRoot`). */
  let rootRealNow: string | undefined;

  /** Read an open file and close it. */
  const readAndClose = (fd: number, maxBytes: number): FileRead => {
    try {
      return readOpen(fd, maxBytes);
    } finally {
      closeSync(fd);
    }
  };

  /**
   * Open `abs` without following a link as its last component, when `inside` says its folder lies
   * in the root; undefined when that cannot be done (no O_NOFOLLOW, a folder outside, a link, a
   * missing file): the caller takes its slower or stricter path then.
   */
  const openUnfollowed = (abs: string, inside: (folder: string) => boolean): number | undefined => {
    if (O_NOFOLLOW === undefined || !inside(nodePath.dirname(abs))) return undefined;
    try {
      return openSync(abs, fsConstants.O_RDONLY | O_NOFOLLOW);
    } catch {
      return undefined;
    }
  };

  /** Read one contained file synchronously, without reading past `maxBytes`. */
  const readBounded = (abs: string, maxBytes: number): FileRead => readAndClose(openSync(abs, 'r'), maxBytes);

  return {
    root: absRoot,
    /**
     * Synchronous reads in batches, yielding to the event loop between batches: thousands of small
     * files cost far less CPU than one promise round trip through the thread pool per step
     * (realpath, stat, open, read, close), and a daemon still answers its HTTP requests meanwhile.
     * The symlink check is the same as `contained`'s (it handles the rare cases: dangling links).
     */
    async readFiles(paths, maxBytes) {
      realRoot ??= fs.realpath(absRoot).catch(() => absRoot);
      const inside = folderCheck(await realRoot);
      const out: FileRead[] = [];
      for (const [i, path] of paths.entries()) {
        if (i > 0 && i % BATCH === 0) await new Promise((r) => setImmediate(r));
        try {
          const fd = openUnfollowed(resolve(path), inside);
          out.push(fd === undefined ? readBounded(await contained(path), maxBytes) : readAndClose(fd, maxBytes));
        } catch (error) {
          out.push({ error });
        }
      }
      return out;
    },
    async fileStats(paths) {
      // Without O_NOFOLLOW (Windows) readFileNow cannot open safely: no signatures, every file is read.
      if (O_NOFOLLOW === undefined) return paths.map(() => undefined);
      realRoot ??= fs.realpath(absRoot).catch(() => absRoot);
      const inside = folderCheck(await realRoot);
      const out: (FileStat | undefined)[] = [];
      for (const [i, path] of paths.entries()) {
        if (i > 0 && i % (BATCH * 4) === 0) await new Promise((r) => setImmediate(r));
        try {
          // listFiles' paths are plain: joined without path.resolve (a quarter of this loop's CPU)
          const abs = PLAIN_RELATIVE.test(path) && nodePath.sep === '/' ? `${absRoot}/${path}` : resolve(path);
          if (!inside(nodePath.dirname(abs))) {
            out.push(undefined);
            continue;
          }
          const s = lstatSync(abs, { throwIfNoEntry: false });
          if (!s?.isFile()) {
            out.push(undefined);
            continue;
          }
          out.push({ size: s.size, signature: `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}:${s.dev}`, changedMs: Math.max(s.mtimeMs, s.ctimeMs), fineTimes: s.ctimeMs % 1000 !== 0 });
        } catch {
          out.push(undefined);
        }
      }
      return out;
    },
    readFileNow(path, maxBytes) {
      try {
        if (rootRealNow === undefined) {
          try {
            rootRealNow = realpathSync.native(absRoot);
          } catch {
            rootRealNow = absRoot;
          }
        }
        // Folders are checked afresh on every call: a long-lived workspace (the daemon's) must not
        // trust what a folder was in an earlier run (it may have become a link out of the root).
        const fd = openUnfollowed(resolve(path), folderCheck(rootRealNow));
        if (fd === undefined) return { error: new TagstreamError('Usage', `${path}: not read (it is not a plain file inside ${absRoot})`) };
        return readAndClose(fd, maxBytes);
      } catch (error) {
        return { error };
      }
    },
    async listFiles() {
      const out: string[] = [];
      await walk(absRoot, '', out);
      return out.sort();
    },
    async readFile(path) {
      return fs.readFile(await contained(path));
    },
    async exists(path) {
      // A path that leaves the root lexically does not exist for us; one that escapes through a
      // symbolic link is an error the user must see (a linked .tagstream.yaml is not ignored).
      try {
        resolve(path);
      } catch {
        return false;
      }
      const abs = await contained(path);
      try {
        await fs.access(abs);
        return true;
      } catch {
        return false;
      }
    },
    async size(path) {
      return (await fs.stat(await contained(path))).size;
    },
    async writeFile(path, data) {
      const target = await contained(path);
      const dir = nodePath.dirname(target);
      await fs.mkdir(dir, { recursive: true });
      let mode: number | undefined;
      try {
        mode = (await fs.stat(target)).mode & 0o7777;
      } catch {
        mode = undefined;
      }
      const temp = nodePath.join(dir, `.${nodePath.basename(target)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
      try {
        await fs.writeFile(temp, data, mode === undefined ? { flag: 'wx' } : { flag: 'wx', mode });
        // writeFile's mode is filtered by the umask; chmod makes the copy exact.
        if (mode !== undefined) await fs.chmod(temp, mode);
        await fs.rename(temp, target);
      } catch (e) {
        await fs.rm(temp, { force: true });
        throw e;
      }
    },
    async removeTemporaries(path) {
      const target = await contained(path);
      const prefix = `.${nodePath.basename(target)}.`;
      const names = await fs.readdir(nodePath.dirname(target)).catch(() => [] as string[]);
      const stale = names.filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX) && /^[0-9a-f]{12}$/.test(n.slice(prefix.length, -TEMP_SUFFIX.length)));
      await Promise.all(stale.map((n) => fs.rm(nodePath.join(nodePath.dirname(target), n), { force: true })));
      const folder = nodePath.posix.dirname(path.replace(/\\/g, '/'));
      return stale.map((n) => (folder === '.' ? n : `${folder}/${n}`));
    },
    async removeFile(path) {
      await fs.rm(await contained(path), { force: true });
    },
  };
}
