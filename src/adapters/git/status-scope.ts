/**
 * What to hand isomorphic-git's `statusMatrix` to get the rows of exactly `paths`.
 *
 * statusMatrix tests every entry it walks against every base path it was given
 * (`filepaths.some(base => worthWalking(entry, base))`). Given the paths themselves, that is
 * quadratic: a run that commits a 2,500-file repository asked it about ~2,500 paths, and the
 * status alone cost 1.1-1.5 CPU-s (0.6-0.7 s this way), 16 times that at 4x (#16). So past a few
 * paths it gets the folders that hold them, made coarser until there are at most MAX_BASES, and a
 * filter that keeps exactly the asked paths. The folders bound the walk as the paths did (only the
 * subtrees holding asked paths are walked); the filter makes the rows the same.
 */

/** Base paths statusMatrix matches each walked entry against, at most. */
export const MAX_BASES = 64;

export interface StatusScope {
  /** statusMatrix's `filepaths`. */
  readonly filepaths: string[];
  /** statusMatrix's `filter`, when `filepaths` are folders: keeps exactly the asked paths. */
  readonly filter?: ((path: string) => boolean) | undefined;
}

/** The statusMatrix arguments for the rows of `paths` (repository-relative, `/`-separated). */
export function statusScope(paths: readonly string[]): StatusScope {
  const wanted = [...new Set(paths)];
  if (wanted.length <= MAX_BASES) return { filepaths: wanted };
  const asked = new Set(wanted);
  const filter = (path: string): boolean => asked.has(path);
  // Files at the top stay bases of their own: their folder is the whole repository.
  const top = wanted.filter((p) => !p.includes('/'));
  let folders = [...new Set(wanted.filter((p) => p.includes('/')).map(parentOf))];
  // The deepest folders give way to their parents first, so a shallow folder is not lifted past need.
  while (top.length + folders.length > MAX_BASES) {
    let deepest = 0;
    for (const f of folders) deepest = Math.max(deepest, depthOf(f));
    if (deepest === 0) break;
    folders = [...new Set(folders.map((f) => (depthOf(f) === deepest ? parentOf(f) : f)))];
  }
  const bases = [...top, ...outermost(folders)];
  return { filepaths: bases.length > MAX_BASES ? ['.'] : bases, filter };
}

/** Slashes in a path: 0 for a top-level folder. */
function depthOf(path: string): number {
  let n = 0;
  for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) n++;
  return n;
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/** The folders none of whose ancestors is among them. */
function outermost(folders: readonly string[]): string[] {
  const kept = new Set<string>();
  for (const f of [...folders].sort((a, b) => a.length - b.length)) {
    let inside = false;
    for (let at = f.indexOf('/'); at >= 0 && !inside; at = f.indexOf('/', at + 1)) inside = kept.has(f.slice(0, at));
    if (!inside) kept.add(f);
  }
  return [...kept].sort();
}
