/**
 * Crash recovery for a working copy the daemon owns: a process that died mid-run may leave lock
 * files (git CLI, other tools) and half-applied edits or staged entries. Untracked files are left alone.
 */
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { RecoverOptions, RecoverResult } from '../../ports/git.js';
import type { GitContext } from './git-context.js';
import { statusScope } from './status-scope.js';

/** Lock files git creates next to what it is rewriting. */
const TOP_LEVEL_LOCKS = ['index.lock', 'HEAD.lock', 'config.lock', 'packed-refs.lock', 'shallow.lock', 'ORIG_HEAD.lock', 'FETCH_HEAD.lock'];

async function findRefLocks(ctx: GitContext, gitdir: string, rel: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await ctx.fs.promises.readdir(join(gitdir, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const child = `${rel}/${entry.name}`;
    if (entry.isDirectory()) await findRefLocks(ctx, gitdir, child, out);
    else if (entry.name.endsWith('.lock')) out.push(child);
  }
}

async function removeStaleLocks(ctx: GitContext, gitdir: string, staleAfterMs: number): Promise<string[]> {
  const candidates = [...TOP_LEVEL_LOCKS];
  await findRefLocks(ctx, gitdir, 'refs', candidates);
  const removed: string[] = [];
  const now = ctx.clock.now().getTime();
  for (const rel of candidates) {
    const file = join(gitdir, rel);
    try {
      const st = await ctx.fs.promises.stat(file);
      if (now - st.mtimeMs < staleAfterMs) continue;
      await ctx.fs.promises.unlink(file);
      removed.push(rel);
    } catch {
      // absent: nothing to do
    }
  }
  return removed;
}

/** Remove stale locks, then put the index and the tracked files back to HEAD. */
export async function recoverWorkingCopy(ctx: GitContext, options: RecoverOptions = {}): Promise<RecoverResult> {
  const { fs, dir, cache } = ctx;
  const gitdir = join(dir, '.git');
  const removedLocks = await removeStaleLocks(ctx, gitdir, options.lockStaleAfterMs ?? 0);
  const branch = await git.currentBranch({ fs, dir });
  const ref = branch ?? (await git.resolveRef({ fs, dir, ref: 'HEAD' }));

  let rows: Awaited<ReturnType<typeof git.statusMatrix>>;
  try {
    rows = await git.statusMatrix({ fs, dir, cache });
  } catch {
    // A torn index (the writer died mid-write) cannot be read: rebuild it from HEAD.
    await fs.promises.rm(join(gitdir, 'index'), { force: true });
    await git.checkout({ fs, dir, ref, force: true, noUpdateHead: true, cache });
    return { removedLocks, restoredPaths: await git.listFiles({ fs, dir, ref, cache }) };
  }

  const restoredPaths: string[] = [];
  const headPaths: string[] = [];
  for (const [filepath, head, workdir, stage] of rows) {
    if (isClean(head, workdir, stage)) continue;
    restoredPaths.push(filepath);
    if (head === 1) headPaths.push(filepath);
    // An entry HEAD does not have is dropped (the file stays, untracked). Only a staged new file
    // makes one, so one index rewrite each is fine here.
    else await git.resetIndex({ fs, dir, filepath, ref, cache });
  }
  if (headPaths.length > 0) {
    // One forced checkout puts HEAD's files and their index entries back, in one index write.
    // (A resetIndex per path rewrote the whole index each time: 300 files of a 2,500-file
    // repository took 6 CPU-s, a crash in the middle of a big first run minutes; #16.)
    await git.checkout({ fs, dir, ref, force: true, noUpdateHead: true, filepaths: headPaths, cache });
    // Whatever it left unclean is put back path by path, as before.
    const left = (await git.statusMatrix({ fs, dir, ...statusScope(headPaths), cache })).filter(([, head, workdir, stage]) => !isClean(head, workdir, stage));
    for (const [filepath] of left) await git.resetIndex({ fs, dir, filepath, ref, cache });
    const back = left.filter(([, head]) => head === 1).map(([filepath]) => filepath);
    if (back.length > 0) await git.checkout({ fs, dir, ref, force: true, noUpdateHead: true, filepaths: back, cache });
  }
  return { removedLocks, restoredPaths };
}

/** A statusMatrix row that needs no recovery: as in HEAD, or untracked. */
function isClean(head: number, workdir: number, stage: number): boolean {
  return head === 1 ? workdir === 1 && stage === 1 : stage === 0;
}
