/** What the daemon is built from (its own module so that the daemon's helpers can name it without an import cycle). */
import type { AppContext, ReconcileOptions, ReconcileResult } from '../app/app-context.js';
import type { CodeHostTarget } from '../config/code-host.js';
import type { DaemonSettings } from '../config/daemon-settings.js';
import type { RepoSettings } from '../config/repo-settings.js';
import type { InventoryOptions } from '../inventory/inventory.js';
import type { Inventory } from '../inventory/inventory-model.js';
import type { ChangeRequests } from '../ports/change-requests.js';
import type { Clock } from '../ports/clock.js';
import type { GitPort, GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';
import type { RegistryPort } from '../ports/registry.js';
import type { Workspace } from '../ports/workspace.js';
import type { RegistryStatsView } from './daemon-metrics.js';
import type { StreamSite } from './event-targets.js';
import type { RunScope } from './run-scope.js';
import type { Timers } from './run-queue.js';

export type ReconcileFn = (ctx: AppContext, options: ReconcileOptions, inventoryOptions?: InventoryOptions) => Promise<ReconcileResult>;

/** The registry client as the daemon uses it: stats for /metrics, newRun to forget per-run answers. */
export interface DaemonRegistry extends RegistryPort {
  stats?(): RegistryStatsView;
  newRun?(): void;
}

export interface Ticker {
  stop(): void;
}

export interface DaemonDeps {
  readonly settings: DaemonSettings;
  readonly git: GitPort;
  readonly workspaceFor: (dir: string) => Workspace;
  readonly loadRepoSettings: (workspace: Workspace) => Promise<RepoSettings>;
  /** The repository's ImageStreams (for mapping registry pushes to tags). */
  readonly listStreams: (workspace: Workspace, settings: RepoSettings, repo?: GitRepository) => Promise<Iterable<StreamSite>>;
  /**
   * The working copy's inventory, built as reconcile builds it (same options, index cache). When
   * given, a webhook run maps its hints with it and hands it to reconcile (one inventory per run)
   * instead of calling `listStreams`.
   */
  readonly readInventory?: ((workspace: Workspace, settings: RepoSettings, repo: GitRepository) => Promise<Inventory>) | undefined;
  readonly createRegistry: (settings: RepoSettings, log: Log) => DaemonRegistry;
  readonly reconcile: ReconcileFn;
  /** Passed to reconcile (the index cache of the working copy is used in any case). */
  readonly inventoryOptions?: InventoryOptions | undefined;
  readonly clock: Clock;
  readonly log: Log;
  readonly timers?: Timers | undefined;
  /** The Git host client for `--pull-request` (the token is the Git token). */
  readonly changeRequests?: ((target: CodeHostTarget, token: string) => ChangeRequests) | undefined;
  /** A token minted per run (GitHub App installation tokens, cached until near expiry) instead of a fixed one. */
  readonly gitToken?: (() => Promise<string>) | undefined;
  /** Calls `onTick` about once a second until stopped (node-cron in production). */
  readonly startTicker?: ((onTick: () => void) => Ticker) | undefined;
  /** Gives each run its id; the log named in `log` reads it (serve-main wires both). */
  readonly runScope?: RunScope | undefined;
}
