/**
 * The daemon's working copy: cloned into the data directory (or an existing clone), recovered at
 * start (a previous process may have died mid-run), and brought to the remote head before each
 * run so that spec changes pushed by people are seen.
 */
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MisconfigurationError, TagstreamError } from '../errors.js';
import type { DaemonSettings } from '../config/daemon-settings.js';
import type { GitCredentials, GitPort, GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';

/** Open or clone the working copy and make it usable (stale locks, half-written files). */
export async function prepareWorkingCopy(git: GitPort, settings: DaemonSettings, log: Log): Promise<GitRepository> {
  const credentials = settings.gitCredentials;
  let repo: GitRepository;
  if (settings.repoDir !== undefined) {
    repo = await git.open(settings.repoDir, { credentials });
  } else {
    const dir = resolve(settings.dataDir as string);
    if (await exists(join(dir, '.git'))) {
      repo = await git.open(dir, { credentials });
    } else {
      log.info('cloning the repository into the data directory', { dir, url: settings.repoUrl, branch: settings.branch });
      repo = await git.clone({ url: settings.repoUrl as string, dir, branch: settings.branch, credentials });
    }
  }
  const recovered = await repo.recover();
  if (recovered.removedLocks.length > 0 || recovered.restoredPaths.length > 0) {
    log.warn('recovered the working copy after an interrupted run', { removedLocks: recovered.removedLocks, restoredPaths: recovered.restoredPaths });
  }
  return repo;
}

/** How far back ancestry is looked for; beyond it the copy is treated as diverged (reset). */
const HISTORY_DEPTH = 1000;

export type SyncOutcome = 'up-to-date' | 'fast-forwarded' | 'reset' | 'recloned' | 'ahead' | 'diverged';

/**
 * Fetch `branch` and bring the working copy to the remote head: a copy behind (or diverged from)
 * the remote is reset to the fetched head.
 * In the daemon's own data directory (`reclone` given) local commits can only come from a run
 * that died or failed between commit and push: they are dropped (diverged: reset; ahead: the
 * clone is made again) and the next reconcile plans afresh. In a user's --repo directory, local
 * commits are left for the reconcile to push or replay, as `reconcile --push` does.
 */
export async function syncToRemote(
  repo: GitRepository,
  options: {
    readonly remote: string;
    readonly branch: string | undefined;
    readonly reclone?: (() => Promise<GitRepository>) | undefined;
    /** Fresh credentials for this run (GitHub App installation tokens expire); default: the copy's own. */
    readonly credentials?: GitCredentials | undefined;
  },
): Promise<{ repo: GitRepository; head: string; outcome: SyncOutcome }> {
  const remoteOptions = { remote: options.remote, branch: options.branch, credentials: options.credentials };
  const remoteHead = await repo.fetch(remoteOptions);
  if (remoteHead === undefined) {
    const what = `fetch ${options.branch ?? 'HEAD'} from ${options.remote}: the remote has no such branch`;
    // a branch named in the settings that does not exist is a mistake to fix, not to retry
    throw options.branch === undefined ? new TagstreamError('Git', what) : new MisconfigurationError(what);
  }
  const local = await repo.headOid();
  if (local === remoteHead) return { repo, head: remoteHead, outcome: 'up-to-date' };
  const owned = options.reclone !== undefined;
  const localHistory = await repo.log({ ref: local, depth: HISTORY_DEPTH });
  if (localHistory.some((c) => c.oid === remoteHead)) {
    if (!owned) return { repo, head: remoteHead, outcome: 'ahead' };
    const fresh = await (options.reclone as () => Promise<GitRepository>)();
    return { repo: fresh, head: await fresh.headOid(), outcome: 'recloned' };
  }
  const remoteHistory = await repo.log({ ref: remoteHead, depth: HISTORY_DEPTH });
  const behind = remoteHistory.some((c) => c.oid === local);
  if (!behind && !owned) return { repo, head: remoteHead, outcome: 'diverged' };
  await repo.resetBranch(remoteHead, { branch: options.branch });
  const head = await repo.headOid();
  if (head !== remoteHead) {
    throw new TagstreamError('Git', `${repo.dir}: could not move the working copy to ${options.remote}/${options.branch ?? 'HEAD'} (${remoteHead.slice(0, 12)})`);
  }
  return { repo, head: remoteHead, outcome: behind ? 'fast-forwarded' : 'reset' };
}

/** Remove the data-directory clone and clone again (only ever the daemon's own directory). */
export async function recloneDataDir(git: GitPort, settings: DaemonSettings, log: Log): Promise<GitRepository> {
  const dir = resolve(settings.dataDir as string);
  log.warn('discarding unpushed local commits: cloning the data directory again', { dir });
  await rm(dir, { recursive: true, force: true });
  return git.clone({ url: settings.repoUrl as string, dir, branch: settings.branch, credentials: settings.gitCredentials });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
