/**
 * Which repository files the inventory reads: `.gitignore` files at any depth (git semantics:
 * patterns are relative to their folder, deeper files override shallower ones, and nothing
 * inside an ignored folder can be re-included), then `include`/`exclude` globs from settings.
 */
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { Workspace } from '../ports/workspace.js';

export interface FileFilterOptions {
  /** picomatch globs, repo-relative; empty = every file. */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** `.gitignore` contents by the folder they sit in (`''` = repository root). */
  readonly gitignores?: ReadonlyMap<string, string>;
}

export type FileSkipReason = 'skipped-directory' | 'gitignore' | 'not-included' | 'excluded';

export interface FileFilter {
  /** Why `path` is not scanned, or undefined when it is. */
  skipReason(path: string): FileSkipReason | undefined;
  accepts(path: string): boolean;
}

/** Folders never scanned, whatever the settings say. */
export const SKIPPED_DIRECTORIES: readonly string[] = ['.git', 'node_modules'];

/** Build a filter from settings globs and already-read .gitignore contents. */
export function createFileFilter(options: FileFilterOptions): FileFilter {
  const include = options.include?.length ? picomatch([...options.include], { dot: true }) : undefined;
  const exclude = options.exclude?.length ? picomatch([...options.exclude], { dot: true }) : undefined;
  const levels = new Map<string, Ignore>();
  for (const [dir, text] of options.gitignores ?? []) levels.set(dir, ignore().add(text));
  const dirMemo = new Map<string, boolean>();

  /** Verdict of the .gitignore files above `rel` (deepest wins); `rel` ends in '/' for folders. */
  const ignoredByLevels = (rel: string): boolean => {
    let ignored = false;
    const parts = rel.replace(/\/$/, '').split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const ig = levels.get(dir);
      if (!ig) continue;
      const sub = dir === '' ? rel : rel.slice(dir.length + 1);
      const r = ig.test(sub);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  };

  const dirIgnored = (dir: string): boolean => {
    if (dir === '') return false;
    const memo = dirMemo.get(dir);
    if (memo !== undefined) return memo;
    const slash = dir.lastIndexOf('/');
    const parent = slash < 0 ? '' : dir.slice(0, slash);
    const result = dirIgnored(parent) || ignoredByLevels(`${dir}/`);
    dirMemo.set(dir, result);
    return result;
  };

  const skipReason = (path: string): FileSkipReason | undefined => {
    const parts = path.split('/');
    if (parts.slice(0, -1).some((p) => SKIPPED_DIRECTORIES.includes(p))) return 'skipped-directory';
    if (levels.size > 0) {
      const slash = path.lastIndexOf('/');
      if (dirIgnored(slash < 0 ? '' : path.slice(0, slash)) || ignoredByLevels(path)) return 'gitignore';
    }
    if (include && !include(path)) return 'not-included';
    if (exclude && exclude(path)) return 'excluded';
    return undefined;
  };

  return { skipReason, accepts: (path) => skipReason(path) === undefined };
}

/** Read every `.gitignore` listed in `files` and build the filter. */
export async function loadFileFilter(
  workspace: Pick<Workspace, 'readFile'>,
  files: readonly string[],
  options: Omit<FileFilterOptions, 'gitignores'>,
): Promise<FileFilter> {
  const gitignores = new Map<string, string>();
  const found = files.filter((f) => f === '.gitignore' || f.endsWith('/.gitignore'));
  await Promise.all(
    found.map(async (f) => {
      const dir = f === '.gitignore' ? '' : f.slice(0, -'/.gitignore'.length);
      gitignores.set(dir, (await workspace.readFile(f)).toString('utf8'));
    }),
  );
  return createFileFilter({ ...options, gitignores });
}
