/**
 * What the application needs from Git: a working copy it can read history from, commit to and push
 * without ever force-pushing the tracked branch. Implemented by adapters/git (isomorphic-git).
 * Paths are repo-relative with POSIX separators. Timestamps are seconds since the epoch (UTC).
 */
import type { IndexCache } from './index-cache.js';
import type { ImageCreatedCache } from './image-created-cache.js';

/** A person in a commit. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/**
 * HTTPS credentials. `token` is sent as Basic `x-access-token:<token>` (GitHub App and personal
 * tokens) unless `username` is given too. Never stored in the remote URL, never logged.
 */
export type GitCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly token: string; readonly username?: string | undefined };

/** One commit as `log` reports it. */
export interface GitCommitInfo {
  readonly oid: string;
  /** Full message, including any trailers, with the trailing newline git stores. */
  readonly message: string;
  readonly parents: readonly string[];
  readonly author: GitIdentity & { readonly timestamp: number };
  readonly committerTimestamp: number;
}

/**
 * How a path differs between HEAD, the index and the working tree (a simplified `git status`):
 * `unmodified`, `modified` (work tree differs from HEAD), `added` (not in HEAD, present now),
 * `deleted` (in HEAD, absent now), `untracked` (not in HEAD nor index), `absent` (nowhere).
 */
export type GitFileStatus = 'unmodified' | 'modified' | 'added' | 'deleted' | 'untracked' | 'absent';

export interface GitCommitRequest {
  /** Repo-relative paths to stage as they are in the working tree; a missing file stages its deletion. */
  readonly files: readonly string[];
  readonly message: string;
  readonly author: GitIdentity;
  /** Defaults to the author. */
  readonly committer?: GitIdentity | undefined;
  /** Seconds since the epoch, UTC; makes the oid deterministic. Defaults to the adapter's clock. */
  readonly timestamp?: number | undefined;
}

export interface GitRemoteOptions {
  /** Remote name; default `origin`. */
  readonly remote?: string | undefined;
  /** Branch name (no `refs/heads/`); default the current branch. */
  readonly branch?: string | undefined;
  /** Overrides the credentials the repository was opened with. */
  readonly credentials?: GitCredentials | undefined;
}

export interface PushBranchOptions {
  readonly remote?: string | undefined;
  readonly credentials?: GitCredentials | undefined;
  /**
   * Allow replacing the branch's remote history. Only for branches the tool owns (pull-request
   * branches); refused for `main`, `master` and the remote's default branch (its HEAD). pushBranch
   * never pushes the checked-out branch: that goes through push().
   */
  readonly force?: boolean | undefined;
}

export interface GitLogOptions {
  /** Branch, ref or oid; default HEAD. */
  readonly ref?: string | undefined;
  /** Maximum number of commits; default all. */
  readonly depth?: number | undefined;
}

export interface RecoverOptions {
  /** Only remove lock files older than this (default 0: the caller knows no other git process runs). */
  readonly lockStaleAfterMs?: number | undefined;
}

export interface RecoverResult {
  /** Lock files removed, relative to the git directory. */
  readonly removedLocks: readonly string[];
  /** Tracked paths restored to HEAD in the index and the working tree. */
  readonly restoredPaths: readonly string[];
  /** Set when a resetBranch killed after its branch moved was completed (see repair()). */
  readonly finishedReset?: { readonly branch: string; readonly to: string } | undefined;
  /** Set when a remote-tracking ref an interrupted fetch had moved was put back (see repair()). */
  readonly revertedFetch?: { readonly ref: string; readonly to: string | undefined } | undefined;
}

export interface RepairOptions {
  /** Remote whose tracking head a damaged branch goes back to; default `origin`. */
  readonly remote?: string | undefined;
  /** Paths whose index entries go back to HEAD (a killed commit may have staged them). */
  readonly unstage?: readonly string[] | undefined;
}

/** What repair() found and fixed in the git directory. */
export interface RepairResult {
  /** Empty or temporary loose object files removed, relative to the git directory. */
  readonly removedObjects: readonly string[];
  /** Set when the branch head could not be read and was moved back to the remote-tracking head. */
  readonly resetBranch?: { readonly branch: string; readonly to: string } | undefined;
  /** Set when a resetBranch killed after its branch moved was completed (checkout, index). */
  readonly finishedReset?: { readonly branch: string; readonly to: string } | undefined;
  /**
   * Set when a fetch was killed after it moved the remote-tracking ref (isomorphic-git writes the
   * ref before the packfile): the ref was put back where it was (`to` undefined: removed).
   */
  readonly revertedFetch?: { readonly ref: string; readonly to: string | undefined } | undefined;
}

/** Tagstream's records in the git directory (see GitRepository.readJournal). */
export type JournalName = 'run' | 'uncommitted';

/** A record's text, whole or in pieces (concatenated in order). */
export type JournalText = string | Iterable<string>;

/** The whole text of a record given whole or in pieces. */
export function journalTextOf(text: JournalText): string {
  return typeof text === 'string' ? text : [...text].join('');
}

/** An open working copy. */
export interface GitRepository {
  /** Absolute working tree directory. */
  readonly dir: string;
  /** The checked-out branch name, or undefined on a detached HEAD. */
  currentBranch(): Promise<string | undefined>;
  /** Oid of HEAD. */
  headOid(): Promise<string>;
  /**
   * Fetch one branch; returns the remote head oid (undefined when the remote has no such branch).
   * Crash-safe: a fetch killed midway leaves the remote-tracking ref as it was (after repair()).
   */
  fetch(options?: GitRemoteOptions): Promise<string | undefined>;
  /** The remote-tracking head known locally (`refs/remotes/<remote>/<branch>`), without network. */
  remoteHeadOid(options?: Omit<GitRemoteOptions, 'credentials'>): Promise<string | undefined>;
  /** Status of the given paths, keyed by path. */
  status(paths: readonly string[]): Promise<Record<string, GitFileStatus>>;
  /**
   * Stage exactly `files` and commit on the current branch. Returns the new oid, or undefined when
   * the staged files equal HEAD (nothing to commit).
   */
  commit(request: GitCommitRequest): Promise<string | undefined>;
  /** Push the branch. Never forces: a non-fast-forward throws TagstreamError('PushRejected', retryable). */
  push(options?: GitRemoteOptions): Promise<void>;
  /**
   * Point the branch (default: the checked-out one) and the tracked files at `oid`, dropping local
   * commits and edits of tracked files (`git reset --hard`). The push-retry loop (app/push-with-retry.ts)
   * uses it to rebuild on a moved remote head. Crash-safe: a reset killed after the branch moved is
   * completed by the next repair()/recover(), one killed before it is forgotten.
   */
  resetBranch(oid: string, options?: { readonly branch?: string | undefined }): Promise<void>;
  /** Create or move `refs/heads/<name>` to `oid` locally and push it (pull-request mode). */
  pushBranch(name: string, oid: string, options?: PushBranchOptions): Promise<void>;
  /** Commits reachable from `ref`, newest first. */
  log(options?: GitLogOptions): Promise<GitCommitInfo[]>;
  /** File content at a commit, or undefined when the path does not exist there. */
  readFileAt(oid: string, path: string): Promise<Buffer | undefined>;
  /** Paths whose content or presence differs between two commits, sorted. */
  changedFiles(oidA: string, oidB: string): Promise<string[]>;
  /** Make the working copy usable after a crash: complete an interrupted resetBranch, drop stale locks, reset tracked files to HEAD. */
  recover(options?: RecoverOptions): Promise<RecoverResult>;
  /**
   * After a crash: drop temporaries and empty loose objects, move a branch whose head commit cannot
   * be read back to the remote-tracking head, put back a remote-tracking ref an interrupted fetch
   * moved, and complete a resetBranch the crash interrupted
   * (the only case that touches the working tree: its checkout is done again), then unstage
   * `unstage`.
   */
  repair(options?: RepairOptions): Promise<RepairResult>;
  /**
   * One of Tagstream's records kept in the git directory (never versioned); undefined when none.
   * `run` (default): the crash journal of an unfinished run; `uncommitted`: files Tagstream wrote
   * and left for a later commit.
   */
  readJournal(name?: JournalName): Promise<string | undefined>;
  /**
   * Replace (text) or remove (undefined) a record; written atomically and durably. Text given in
   * pieces is written piece by piece (a run journal holds the old text of every file it writes).
   */
  writeJournal(text: JournalText | undefined, name?: JournalName): Promise<void>;
  /** The persistent index cache kept in the git directory (one instance per repository object). */
  indexCache?(): Promise<IndexCache>;
  /** Git's index of the working copy as a witness of its files' blob ids, for one run (read on its first question). */
  indexWitness?(): Promise<IndexWitness>;
  /** The persistent image build-time cache kept in the git directory (one instance per repository object). */
  imageCreatedCache?(): Promise<ImageCreatedCache>;
  /**
   * Where a shallow clone's history is cut (`.git/shallow`, sorted); empty for a full clone. With the
   * head commit it names the history `log` walks, so a value computed from that history can be memoised.
   */
  shallowCommits?(): Promise<readonly string[]>;
}

export interface GitCloneOptions {
  /** Remote URL; userinfo in it is moved to credentials, never stored in `.git/config`. */
  readonly url: string;
  /** Target directory (created; must be empty or absent). */
  readonly dir: string;
  /** Branch to check out; default the remote's HEAD. */
  readonly branch?: string | undefined;
  readonly credentials?: GitCredentials | undefined;
  /** Shallow clone depth; default full history. */
  readonly depth?: number | undefined;
}

export interface GitOpenOptions {
  readonly credentials?: GitCredentials | undefined;
}

/** Entry point: open an existing working copy or clone one. */
export interface GitPort {
  open(dir: string, options?: GitOpenOptions): Promise<GitRepository>;
  clone(options: GitCloneOptions): Promise<GitRepository>;
}

/**
 * What Git's index says of the working copy's files: the blob id of a file whose stat data still
 * equals what its index entry recorded (and that is not racily clean), as `git status` concludes
 * without reading it. A fresh clone has such an entry for every file.
 */
export interface IndexWitness {
  /** The blob id `path` (repository-relative, POSIX) holds by Git's index; undefined: read the file to know (also when there is no index, or one that cannot be trusted). */
  blobId(path: string): string | undefined;
}
