/**
 * `git reset --hard` that a kill cannot leave half done. Moving a branch and its working tree is
 * two steps (the ref, then a checkout that rewrites tracked files one by one, non-atomically, and
 * the index last); a process killed between them leaves HEAD at the new commit over the old
 * index and a mix of old, new and torn files, which no later run can read as a consistent state.
 * So the reset is recorded first (`.git/tagstream-reset.json`: branch, from, to; written
 * atomically) and the record goes once the checkout is complete. `finishInterruptedReset` (run by
 * repair() and recover() after a crash) completes a reset whose branch already moved, and drops
 * one whose branch never did (the working tree was not touched yet).
 */
import { join } from 'node:path';
import git from 'isomorphic-git';
import { writeFileAtomically } from './atomic-git-fs.js';
import type { GitContext } from './git-context.js';

/** The record of a reset in progress, relative to the git directory. */
export const RESET_RECORD = 'tagstream-reset.json';

interface ResetRecord {
  readonly branch: string;
  /** The branch head before the reset (undefined on an unborn branch). */
  readonly from?: string | undefined;
  readonly to: string;
}

const recordFile = (ctx: GitContext): string => join(ctx.dir, '.git', RESET_RECORD);

async function branchHead(ctx: GitContext, branch: string): Promise<string | undefined> {
  const { fs, dir } = ctx;
  return git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` }).catch(() => undefined);
}

/** Move `branch` and the working tree to `to`: the ref, then a forced checkout. */
async function moveTo(ctx: GitContext, branch: string, to: string): Promise<void> {
  const { fs, dir, cache } = ctx;
  await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: to, force: true });
  await git.checkout({ fs, dir, ref: branch, force: true, cache });
}

/** Point `branch` and the tracked files at `to`, recorded so that a crash can be finished. */
export async function resetBranch(ctx: GitContext, branch: string, to: string): Promise<void> {
  const record: ResetRecord = { branch, from: await branchHead(ctx, branch), to };
  await writeFileAtomically(ctx.fs.promises, recordFile(ctx), JSON.stringify(record), join(ctx.dir, '.git'));
  await moveTo(ctx, branch, to);
  await ctx.fs.promises.rm(recordFile(ctx), { force: true });
}

function parse(text: string): ResetRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<ResetRecord> | null;
    return r && typeof r.branch === 'string' && typeof r.to === 'string' ? (r as ResetRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * After a crash: complete a reset that was killed after its branch moved (the checkout is done
 * again, forced, which also rewrites torn files and the index); forget one killed before. Returns
 * the reset it completed, if any.
 */
export async function finishInterruptedReset(ctx: GitContext): Promise<{ readonly branch: string; readonly to: string } | undefined> {
  const text = await ctx.fs.promises.readFile(recordFile(ctx), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const record = parse(text);
  // Only a branch still at the reset's target is finished: anything else means it never moved
  // (the working tree is as it was) or someone moved it since, and their state is theirs.
  const finish = record !== undefined && (await branchHead(ctx, record.branch)) === record.to;
  if (finish) await moveTo(ctx, record.branch, record.to);
  await ctx.fs.promises.rm(recordFile(ctx), { force: true });
  return finish ? { branch: record.branch, to: record.to } : undefined;
}
