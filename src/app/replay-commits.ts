/**
 * Keep local work when a push has to be redone on a moved remote branch. The retry resets the
 * branch to the remote head; commits the user had made locally and not pushed yet are replayed on
 * top of it, file by file (a rebase without merges): a file the remote changed too is a conflict,
 * and the run stops with a clear error instead of dropping or overwriting anybody's work.
 * Tagstream's own commits are not replayed: the reconcile is planned again on the new head.
 */
import { TagstreamError } from '../errors.js';
import { EARLIER_WRITE_TRAILER, parseMoveTrailers, WORKLOAD_TRAILER } from '../planning/commit-message.js';
import type { GitCommitInfo, GitRepository } from '../ports/git.js';
import type { Workspace } from '../ports/workspace.js';

const MAX_LOCAL_COMMITS = 200;
/** How far back the remote branch's history is searched for the commit HEAD shares with it. */
const REMOTE_HISTORY_DEPTH = 1000;

function carriesEarlierWrites(c: GitCommitInfo): boolean {
  return c.message.includes(`\n${EARLIER_WRITE_TRAILER}: `);
}

function isTagstreamCommit(c: GitCommitInfo): boolean {
  return parseMoveTrailers(c.message).length > 0 || c.message.includes(`\n${WORKLOAD_TRAILER}: `) || carriesEarlierWrites(c);
}

/**
 * Whether a new reconcile pass re-creates the commit. One that carries earlier writes (a verb's
 * change) is not: no plan makes it again, so it is replayed like the user's own.
 */
function replannable(c: GitCommitInfo): boolean {
  return isTagstreamCommit(c) && !carriesEarlierWrites(c);
}

/**
 * Commits on HEAD that `remoteHead` does not have, newest first: HEAD's history down to the first
 * commit the remote branch also holds. The remote-tracking head need not be an ancestor of HEAD:
 * after a fetch (by the user, or by a push retry killed before it reset the branch) the two have
 * diverged, and the walk stops at their common ancestor, not at the root.
 */
async function commitsNotOn(git: GitRepository, remoteHead: string | undefined): Promise<{ local: GitCommitInfo[]; complete: boolean }> {
  // HEAD is the remote head (every clean daemon run, every run after a push): nothing is local,
  // and no history is read (a big Tagstream commit's message is most of such a walk's work).
  if (remoteHead !== undefined && (await git.headOid().catch(() => undefined)) === remoteHead) return { local: [], complete: true };
  const history = await git.log({ depth: MAX_LOCAL_COMMITS + 1 });
  if (remoteHead === undefined) return { local: history, complete: true };
  let onRemote = new Set([remoteHead]);
  if (!history.some((c) => c.oid === remoteHead)) {
    // a remote history that cannot be read (a shallow clone) leaves the remote head as the only stop
    onRemote = new Set([remoteHead, ...(await git.log({ ref: remoteHead, depth: REMOTE_HISTORY_DEPTH }).catch(() => [])).map((c) => c.oid)]);
  }
  const at = history.findIndex((c) => onRemote.has(c.oid));
  return at < 0 ? { local: history, complete: history.length <= MAX_LOCAL_COMMITS } : { local: history.slice(0, at), complete: true };
}

/**
 * Commits on HEAD that the remote branch does not have, oldest first (Tagstream's own, which the
 * next pass plans again, excluded).
 * `remoteHead` undefined (a remote without the branch) means every commit is local.
 */
export async function localCommits(git: GitRepository, remoteHead: string | undefined): Promise<GitCommitInfo[]> {
  // A repository without commits has nothing to replay.
  if ((await git.headOid().catch(() => undefined)) === undefined) return [];
  const { local, complete } = await commitsNotOn(git, remoteHead);
  if (!complete) {
    throw new TagstreamError('Git', `more than ${MAX_LOCAL_COMMITS} local commits are not on the remote branch; push or rebase them first`);
  }
  return local.reverse().filter((c) => !replannable(c));
}

/** Whether HEAD carries a Tagstream commit the remote branch does not have (a run died before its push). */
export async function hasUnpushedTagstreamCommit(git: GitRepository, remoteHead: string | undefined): Promise<boolean> {
  if (remoteHead === undefined) return false;
  const { local } = await commitsNotOn(git, remoteHead).catch(() => ({ local: [] }));
  return local.some(isTagstreamCommit);
}

/** Re-create `commits` (oldest first) on the current HEAD; throws on a conflicting file. */
export async function replayCommits(git: GitRepository, workspace: Workspace, commits: readonly GitCommitInfo[]): Promise<number> {
  let replayed = 0;
  for (const c of commits) {
    const parent = c.parents[0];
    if (!parent || c.parents.length > 1) {
      throw new TagstreamError('Git', `local commit ${c.oid.slice(0, 12)} is a merge or root commit and cannot be replayed; push it first`);
    }
    const head = await git.headOid();
    const files = await git.changedFiles(parent, c.oid);
    for (const path of files) {
      const base = await git.readFileAt(parent, path);
      const theirs = await git.readFileAt(head, path);
      const same = base === undefined ? theirs === undefined : theirs !== undefined && base.equals(theirs);
      if (!same) {
        throw new TagstreamError(
          'Git',
          `local commit ${c.oid.slice(0, 12)} and the remote branch both changed ${path}; pull and resolve it, then run again`,
        );
      }
      const mine = await git.readFileAt(c.oid, path);
      if (mine === undefined) continue; // deletions are staged by commit() from the missing file
      await workspace.writeFile(path, mine);
    }
    for (const path of files) {
      if ((await git.readFileAt(c.oid, path)) === undefined) await workspace.removeFile(path);
    }
    const oid = await git.commit({
      files,
      message: c.message,
      author: { name: c.author.name, email: c.author.email },
      timestamp: c.author.timestamp,
    });
    if (oid) replayed++;
  }
  return replayed;
}
