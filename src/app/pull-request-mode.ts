/**
 * Pull-request mode, the one use case behind the Action, `reconcile --pull-request` and
 * `serve --pull-request`, for every Git host behind the ChangeRequests port: plan once, then for each group of moves commit on top of the base head,
 * force-update the tool-owned branch and open or update its PR; close the tool's PRs nothing is
 * left to propose for. Digests proposed in PRs a human closed without merging are passed to
 * reconcile as extra holds, so they are not proposed again for that tag.
 *
 * Every collaborator is injected: the reconcile use case, the working copies, the code host.
 */
import type { AppContext, ReconcileOptions, ReconcileResult } from './app-context.js';
import type { ChangeSet } from '../domain/change-set.js';
import type { ActionGroup } from '../config/action-inputs.js';
import { errorMessage, UsageError } from '../errors.js';
import { closedBody, isTagstreamBody, parsePullRequestTrailers, renderPullRequest, type PrLinks } from '../planning/pull-request-body.js';
import type { ChangeRequests, PullRequest } from '../ports/change-requests.js';
import type { GitCredentials, GitIdentity, GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';
import { groupMoves, moveKey, sliceChangeSet, type MoveGroup } from '../planning/pull-request-branches.js';

export type ReconcileFn = (ctx: AppContext, options: ReconcileOptions) => Promise<ReconcileResult>;

/** A context whose `git` working copy is checked out at the base head. */
export type BaseCheckout = AppContext & { readonly git: GitRepository };

export interface PullRequestModeOptions {
  readonly base: string;
  readonly branchPrefix: string;
  readonly group: ActionGroup;
  readonly titleTemplate: string;
  readonly labels: readonly string[];
  readonly author: GitIdentity;
  readonly credentials?: GitCredentials | undefined;
  readonly links?: PrLinks | undefined;
}

export interface PullRequestModeDeps {
  readonly reconcile: ReconcileFn;
  /**
   * A fresh working copy at the base head, once per group that needs a commit (each group's
   * commit must have the base as its parent, and the job's checkout must stay untouched).
   */
  readonly checkout: (index: number) => Promise<BaseCheckout>;
  readonly changeRequests: ChangeRequests;
  readonly log: Log;
}

/** One pull request a run opened, updated, left unchanged or closed. */
export interface PullRequestOutcome {
  readonly number: number;
  readonly url: string;
  readonly action: 'opened' | 'updated' | 'unchanged' | 'closed';
  readonly branch: string;
}

export interface PullRequestModeResult {
  /** The plan over every group (dry run on the base). */
  readonly changeSet: ChangeSet;
  readonly pullRequests: readonly PullRequestOutcome[];
  /** Commit of the last branch written (or kept). */
  readonly commit: string | undefined;
  readonly exitCode: 0 | 1;
}

type Holds = Map<string, { image: string; heldBy: string }[]>;

/** Digests proposed by Tagstream PRs that were closed without merging, keyed `ns/stream:tag`. */
export function closedPullRequestHolds(pulls: readonly PullRequest[], repository: string, prefix: string): Holds {
  const holds: Holds = new Map();
  // Oldest first, so the list for a tag reads in the order humans said no.
  for (const pr of [...pulls].sort((a, b) => a.number - b.number)) {
    if (pr.state !== 'closed' || pr.merged || !isOwnBranch(pr, repository, prefix)) continue;
    const trailers = parsePullRequestTrailers(pr.body);
    if (trailers.closedByTool !== undefined) continue;
    for (const m of trailers.moves) {
      const key = moveKey(m);
      const list = holds.get(key) ?? [];
      if (!list.some((h) => h.image === m.to)) list.push({ image: m.to, heldBy: `#${pr.number}` });
      holds.set(key, list);
    }
  }
  return holds;
}

/** A PR on a branch this run owns: same repository, the prefix, a body Tagstream wrote. */
function isOwnBranch(pr: PullRequest, repository: string, prefix: string): boolean {
  return pr.head.startsWith(prefix) && (pr.headRepository === null || pr.headRepository === repository) && isTagstreamBody(pr.body);
}

function sameMoves(pr: PullRequest, cs: ChangeSet, base: string): boolean {
  const t = parsePullRequestTrailers(pr.body);
  if (t.base !== base || t.truncated > 0) return false;
  const want = cs.moves.map((m) => `${moveKey(m)} ${m.to.image || m.to.reference}`).sort();
  const have = t.moves.map((m) => `${moveKey(m)} ${m.to}`).sort();
  return want.length === have.length && want.every((w, i) => w === have[i]);
}

/** Holds from the closed requests on the tool's branches (every page; only the prefix's branches). */
export async function closedRequestHolds(changeRequests: ChangeRequests, base: string, branchPrefix: string): Promise<Holds> {
  const closed = await changeRequests.listPullRequests({ state: 'closed', merged: false, base, headPrefix: branchPrefix });
  return closedPullRequestHolds(closed, changeRequests.repository, branchPrefix);
}

/** The whole use case: read closed requests into holds, then plan, propose and close on `planCtx`. */
export async function proposeChanges(deps: PullRequestModeDeps, options: PullRequestModeOptions, planCtx: BaseCheckout): Promise<PullRequestModeResult> {
  const holds = await closedRequestHolds(deps.changeRequests, options.base, options.branchPrefix);
  return runPullRequestMode(deps, options, planCtx, holds);
}

/** Plan on the job's checkout (dry run, with the closed-PR `holds`), then open, update or close the tool's PRs. */
export async function runPullRequestMode(deps: PullRequestModeDeps, options: PullRequestModeOptions, planCtx: BaseCheckout, holds: Holds): Promise<PullRequestModeResult> {
  const { changeRequests: gh, log } = deps;
  const repository = gh.repository;
  const baseHead = await planCtx.git.headOid();

  // the pull request bodies show when each image was built
  const plan = await deps.reconcile(planCtx, { dryRun: true, extraHolds: holds, imageCreated: true });
  const groups = groupMoves(plan.changeSet.moves, options.group, options.branchPrefix, options.base);
  const open = (await gh.listPullRequests({ state: 'open', base: options.base })).filter((pr) => isOwnBranch(pr, repository, options.branchPrefix));

  const results: PullRequestOutcome[] = [];
  let lastCommit: string | undefined;
  let exitCode: 0 | 1 = plan.exitCode;
  let checkouts = 0;
  const failedBranches = new Set<string>();

  for (const group of groups) {
    try {
      const done = await runGroup(group);
      if (done) results.push(done);
    } catch (e) {
      // One group failing (push rejected, API error) must not stop the others.
      failedBranches.add(group.branch);
      exitCode = 1;
      log.error(`pull request for ${group.branch}: ${errorMessage(e)}`);
    }
  }

  // Tool PRs for branches this plan no longer proposes: their moves landed on the base (or were
  // superseded). A plan that could not read everything cannot tell, so it closes nothing it is unsure of.
  const planned = new Set(groups.map((g) => g.branch));
  const failedTags = new Set(plan.changeSet.failures.map(moveKey));
  const unreadable = plan.changeSet.diagnostics.some((d) => d.severity === 'error');
  for (const pr of open) {
    if (planned.has(pr.head) || failedBranches.has(pr.head)) continue;
    const trailerMoves = parsePullRequestTrailers(pr.body).moves;
    if (unreadable || trailerMoves.some((m) => failedTags.has(moveKey(m)))) {
      log.warn(`pull request #${pr.number} left open: this run could not check all of its tags`);
      continue;
    }
    const moves = trailerMoves.map((m) => `\`${moveKey(m)}\``);
    const reason = `nothing left to propose on ${options.base}`;
    try {
      await gh.addComment(pr.number, `Closing: ${moves.length ? `${moves.join(', ')} ${moves.length === 1 ? 'is' : 'are'}` : 'the changes are'} already on \`${options.base}\` (or superseded by newer digests there), so this pull request has nothing left to propose.`);
      const closed = await gh.updatePullRequest(pr.number, { state: 'closed', body: closedBody(pr.body, reason) });
      results.push({ number: closed.number, url: closed.url, action: 'closed', branch: pr.head });
    } catch (e) {
      exitCode = 1;
      log.error(`closing pull request #${pr.number}: ${errorMessage(e)}`);
    }
  }

  return { changeSet: plan.changeSet, pullRequests: results, commit: lastCommit, exitCode };

  async function runGroup(group: MoveGroup): Promise<PullRequestOutcome | undefined> {
    // The branch is force-pushed: it must never be the base.
    if (group.branch === options.base) throw new UsageError(`branch ${group.branch} is the base branch; choose another branch-prefix`);
    const existing = open.find((pr) => pr.head === group.branch);
    const planned = sliceChangeSet(plan.changeSet, group.keys);

    // Same moves on the same base head: keep the branch as it is (no new commit, no push).
    if (existing && sameMoves(existing, planned, options.base)) {
      const remoteHead = await planCtx.git.fetch({ branch: group.branch, credentials: options.credentials });
      const parent = remoteHead ? (await planCtx.git.log({ ref: remoteHead, depth: 1 }))[0]?.parents[0] : undefined;
      if (remoteHead && parent === baseHead) {
        lastCommit = remoteHead;
        log.info(`${group.branch}: already proposes these moves on ${baseHead.slice(0, 12)}; branch left as is`);
        return upsert(existing, planned, group);
      }
    }

    const ctx = await deps.checkout(checkouts++);
    const only = new Set(group.keys);
    const result = await deps.reconcile(ctx, {
      commit: { author: options.author },
      extraHolds: holds,
      onlyMoves: (stream, tag) => only.has(`${stream}:${tag}`),
    });
    if (result.exitCode === 1) exitCode = 1;
    if (!result.commit) {
      log.warn(`${group.branch}: the planned moves produced no commit; nothing proposed`);
      return undefined;
    }
    const remoteHead = await ctx.git.fetch({ branch: group.branch, credentials: options.credentials });
    if (remoteHead && (await ctx.git.changedFiles(remoteHead, result.commit)).length === 0) {
      // Same tree already on the branch: do not rewrite it.
      log.info(`${group.branch}: branch already has this tree; not pushed`);
      lastCommit = remoteHead;
    } else {
      await ctx.git.pushBranch(group.branch, result.commit, { force: true, credentials: options.credentials });
      log.info(`${group.branch}: pushed ${result.commit.slice(0, 12)}`);
      lastCommit = result.commit;
    }
    return upsert(existing, withCreatedFrom(planned, result.changeSet), group);
  }

  async function upsert(existing: PullRequest | undefined, cs: ChangeSet, group: MoveGroup): Promise<PullRequestOutcome> {
    const { title, body } = renderPullRequest(cs, { base: options.base, titleTemplate: options.titleTemplate, branch: group.branch, links: options.links });
    let pr: PullRequest;
    let action: PullRequestOutcome['action'];
    if (!existing) {
      try {
        pr = await gh.createPullRequest({ title, body, head: group.branch, base: options.base });
        action = 'opened';
      } catch (e) {
        // A concurrent run opened it first (GitHub: 422 "A pull request already exists"): update that one.
        const raced = (await gh.listPullRequests({ state: 'open', base: options.base, head: group.branch }))[0];
        if (!raced) throw e;
        pr = await gh.updatePullRequest(raced.number, { title, body });
        action = 'updated';
      }
    } else if (existing.title !== title || existing.body.replace(/\r\n/g, '\n') !== body) {
      pr = await gh.updatePullRequest(existing.number, { title, body });
      action = 'updated';
    } else {
      pr = existing;
      action = 'unchanged';
    }
    const missing = options.labels.filter((l) => !pr.labels.includes(l));
    if (missing.length > 0) await gh.addLabels(pr.number, missing);
    log.info(`pull request #${pr.number} ${action}: ${pr.url}`);
    return { number: pr.number, url: pr.url, action, branch: group.branch };
  }
}

/**
 * The branch's commit pass is not asked for build dates (the plan already read them): carry each
 * move's `imageCreated` over from the plan, so the first body equals what a re-run renders.
 */
function withCreatedFrom(plan: ChangeSet, cs: ChangeSet): ChangeSet {
  const created = new Map(plan.moves.filter((m) => m.imageCreated).map((m) => [`${moveKey(m)}@${m.to.image}`, m.imageCreated]));
  const moves = cs.moves.map((m) => {
    const when = m.imageCreated ?? created.get(`${moveKey(m)}@${m.to.image}`);
    return when ? { ...m, imageCreated: when } : m;
  });
  return { ...cs, moves };
}
