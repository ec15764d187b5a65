/**
 * `reconcile`: the main job. One pass plans every change (reconcile-plan.ts), writes only the
 * files whose bytes change, and optionally commits and pushes. A push rejected as
 * non-fast-forward re-runs the whole pass on the new remote head (push-with-retry.ts: bounded,
 * never forcing).
 * Holds from reverted Tagstream commits are read from Git history before each pass.
 */
import { TagstreamError } from '../errors.js';
import type { ChangeSet } from '../domain/change-set.js';
import { renderCommitMessage } from '../planning/commit-message.js';
import { computeHolds, holdsFromRecord, holdsRecord, type Hold } from '../planning/revert-holds.js';
import type { InventoryOptions } from '../inventory/inventory.js';
import type { AppContext, ReconcileOptions, ReconcileResult } from './app-context.js';
import { pushWithRetry } from './push-with-retry.js';
import { planReconcile } from './reconcile-plan.js';
import { hasUnpushedTagstreamCommit, localCommits, replayCommits } from './replay-commits.js';
import { finishInterruptedRun, journalCommitted, journalDone, journalWriting, sha256 } from './run-journal.js';
import { restoreFiles, writeFiles } from './write-files.js';
import { earlierWrites, forgetUncommittedWrites, recordUncommittedWrites, restoreEarlierWrites, workingTreeReport, type EarlierWrite } from './uncommitted-writes.js';

/** How far back Tagstream looks for reverts of its own commits. */
export const REVERT_HISTORY_DEPTH = 1000;
const DEFAULT_PUSH_ATTEMPTS = 5;

/**
 * Holds from the working copy's history (none outside Git). They are a function of the history
 * `log` walks, which the head commit and where a shallow clone cuts it name: the index cache keeps
 * them under that key, so a run on an unchanged head reads no commit (a big Tagstream commit's
 * message is most of a no-change run's Git work).
 */
export async function loadHolds(ctx: Pick<AppContext, 'git'>, ref?: string): Promise<Map<string, Hold[]>> {
  const git = ctx.git;
  if (!git) return new Map();
  const head = ref === undefined ? await git.headOid().catch(() => undefined) : undefined;
  // A repository without commits has no history to honour.
  if (ref === undefined && head === undefined) return new Map();
  const memo = head !== undefined && git.indexCache && git.shallowCommits ? { cache: await git.indexCache(), key: `holds/1:${REVERT_HISTORY_DEPTH}:${head}:${sha256((await git.shallowCommits()).join(','))}` } : undefined;
  const known = memo ? holdsFromRecord(memo.cache.get(memo.key)) : undefined;
  if (known) return known;
  const holds = computeHolds(await git.log({ ref, depth: REVERT_HISTORY_DEPTH }));
  memo?.cache.set(memo.key, holdsRecord(holds));
  return holds;
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
  // the files that hold streams and workloads: those whose changes a commit reports when it leaves them out
  let managed: string[] = [];
  // The caller's inventory serves the first pass only, and only when no interrupted run put files back.
  // So does its scope: files put back or a moved branch are no longer the reconciled state it assumes.
  let given = interrupted === undefined ? options.inventory : undefined;
  let scope = interrupted === undefined ? options.scope : undefined;
  const plan = async (): Promise<ChangeSet> => {
    const planned = await planReconcile(ctx, { ...options, inventory: given, scope }, await loadHolds(ctx), inventoryOptions);
    given = undefined;
    scope = undefined;
    tagsAttempted = planned.tagsAttempted;
    managed = [...planned.inventory.files.keys()];
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
    if (git && changeSet.files.length > 0) {
      // left for a later `reconcile --commit`, which recognises them as Tagstream's
      await recordUncommittedWrites(git, changeSet.files);
      await journalDone(git);
    }
    return { changeSet, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted };
  }
  const commitOptions = options.commit;
  // What verbs and plain reconciles wrote and left uncommitted, still exactly as they wrote it: part of this commit.
  let earlier: EarlierWrite[] = await earlierWrites(git, ctx.workspace);
  const carried = (cs: ChangeSet) => earlier.filter((e) => e.state === 'ours' && !cs.files.some((f) => f.path === e.path)).map((e) => e.path);
  const committedPaths = (cs: ChangeSet) => new Set([...cs.files.map((f) => f.path), ...carried(cs)]);
  const commitPlan = async (cs: ChangeSet): Promise<string | undefined> => {
    const oid = await git.commit({
      files: [...committedPaths(cs)],
      message: renderCommitMessage(cs, carried(cs)),
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
  const report = async (cs: ChangeSet) => (options.workingTreeReport !== false && (earlier.length > 0 || cs.files.length > 0) ? { workingTree: await workingTreeReport(git, earlier, managed, committedPaths(cs)) } : {});
  if (changeSet.files.length === 0 && carried(changeSet).length === 0 && !unpushed) {
    return { changeSet, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted, ...(await report(changeSet)) };
  }
  // The user's own unpushed commits, to replay if the branch must be rebuilt on a moved remote.
  const local = push ? await localCommits(git, remoteHead) : [];
  let commit: string | undefined;
  let base: string | undefined;
  const commitAndForget = async (cs: ChangeSet): Promise<string | undefined> => {
    base = await git.headOid().catch(() => undefined);
    const oid = cs.files.length > 0 || carried(cs).length > 0 ? await commitPlan(cs) : undefined;
    if (earlier.length > 0) await forgetUncommittedWrites(git);
    return oid;
  };
  try {
    commit = await commitAndForget(changeSet);
  } catch (e) {
    // no commit, no change: the next run plans the same moves again
    await restoreFiles(ctx.workspace, changeSet.files);
    await journalDone(git);
    throw e;
  }
  if (!push) {
    await journalDone(git);
    return { changeSet, commit, pushed: false, exitCode: exitCodeOf(changeSet), tagsAttempted, ...(await report(changeSet)) };
  }

  const result = await pushWithRetry(git, {
    remote: push.remote,
    branch: push.branch,
    credentials: push.credentials,
    attempts: push.attempts ?? DEFAULT_PUSH_ATTEMPTS,
    rebuild: async () => {
      // The branch now sits at the remote head: keep the user's local commits, plan again from there.
      const replayed = await replayCommits(git, ctx.workspace, local);
      // Tagstream's earlier writes were in the dropped commit: back into the working tree with them
      earlier = await restoreEarlierWrites(git, ctx.workspace, earlier, base);
      changeSet = await plan();
      await write(changeSet.files);
      commit = await commitAndForget(changeSet);
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
    ...(await report(changeSet)),
  };
}
