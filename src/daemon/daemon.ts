/**
 * The daemon's core, without HTTP or signals: it owns the working copy, decides when runs are
 * due (scheduled interval, poll interval, webhooks), serializes them through a RunQueue and runs
 * each as fetch -> sync to the remote head -> reconcile (commit + push, same rules as
 * `reconcile --push`). Every collaborator is injected, reconcile included.
 */
import type { AppContext } from '../app/app-context.js';
import type { RepoSettings } from '../config/repo-settings.js';
import { MisconfigurationError, errorMessage } from '../errors.js';
import { failureText } from '../domain/change-set.js';
import type { GitRepository } from '../ports/git.js';
import { DaemonMetrics } from './daemon-metrics.js';
import { importKeysForHints, streamSites } from './event-targets.js';
import type { DaemonSettings } from '../config/daemon-settings.js';
import { guardedGit } from './guarded-git.js';
import type { RegistryHint } from './registry-events.js';
import { RunScope } from './run-scope.js';
import { RunQueue, type RunBatch, type RunRequest, type StopOutcome } from './run-queue.js';
import { prepareWorkingCopy, recloneDataDir, syncToRemote } from './working-copy.js';
import { proposeDaemonChanges } from './pull-requests.js';

export type { DaemonDeps, DaemonRegistry, ReconcileFn, Ticker } from './daemon-deps.js';
import type { DaemonDeps, DaemonRegistry, Ticker } from './daemon-deps.js';

const DEFAULT_SCOPE = new RunScope();

const MINUTE = 60_000;
const DEFAULT_SCHEDULED_INTERVAL = 15 * MINUTE;
const DEFAULT_POLL_INTERVAL = 5 * MINUTE;
/**
 * Triggers that ask for no import by themselves: a run made only of these is skipped when the
 * branch has not moved since the last reconcile and no pushed image maps to a stream tag.
 */
const HINT_ONLY_REASONS: ReadonlySet<string> = new Set(['poll', 'git-webhook', 'webhook']);

/** One long-running reconciler. */
export class Daemon {
  readonly metrics = new DaemonMetrics();
  private readonly queue: RunQueue;
  private repo: GitRepository | undefined;
  private repoSettings: RepoSettings | undefined;
  private registry: DaemonRegistry | undefined;
  private registryKey: string | undefined;
  /** Request counts of registry clients replaced after a settings change (counters never go down). */
  private readonly retiredRegistryStats: { byStatus: Record<string, number>; byHost: Record<string, Record<string, number>> } = { byStatus: {}, byHost: {} };
  private lastReconciledHead: string | undefined;
  /**
   * The head the last direct (not pull-request) reconcile left: its files are as a reconcile writes
   * them, so a registry webhook on it plans only the streams the push moves (ReconcileOptions.scope).
   */
  private directRunHead: string | undefined;
  /**
   * A run may have left files it wrote but did not commit (it failed, was abandoned, or proposed pull
   * requests): the next run puts tracked files back first. After a clean run there is nothing to put
   * back, so an idle poll reads no file (the status walk over every tracked file is skipped).
   */
  private workingCopyDirty = false;
  /** The last reconcile failed every tag: skipping an unchanged branch is then no success either. */
  private lastRunAllFailed = false;
  /** --branch, else the branch the working copy has checked out (known after the first run starts). */
  private followedBranch: string | undefined;
  private lastScheduledAt: number | undefined;
  private lastPollAt: number | undefined;
  private ticker: Ticker | undefined;
  private readyFlag = false;
  /** Set when a run failed in a way no retry can fix (see runUnlessMisconfigured). */
  private misconfiguration: string | undefined;
  private stoppingFlag = false;

  constructor(private readonly deps: DaemonDeps) {
    this.queue = new RunQueue({
      run: (batch, signal) => (this.deps.runScope ?? DEFAULT_SCOPE).run(() => this.runUnlessMisconfigured(batch, signal)),
      debounceMs: deps.settings.debounce,
      backoff: { initialMs: deps.settings.backoffInitial, maxMs: deps.settings.backoffMax },
      timers: deps.timers,
      onFailure: (e, failures, delay) => deps.log.error('run failed; retrying', { error: errorMessage(e), failures, retryInMs: delay }),
    });
  }

  /** True after the first successful fetch, unless the settings turned out not to work. */
  get ready(): boolean {
    return this.readyFlag && this.misconfiguration === undefined;
  }

  /** Why /readyz answers 503 (when not ready and not stopping). */
  get notReadyReason(): string {
    return this.misconfiguration === undefined
      ? 'the first fetch has not succeeded yet'
      : `misconfigured, not retrying (fix the settings and restart): ${this.misconfiguration}`;
  }

  /**
   * One run, unless an earlier one found the settings unusable (#12.11): a missing remote or
   * branch, or a remote URL Tagstream cannot speak, fails the same way every time, so it is
   * logged once, /readyz turns 503, and no run is retried or started again.
   */
  private async runUnlessMisconfigured(batch: RunBatch, signal: AbortSignal): Promise<void> {
    if (this.misconfiguration !== undefined) return;
    try {
      await this.runOnce(batch, signal);
    } catch (e) {
      if (!(e instanceof MisconfigurationError)) throw e;
      this.misconfiguration = errorMessage(e);
      this.deps.log.error('permanent misconfiguration: not retrying; fix the settings and restart', { error: this.misconfiguration });
    }
  }

  get stopping(): boolean {
    return this.stoppingFlag;
  }

  get scheduledInterval(): number {
    return this.deps.settings.scheduledInterval ?? this.repoSettings?.scheduledImportInterval ?? DEFAULT_SCHEDULED_INTERVAL;
  }

  get pollInterval(): number {
    return this.deps.settings.pollInterval ?? this.repoSettings?.pollInterval ?? DEFAULT_POLL_INTERVAL;
  }

  /** Begin: first run now (scheduled tags due), then the ticker. */
  start(): void {
    const now = this.deps.clock.now().getTime();
    this.lastScheduledAt = now;
    this.lastPollAt = now;
    this.queue.request({ reason: 'startup', scheduledDue: true });
    this.ticker = this.deps.startTicker?.(() => this.tick());
  }

  /** Look at the clock: request a scheduled run and/or a poll when their interval has passed. */
  tick(): void {
    if (this.stoppingFlag) return;
    const now = this.deps.clock.now().getTime();
    if (this.lastScheduledAt !== undefined && now - this.lastScheduledAt >= this.scheduledInterval) {
      this.lastScheduledAt = now;
      this.lastPollAt = now; // a scheduled run fetches too
      this.queue.request({ reason: 'schedule', scheduledDue: true });
    } else if (this.lastPollAt !== undefined && now - this.lastPollAt >= this.pollInterval) {
      this.lastPollAt = now;
      this.queue.request({ reason: 'poll' });
    }
  }

  /** A registry said these repository:tags were pushed. Returns false when shutting down. */
  registryPushed(hints: readonly RegistryHint[]): boolean {
    if (hints.length === 0) return !this.stoppingFlag;
    return this.queue.request({ reason: 'webhook', hints });
  }

  /** The Git host said a branch moved; pushes to other branches than the followed one are ignored. */
  gitPushed(ref?: string | undefined): boolean {
    if (this.stoppingFlag) return false;
    const branch = this.deps.settings.branch ?? this.followedBranch;
    if (ref !== undefined && branch !== undefined && ref.startsWith('refs/') && ref !== `refs/heads/${branch}`) {
      this.deps.log.debug('git webhook for another ref; ignored', { ref });
      return true;
    }
    return this.queue.request({ reason: 'git-webhook' });
  }

  request(req: RunRequest): boolean {
    return this.queue.request(req);
  }

  /** Resolves when no run is running or pending (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Prometheus text. */
  metricsText(): Promise<string> {
    const current = this.registry?.stats?.();
    return this.metrics.render({
      byStatus: addCounts(this.retiredRegistryStats.byStatus, current?.byStatus ?? {}),
      byHost: Object.fromEntries(
        [...new Set([...Object.keys(this.retiredRegistryStats.byHost), ...Object.keys(current?.byHost ?? {})])].map((host) => [
          host,
          addCounts(this.retiredRegistryStats.byHost[host] ?? {}, current?.byHost?.[host] ?? {}),
        ]),
      ),
      rateLimits: current?.rateLimits,
    });
  }

  /** Stop the ticker, drop pending work, give the current run `graceMs`, then abandon it before push. */
  async stop(graceMs: number): Promise<StopOutcome> {
    this.stoppingFlag = true;
    this.ticker?.stop();
    this.ticker = undefined;
    const outcome = await this.queue.stop(graceMs);
    this.deps.log.info('stopped', { outcome });
    return outcome;
  }

  private async ensureRepo(settings: DaemonSettings): Promise<GitRepository> {
    this.repo ??= await prepareWorkingCopy(this.deps.git, settings, this.deps.log);
    return this.repo;
  }

  /** The settings of one run: with a GitHub App, a fresh installation token as the Git credentials. */
  private async runSettings(): Promise<DaemonSettings> {
    const token = await this.deps.gitToken?.();
    return token === undefined ? this.deps.settings : { ...this.deps.settings, gitCredentials: { token } };
  }

  /** The registry client, kept across runs (tokens, endpoints) until the settings it depends on change. */
  private registryClient(settings: RepoSettings): DaemonRegistry {
    const key = JSON.stringify([settings.platform, settings.registries]);
    if (this.registry === undefined || this.registryKey !== key) {
      const retired = this.registry?.stats?.();
      if (retired !== undefined) {
        this.retiredRegistryStats.byStatus = addCounts(this.retiredRegistryStats.byStatus, retired.byStatus);
        for (const [host, counts] of Object.entries(retired.byHost ?? {})) this.retiredRegistryStats.byHost[host] = addCounts(this.retiredRegistryStats.byHost[host] ?? {}, counts);
      }
      this.registry = this.deps.createRegistry(settings, this.deps.log);
      this.registryKey = key;
    }
    this.registry.newRun?.();
    return this.registry;
  }

  /** One run. Throws to have the queue retry with backoff. */
  private async runOnce(batch: RunBatch, signal: AbortSignal): Promise<void> {
    const { log, clock } = this.deps;
    const started = clock.now().getTime();
    log.debug('run started', { reasons: batch.reasons, importNow: batch.importNow, scheduledDue: batch.scheduledDue, pushes: batch.hints.length });
    try {
      const opening = this.repo === undefined;
      const settings = await this.runSettings();
      let repo = await this.ensureRepo(settings);
      this.followedBranch ??= settings.branch ?? (await repo.currentBranch());
      // Files a failed or abandoned run wrote but did not commit would hide those changes from the
      // next plan: put tracked files back to HEAD first (prepareWorkingCopy just did for a copy
      // opened by this run; recovery reads the status of every tracked file, so only after such a run).
      if (!opening && this.workingCopyDirty) {
        const recovered = await repo.recover();
        if (recovered.restoredPaths.length > 0) log.warn('reset files left by an unfinished run', { paths: recovered.restoredPaths });
      }
      const dataDirClone = settings.repoDir === undefined;
      const synced = await syncToRemote(repo, {
        remote: settings.remote,
        branch: settings.branch,
        reclone: dataDirClone ? () => recloneDataDir(this.deps.git, settings, log) : undefined,
        credentials: this.deps.gitToken ? settings.gitCredentials : undefined,
      });
      repo = this.repo = synced.repo;
      this.readyFlag = true;
      if (synced.outcome !== 'up-to-date') log.info('working copy moved to the remote head', { head: synced.head, how: synced.outcome });
      const unchanged = synced.head === this.lastReconciledHead && batch.importNow.length === 0 && batch.reasons.every((r) => HINT_ONLY_REASONS.has(r));
      if (unchanged && batch.hints.length === 0) {
        log.debug('branch unchanged; nothing to do', { head: synced.head });
        if (!this.lastRunAllFailed) this.metrics.lastSuccessSeconds = Math.floor(clock.now().getTime() / 1000);
        return;
      }
      this.workingCopyDirty = false;
      if (signal.aborted) throw signal.reason;

      const workspace = this.deps.workspaceFor(repo.dir);
      const repoSettings = await this.deps.loadRepoSettings(workspace);
      this.repoSettings = repoSettings;
      // One inventory per run: the one that maps the hints is the one reconcile plans with.
      const inventory = batch.hints.length > 0 && this.deps.readInventory ? await this.deps.readInventory(workspace, repoSettings, repo) : undefined;
      const streams = inventory ? streamSites(inventory) : batch.hints.length > 0 ? await this.deps.listStreams(workspace, repoSettings, repo) : [];
      const importNow = [...new Set([...batch.importNow, ...importKeysForHints(streams, batch.hints, repoSettings.registries.mirrors)])].sort();
      if (batch.hints.length > 0 && importNow.length === batch.importNow.length) {
        log.info('no ImageStream tag follows the pushed images', { pushed: batch.hints.map((h) => `${h.registry ?? ''}/${h.repository}:${h.tag}`) });
        if (unchanged) {
          if (!this.lastRunAllFailed) this.metrics.lastSuccessSeconds = Math.floor(clock.now().getTime() / 1000);
          return;
        }
      }

      const git = guardedGit(repo, signal, {
        onPushed: (attempts) => {
          this.metrics.pushRetries += Math.max(0, attempts - 1);
        },
      });
      const author = { name: repoSettings.git.authorName, email: repoSettings.git.authorEmail };
      // On the head the last direct run left, only what the push moves can change (scheduled
      // imports and a moved branch plan everything; a pull-request daemon proposes, never scopes).
      const scope = unchanged && !batch.scheduledDue && !settings.pullRequest && synced.head === this.directRunHead ? new Set(importNow.map(streamOfTagKey)) : undefined;
      this.directRunHead = undefined;
      // From here on the run may write files; only a reconcile that ends normally leaves none behind.
      this.workingCopyDirty = true;
      const ctx: AppContext = { workspace, settings: repoSettings, registry: this.registryClient(repoSettings), clock, log, git };
      if (settings.pullRequest) {
        const proposed = await proposeDaemonChanges({ ...this.deps, settings }, ctx, repo, { importNow, scheduledDue: batch.scheduledDue, author, base: this.followedBranch });
        this.lastReconciledHead = await repo.headOid();
        const finished = clock.now().getTime();
        this.metrics.tagsMoved += proposed.changeSet.moves.length;
        this.metrics.recordImports('moved', proposed.changeSet.moves.length);
        this.metrics.recordImports('failed', proposed.changeSet.failures.length);
        this.metrics.recordRun(proposed.exitCode === 0 ? 'success' : 'partial', (finished - started) / 1000, Math.floor(finished / 1000));
        log.info('run finished', {
          reasons: batch.reasons,
          importNow,
          moved: proposed.changeSet.moves.map((m) => `${m.stream}:${m.tag}`),
          failed: proposed.changeSet.failures.map((f) => `${f.stream}:${f.tag}: ${failureText(f)}`),
          pullRequests: proposed.pullRequests.map((p) => `${p.action} #${p.number} ${p.branch}`),
          durationMs: finished - started,
        });
        return;
      }
      const result = await this.deps.reconcile(ctx, {
        commit: { author },
        push: { remote: settings.remote, branch: settings.branch, credentials: settings.gitCredentials, attempts: settings.pushAttempts },
        importNow,
        scheduledDue: batch.scheduledDue,
        inventory,
        scope,
        // nobody reads the report of files left out of the commit here; it costs a status of every file
        workingTreeReport: false,
      }, this.deps.inventoryOptions);
      this.lastReconciledHead = this.directRunHead = await repo.headOid();
      this.workingCopyDirty = false;
      const cs = result.changeSet;
      this.metrics.tagsMoved += cs.moves.length;
      this.metrics.recordImports('moved', cs.moves.length);
      this.metrics.recordImports('failed', cs.failures.length);
      if (result.pushed && result.commit !== undefined) this.metrics.commitsPushed += 1;
      const finished = clock.now().getTime();
      // Every tag failed (a registry down, credentials gone): not a success, whatever else happened.
      const allFailed = cs.failures.length > 0 && cs.failures.length >= (result.tagsAttempted ?? 0);
      this.lastRunAllFailed = allFailed;
      this.metrics.recordRun(allFailed ? 'failure' : result.exitCode === 0 ? 'success' : 'partial', (finished - started) / 1000, Math.floor(finished / 1000));
      for (const h of cs.held) {
        log.info('tag held', {
          tag: `${h.stream}:${h.tag}`,
          image: h.image,
          reason: h.reason,
          heldBy: h.heldBy,
          why: h.reason === 'reverted' ? `Tagstream's move to this image was reverted in ${h.heldBy}; the tag stays put until the registry serves another image` : `the pull request ${h.heldBy} proposing this image was closed unmerged; the tag stays put until the registry serves another image`,
        });
      }
      log.info('run finished', {
        reasons: batch.reasons,
        importNow,
        scheduledDue: batch.scheduledDue,
        ...(scope ? { scoped: [...scope] } : {}),
        moved: cs.moves.map((m) => `${m.stream}:${m.tag}`),
        failed: cs.failures.map((f) => `${f.stream}:${f.tag}: ${failureText(f)}`),
        held: cs.held.map((h) => `${h.stream}:${h.tag}`),
        targets: cs.targets.map((t) => `${t.file}:${t.line} ${t.field} <- ${t.trigger}`),
        commit: result.commit,
        pushed: result.pushed,
        durationMs: finished - started,
      });
    } catch (e) {
      const finished = clock.now().getTime();
      this.metrics.recordRun(signal.aborted ? 'aborted' : 'failure', (finished - started) / 1000, Math.floor(finished / 1000));
      if (signal.aborted) {
        log.warn('run abandoned at shutdown; nothing was pushed', { reasons: batch.reasons, error: errorMessage(e) });
        return;
      }
      throw e;
    }
  }
}

/** `namespace/stream` of a `namespace/stream:tag` key. */
function streamOfTagKey(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

