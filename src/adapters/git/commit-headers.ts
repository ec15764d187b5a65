/**
 * The tree and parents of a commit, read once per working copy. Commits never change, but
 * isomorphic-git inflates the whole commit on every readCommit, and a commit's message can be
 * large: a first run's move trailers make ~0.75 MB in the bench's 1x repository. The daemon read
 * its head commit in each poll (is the advertised head here?), again to commit on top of it and
 * again to push (#16). Keyed by the working copy's isomorphic-git cache object, so a reopened or
 * recloned copy starts empty; repair forgets it (it may remove objects).
 */
import git from 'isomorphic-git';
import type { GitContext } from './git-context.js';

export interface CommitHeader {
  readonly tree: string;
  readonly parent: readonly string[];
}

/** Commits remembered per working copy, at most (most recently read kept). */
export const MAX_COMMIT_HEADERS = 256;

const remembered = new WeakMap<object, Map<string, CommitHeader>>();

/** Commit `oid`'s tree and parents; rejects as isomorphic-git's readCommit does when it cannot be read. */
export async function commitHeader(ctx: GitContext, oid: string): Promise<CommitHeader> {
  let known = remembered.get(ctx.cache);
  const hit = known?.get(oid);
  if (hit !== undefined) return hit;
  const { commit } = await git.readCommit({ fs: ctx.fs, dir: ctx.dir, oid, cache: ctx.cache });
  const header: CommitHeader = Object.freeze({ tree: commit.tree, parent: Object.freeze([...commit.parent]) });
  if (known === undefined) remembered.set(ctx.cache, (known = new Map()));
  if (known.size >= MAX_COMMIT_HEADERS) {
    const oldest = known.keys().next().value;
    if (oldest !== undefined) known.delete(oldest);
  }
  known.set(oid, header);
  return header;
}

/** Forget what was read for this working copy (its object store is being repaired). */
export function forgetCommitHeaders(ctx: GitContext): void {
  remembered.delete(ctx.cache);
}
