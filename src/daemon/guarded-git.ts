/**
 * The working copy as the reconcile sees it during one daemon run: every write to Git (commit,
 * push) first checks the run's abort signal, so a shutdown that gives up on a run stops it before
 * anything reaches the remote. Push attempts are reported for the retry metric.
 */
import { TagstreamError } from '../errors.js';
import { isTagstreamError } from '../errors.js';
import type { GitRepository } from '../ports/git.js';

export interface GuardHooks {
  /** Called after each successful push with the attempts it took (pushes refused since the last success, plus one). */
  readonly onPushed?: ((attempts: number) => void) | undefined;
}

/** Thrown into the reconcile when the run is abandoned. */
function abortedError(): TagstreamError {
  return new TagstreamError('Internal', 'run abandoned: the daemon is shutting down; nothing was pushed');
}

/** `repo` with commit/push refused once `signal` is aborted. */
export function guardedGit(repo: GitRepository, signal: AbortSignal, hooks: GuardHooks = {}): GitRepository {
  const check = (): void => {
    if (signal.aborted) throw abortedError();
  };
  // pushes refused as non-fast-forward since the last one that went through (the retry metric)
  let refused = 0;
  return {
    dir: repo.dir,
    currentBranch: () => repo.currentBranch(),
    headOid: () => repo.headOid(),
    fetch: (o) => repo.fetch(o),
    remoteHeadOid: (o) => repo.remoteHeadOid(o),
    status: (p) => repo.status(p),
    async commit(request) {
      check();
      return repo.commit(request);
    },
    async push(o) {
      check();
      try {
        await repo.push(o);
      } catch (e) {
        if (isTagstreamError(e) && e.code === 'PushRejected') refused += 1;
        throw e;
      }
      hooks.onPushed?.(refused + 1);
      refused = 0;
    },
    async resetBranch(oid, o) {
      check();
      await repo.resetBranch(oid, o);
    },
    async pushBranch(name, oid, o) {
      check();
      return repo.pushBranch(name, oid, o);
    },
    log: (o) => repo.log(o),
    readFileAt: (oid, path) => repo.readFileAt(oid, path),
    changedFiles: (a, b) => repo.changedFiles(a, b),
    recover: (o) => repo.recover(o),
    repair: (o) => repo.repair(o),
    readJournal: (name) => repo.readJournal(name),
    writeJournal: (t, name) => repo.writeJournal(t, name),
    ...(repo.indexCache ? { indexCache: () => repo.indexCache!() } : {}),
    ...(repo.indexWitness ? { indexWitness: () => repo.indexWitness!() } : {}),
    ...(repo.imageCreatedCache ? { imageCreatedCache: () => repo.imageCreatedCache!() } : {}),
    // with both, reconcile reads the revert holds of an unchanged head from the index cache
    ...(repo.shallowCommits ? { shallowCommits: () => repo.shallowCommits!() } : {}),
  };
}
