/**
 * The collaborators every use case receives (STYLE habit 3: injected, no singletons): the one
 * context type of the app layer; a use case that needs less takes a Pick of it. Also the
 * contract of the main use case, `reconcile`, which the CLI, the daemon and the Action all call.
 */
import type { ChangeSet } from '../domain/change-set.js';
import type { RepoSettings } from '../config/repo-settings.js';
import type { Clock } from '../ports/clock.js';
import type { GitCredentials, GitIdentity, GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';
import type { RegistryPort } from '../ports/registry.js';
import type { Workspace } from '../ports/workspace.js';
import type { WorkingTreeReport } from './uncommitted-writes.js';
import type { Inventory } from '../inventory/inventory-model.js';

export interface AppContext {
  readonly workspace: Workspace;
  readonly settings: RepoSettings;
  readonly registry: RegistryPort;
  readonly clock: Clock;
  readonly log: Log;
  /** The working copy, when the directory is a Git repository (needed for commit/push and revert awareness). */
  readonly git?: GitRepository | undefined;
  /** Told before each slow step a person waits for (the CLI shows it on a terminal only). */
  readonly progress?: ((message: string) => void) | undefined;
}

export interface ReconcileOptions {
  /** Compute and return the plan; write nothing. */
  readonly dryRun?: boolean | undefined;
  /** Commit the changed files (needs `git`). */
  readonly commit?: { readonly author: GitIdentity; readonly committer?: GitIdentity | undefined } | undefined;
  /** Push after committing; a non-fast-forward re-runs the reconcile on the new head (bounded), never forces. */
  readonly push?:
    | {
        readonly remote?: string | undefined;
        readonly branch?: string | undefined;
        readonly credentials?: GitCredentials | undefined;
        readonly attempts?: number | undefined;
      }
    | undefined;
  /** Tags to import regardless of schedule (daemon webhooks): `namespace/stream:tag`. */
  readonly importNow?: readonly string[] | undefined;
  /** Whether importPolicy.scheduled tags are due in this run (default true for a one-shot reconcile). */
  readonly scheduledDue?: boolean | undefined;
  /** Extra digests to hold per `namespace/stream:tag` (e.g. proposed in a PR a human closed). */
  readonly extraHolds?: ReadonlyMap<string, { readonly image: string; readonly heldBy: string }[]> | undefined;
  /** Keep only some moves (one PR per stream:tag in the Action). */
  readonly onlyMoves?: ((stream: string, tag: string) => boolean) | undefined;
  /**
   * Fill in each move's `imageCreated` (one manifest + one config GET per moved digest) for output
   * that shows it: pull-request bodies, the Action's summary and `plan` output, `-o json`. Off by
   * default: a commit message or a text plan does not show it, so those runs make no such GET.
   */
  readonly imageCreated?: boolean | undefined;
  /**
   * The inventory of the working copy as it is now, when the caller already built it (the daemon,
   * to map a registry webhook to stream tags): the first planning pass uses it instead of reading
   * every file again. Ignored after an interrupted run was finished (files were put back) and for
   * the passes after a push retry (the branch moved).
   */
  readonly inventory?: Inventory | undefined;
  /**
   * Write only for the streams that change in this pass: these (`namespace/name`, the streams a
   * registry push moves) and any with hand edits or imports due (every stream is still settled and
   * asked what is due). Their files are compared, and only the workloads whose triggers or image
   * names mention them are planned; update targets always are. For a caller that knows every other
   * file is as a reconcile left it: the daemon, on a registry webhook at the head its last finished
   * run left. There the result is the whole plan's, at the cost of what the push touches.
   * Like `inventory`, the first planning pass only (a push retry plans the moved branch whole).
   */
  readonly scope?: ReadonlySet<string> | undefined;
  /**
   * With `commit`: report the changed files the commit leaves out (`workingTree`; a status of every
   * managed file). Default true; the daemon, which shows no such report, turns it off.
   */
  readonly workingTreeReport?: boolean | undefined;
}

export interface ReconcileResult {
  readonly changeSet: ChangeSet;
  /** Commit made by this run (after retries, the one that landed). */
  readonly commit?: string | undefined;
  readonly pushed: boolean;
  /** 0: success (changed or not); 1: some objects or tags failed, the rest applied. */
  readonly exitCode: 0 | 1;
  /** Tags the last planning pass asked the registries about; with as many failures the run achieved nothing. */
  readonly tagsAttempted?: number | undefined;
  /** With `commit`: Tagstream's earlier writes the commit includes, and changed files it leaves out. */
  readonly workingTree?: WorkingTreeReport | undefined;
}
