/**
 * The two ref moves of a push retry, made so that a kill cannot leave a state no later run can
 * read. Each is recorded in the git directory (written atomically) before it starts and the record
 * goes when it is complete; `finishInterruptedMoves` (run by repair() and recover() after a crash)
 * deals with a record left behind:
 * - resetBranch (`git reset --hard`): the branch ref, then a forced checkout that rewrites tracked
 *   files one by one, non-atomically, and the index last. Killed in between, HEAD is at the new
 *   commit over the old index and a mix of old, new and torn files. A reset whose branch already
 *   moved is completed (the checkout is done again); one whose branch never moved is forgotten
 *   (the working tree was not touched yet).
 * - fetch: isomorphic-git moves the remote-tracking ref before it writes the packfile, so a kill in
 *   between leaves `refs/remotes/<remote>/<branch>` naming a commit that is not there (and that the
 *   next fetch would announce as already had). The ref goes back to where it was before the fetch.
 */
import { join } from 'node:path';
import git from 'isomorphic-git';
import { writeFileAtomically } from './atomic-git-fs.js';
import type { GitContext } from './git-context.js';

/** The records of moves in progress, relative to the git directory. */
const RESET_RECORD = 'tagstream-reset.json';
const FETCH_RECORD = 'tagstream-fetch.json';

interface ResetRecord {
  readonly branch: string;
  /** The branch head before the reset (undefined on an unborn branch). */
  readonly from?: string | undefined;
  readonly to: string;
}

interface FetchRecord {
  /** The remote-tracking ref the fetch moves, and its value before (undefined: it did not exist). */
  readonly ref: string;
  readonly before?: string | undefined;
}

const recordFile = (ctx: GitContext, name: string): string => join(ctx.dir, '.git', name);

async function writeRecord(ctx: GitContext, name: string, record: ResetRecord | FetchRecord): Promise<void> {
  await writeFileAtomically(ctx.fs.promises, recordFile(ctx, name), JSON.stringify(record), join(ctx.dir, '.git'));
}

async function takeRecord<T>(ctx: GitContext, name: string, valid: (r: Partial<T>) => boolean): Promise<T | 'unreadable' | undefined> {
  const text = await ctx.fs.promises.readFile(recordFile(ctx, name), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const r = JSON.parse(text) as Partial<T> | null;
    return r && valid(r) ? (r as T) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

const dropRecord = (ctx: GitContext, name: string): Promise<void> => ctx.fs.promises.rm(recordFile(ctx, name), { force: true });

async function resolve(ctx: GitContext, ref: string): Promise<string | undefined> {
  const { fs, dir } = ctx;
  return git.resolveRef({ fs, dir, ref }).catch(() => undefined);
}

/** Move `branch` and the working tree to `to`: the ref, then a forced checkout. */
async function moveTo(ctx: GitContext, branch: string, to: string): Promise<void> {
  const { fs, dir, cache } = ctx;
  await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: to, force: true });
  await git.checkout({ fs, dir, ref: branch, force: true, cache });
}

/** Point `branch` and the tracked files at `to`, recorded so that a crash can be finished. */
export async function resetBranch(ctx: GitContext, branch: string, to: string): Promise<void> {
  await writeRecord(ctx, RESET_RECORD, { branch, from: await resolve(ctx, `refs/heads/${branch}`), to });
  await moveTo(ctx, branch, to);
  await dropRecord(ctx, RESET_RECORD);
}

/** Put `record.ref` back where it was before the fetch; the move undone, if any. */
async function putBack(ctx: GitContext, record: FetchRecord): Promise<FinishedMoves['revertedFetch']> {
  const { fs, dir } = ctx;
  if ((await resolve(ctx, record.ref)) === record.before) return undefined;
  if (record.before === undefined) await git.deleteRef({ fs, dir, ref: record.ref });
  else await git.writeRef({ fs, dir, ref: record.ref, value: record.before, force: true });
  return { ref: record.ref, to: record.before };
}

/**
 * Run `fetch`, which moves `ref`, recorded so that a crash puts `ref` back. A fetch that fails
 * (the connection dropped while the packfile came) puts it back at once, for the same reason.
 */
export async function recordedFetch<T>(ctx: GitContext, ref: string, fetch: () => Promise<T>): Promise<T> {
  const record: FetchRecord = { ref, before: await resolve(ctx, ref) };
  await writeRecord(ctx, FETCH_RECORD, record);
  try {
    return await fetch();
  } catch (e) {
    await putBack(ctx, record);
    throw e;
  } finally {
    await dropRecord(ctx, FETCH_RECORD);
  }
}

/** What finishInterruptedMoves did. */
export interface FinishedMoves {
  /** A reset killed after its branch moved, completed. */
  readonly finishedReset?: { readonly branch: string; readonly to: string } | undefined;
  /** A remote-tracking ref an interrupted fetch had moved, put back (to undefined: removed). */
  readonly revertedFetch?: { readonly ref: string; readonly to: string | undefined } | undefined;
}

/** After a crash: put back an interrupted fetch's ref, complete or forget an interrupted reset. */
export async function finishInterruptedMoves(ctx: GitContext): Promise<FinishedMoves> {
  const fetched = await takeRecord<FetchRecord>(ctx, FETCH_RECORD, (r) => typeof r.ref === 'string' && r.ref.startsWith('refs/remotes/'));
  const revertedFetch = fetched !== undefined && fetched !== 'unreadable' ? await putBack(ctx, fetched) : undefined;
  if (fetched !== undefined) await dropRecord(ctx, FETCH_RECORD);

  let finishedReset: FinishedMoves['finishedReset'];
  const reset = await takeRecord<ResetRecord>(ctx, RESET_RECORD, (r) => typeof r.branch === 'string' && typeof r.to === 'string');
  // Only a branch still at the reset's target is finished: anything else means it never moved
  // (the working tree is as it was) or someone moved it since, and their state is theirs.
  if (reset !== undefined && reset !== 'unreadable' && (await resolve(ctx, `refs/heads/${reset.branch}`)) === reset.to) {
    await moveTo(ctx, reset.branch, reset.to);
    finishedReset = { branch: reset.branch, to: reset.to };
  }
  if (reset !== undefined) await dropRecord(ctx, RESET_RECORD);
  return { ...(finishedReset ? { finishedReset } : {}), ...(revertedFetch ? { revertedFetch } : {}) };
}
