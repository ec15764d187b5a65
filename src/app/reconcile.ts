/**
 * `reconcile`: the main job. One pass plans every change (reconcile-plan.ts), writes only the
 * files whose bytes change, and optionally commits and pushes. A push rejected as
 * non-fast-forward re-runs the whole pass on the new remote head (bounded), never forcing.
 * Holds from reverted Tagstream commits are read from Git history before each pass.
 */
import { TagstreamError } from '../errors.js';
import type { ChangeSet } from '../domain/change-set.js';
import { renderCommitMessage } from '../planning/commit-message.js';
import { computeHolds, type Hold } from '../planning/revert-holds.js';
import type { InventoryOptions } from '../inventory/inventory.js';
import type { AppContext, ReconcileOptions, ReconcileResult } from './app-context.js';
import { planReconcile } from './reconcile-plan.js';
import { hasUnpushedTagstreamCommit, localCommits, replayCommits } from './replay-commits.js';
import { finishInterruptedRun, journalCommitted, journalDone, journalWriting } from './run-journal.js';
import { restoreFiles, writeFiles } from './write-files.js';

/** How far back Tagstream looks for reverts of its own commits. */
export const REVERT_HISTORY_DEPTH = 1000;
const DEFAULT_PUSH_ATTEMPTS = 5;

/** Holds from the working copy's history (none outside Git). */
export async function loadHolds(ctx: AppContext, ref?: string): Promise<Map<string, Hold[]>> {
  if (!ctx.git) return new Map();
  // A repository without commits has no history to honour.
  if (ref === undefined && (await ctx.git.headOid().catch(() => undefined)) === undefined) return new Map();
  const history = await ctx.git.log({ ref, depth: REVERT_HISTORY_DEPTH });
  return computeHolds(history);
}

function exitCodeOf(cs: ChangeSet): 0 | 1 {
  return cs.failures.length > 0 || cs.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** Run one reconcile: plan, write, and (as asked) commit and push. */
export async function reconcile(ctx: AppContext, options: ReconcileOptions = {}, inventoryOptions: InventoryOptions = {}): Promise<ReconcileResult> {
  const git = ctx.git;
  const push = options.push;
  // A run killed earlier is finished first: its uncommitted writes are undone (planned again below).
  const interrupted = !options.dryRun && git ? await finishInterruptedRun(git, ctx.workspace, ctx.log, push?.remote) : undefined;
  let tagsAttempted = 0;
  const plan = async (): Promise<ChangeSet> => {
    const planned = await planReconcile(ctx, options, await loadHolds(ctx), inventoryOptions);
    tagsAttempted = planned.tagsAttempted;
    return planned.changeSet;
  };
  let changeSet = await plan();
  if (options.dryRun) return { changeSet, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted };

  if (options.commit && !git) throw new TagstreamError('Git', `cannot commit: ${ctx.workspace.root} is not a Git working copy`);
  const write = async (files: ChangeSet['files']): Promise<void> => {
    if (git && files.length > 0) await journalWriting(git, files, options.commit !== undefined);
    await writeFiles(ctx.workspace, files);
  };
  await write(changeSet.files);
  if (!options.commit || !git) {
    if (git && changeSet.files.length > 0) await journalDone(git);
    return { changeSet, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted };
  }
  const commitOptions = options.commit;
  const commitPlan = async (cs: ChangeSet): Promise<string | undefined> => {
    const oid = await git.commit({
      files: cs.files.map((f) => f.path),
      message: renderCommitMessage(cs),
      author: commitOptions.author,
      committer: commitOptions.committer,
      timestamp: Math.floor(ctx.clock.now().getTime() / 1000),
    });
    if (oid) await journalCommitted(git, cs.files, oid);
    return oid;
  };
  const remoteHead = push ? await git.remoteHeadOid({ remote: push.remote, branch: push.branch }) : undefined;
  // Nothing new, but an earlier run may have died between its commit and its push: push that.
  const unpushed = push !== undefined && (interrupted?.unpushedCommit === true || (await hasUnpushedTagstreamCommit(git, remoteHead)));
  if (changeSet.files.length === 0 && !unpushed) return { changeSet, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted };
  // The user's own unpushed commits, to replay if the branch must be rebuilt on a moved remote.
  const local = push ? await localCommits(git, remoteHead) : [];
  let commit: string | undefined;
  try {
    commit = changeSet.files.length > 0 ? await commitPlan(changeSet) : undefined;
  } catch (e) {
    // no commit, no change: the next run plans the same moves again
    await restoreFiles(ctx.workspace, changeSet.files);
    await journalDone(git);
    throw e;
  }
  if (!push) {
    await journalDone(git);
    return { changeSet, commit, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted };
  }

  const result = await git.pushWithRetry({
    remote: push.remote,
    branch: push.branch,
    credentials: push.credentials,
    attempts: push.attempts ?? DEFAULT_PUSH_ATTEMPTS,
    rebuild: async () => {
      // The branch now sits at the remote head: keep the user's local commits, plan again from there.
      const replayed = await replayCommits(git, ctx.workspace, local);
      changeSet = await plan();
      await write(changeSet.files);
      commit = changeSet.files.length > 0 ? await commitPlan(changeSet) : undefined;
      return commit || replayed > 0 ? 'committed' : 'nothing-to-commit';
    },
  });
  await journalDone(git);
  return {
    changeSet,
    commit: result.outcome === 'pushed' ? commit : undefined,
    pushed: result.outcome === 'pushed',
    exitCode: exitCodeOf(changeSet),
    tagsAttempted,
  };
}
