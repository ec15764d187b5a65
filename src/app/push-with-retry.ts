/**
 * The push-retry loop of a writing use case: push; when the remote refuses a non-fast-forward
 * (someone pushed first), fetch, move the branch and the tracked files to the new remote head,
 * let the use case redo its change on that head (replay local commits, plan again, commit), and
 * push again, a bounded number of times. Never forces. The Git adapter only pushes, fetches and
 * resets; deciding to retry and what to rebuild is the use case's.
 */
import { TagstreamError, isTagstreamError } from '../errors.js';
import type { GitRemoteOptions, GitRepository } from '../ports/git.js';

const DEFAULT_REMOTE = 'origin';

/** What the caller's rebuild step did on the fresh remote head. */
export type RebuildOutcome = 'committed' | 'nothing-to-commit';

export interface PushWithRetryOptions extends GitRemoteOptions {
  /** Total push attempts, at least 1 (the first push counts). */
  readonly attempts: number;
  /**
   * Called after a non-fast-forward once the local branch and the tracked files were moved to the
   * remote head: re-run the change on that head and commit it again (or report nothing to do).
   */
  readonly rebuild: (context: { readonly head: string; readonly attempt: number }) => Promise<RebuildOutcome>;
}

export interface PushWithRetryResult {
  /** `pushed`: the local commit is on the remote; `nothing-to-commit`: a rebuild found nothing left to do. */
  readonly outcome: 'pushed' | 'nothing-to-commit';
  /** The local branch head afterwards (the remote's too when pushed). */
  readonly head: string;
  /** Pushes tried (1 = first push succeeded). */
  readonly attempts: number;
}

/** Push `git`'s branch; on a rejected non-fast-forward reset to the remote head, rebuild, push again. */
export async function pushWithRetry(git: GitRepository, options: PushWithRetryOptions): Promise<PushWithRetryResult> {
  const remote = options.remote ?? DEFAULT_REMOTE;
  const branch = options.branch ?? (await git.currentBranch());
  if (!branch) throw new TagstreamError('Git', `${git.dir}: HEAD is detached; name the branch to use`);
  const attempts = Math.max(1, Math.floor(options.attempts));
  const remoteOptions = { remote, branch, credentials: options.credentials };
  for (let attempt = 1; ; attempt++) {
    try {
      await git.push(remoteOptions);
      return { outcome: 'pushed', head: await git.headOid(), attempts: attempt };
    } catch (e) {
      if (!isTagstreamError(e) || e.code !== 'PushRejected' || !e.retryable) throw e;
      if (attempt >= attempts) {
        throw new TagstreamError('PushRejected', `push ${branch} to ${remote}: still rejected after ${attempts} attempt(s); the branch keeps moving`, {
          retryable: true,
          cause: e,
        });
      }
    }
    const head = await git.fetch(remoteOptions);
    if (head === undefined) throw new TagstreamError('Git', `push ${branch} to ${remote}: the remote branch disappeared while retrying`);
    await git.resetBranch(head, { branch });
    const outcome = await options.rebuild({ head, attempt });
    if (outcome === 'nothing-to-commit') return { outcome, head, attempts: attempt };
  }
}
