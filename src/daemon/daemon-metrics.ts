/**
 * The daemon's metrics and the `/metrics` page, on prom-client: the standard process and Node.js
 * metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, ...) plus Tagstream's own.
 * Counters only grow (restarts reset them, as Prometheus expects). Registry request counts are read
 * at scrape time from the registry client's stats, labelled by registry host; the number of host
 * label values is bounded (the registry client folds hosts past its limit into `other`).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type RunOutcome = 'success' | 'partial' | 'failure' | 'aborted';
export type ImportOutcome = 'moved' | 'failed';

/** Upper bounds (seconds) of the run-duration histogram. */
export const RUN_DURATION_BUCKETS: readonly number[] = Object.freeze([0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]);

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** What the registry client reports, summed over the clients the daemon has used. */
export interface RegistryStatsView {
  /** Responses by HTTP status, `network` for failed exchanges. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** The same by registry host (`host[:port]`, or `other` past the client's host limit). */
  readonly byHost?: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined;
  /** Pull quota reported by registries that send `ratelimit-remaining` (Docker Hub). */
  readonly rateLimits?: Readonly<Record<string, { readonly remaining: number; readonly limit: number | undefined }>> | undefined;
}

/** Mutable metric state owned by one daemon. */
export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'result'>;
  private readonly imports: Counter<'result'>;
  private readonly duration: Histogram;
  private registryView: RegistryStatsView = { byStatus: {} };
  tagsMoved = 0;
  commitsPushed = 0;
  pushRetries = 0;
  webhooksReceived = 0;
  lastSuccessSeconds = 0;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.runs = new Counter({ name: 'tagstream_runs_total', help: 'Reconcile runs by result (success, partial: some tags failed, failure, aborted at shutdown).', labelNames: ['result'], registers });
    for (const result of ['success', 'partial', 'failure', 'aborted'] as const) this.runs.inc({ result }, 0);
    this.duration = new Histogram({ name: 'tagstream_run_duration_seconds', help: 'Duration of reconcile runs, fetch to push.', buckets: [...RUN_DURATION_BUCKETS], registers });
    this.imports = new Counter({ name: 'tagstream_imports_total', help: 'Tag imports by result (moved: a new digest was recorded; failed).', labelNames: ['result'], registers });
    for (const result of ['moved', 'failed'] as const) this.imports.inc({ result }, 0);
    // prom-client calls collect() with the metric as `this`; the daemon's state is read through `state`.
    const state = (): this => this;
    const scalar = (name: string, help: string, read: () => number, type: 'counter' | 'gauge' = 'counter') => {
      const Metric = type === 'counter' ? Counter : Gauge;
      new Metric({
        name,
        help,
        registers,
        collect(this: Counter | Gauge) {
          this.reset();
          if (this instanceof Counter) this.inc(read());
          else this.set(read());
        },
      });
    };
    scalar('tagstream_tags_moved_total', 'Tags that moved to a new image.', () => state().tagsMoved);
    scalar('tagstream_commits_pushed_total', 'Commits pushed to the remote branch.', () => state().commitsPushed);
    scalar('tagstream_push_retries_total', 'Push attempts repeated because the branch moved.', () => state().pushRetries);
    scalar('tagstream_webhooks_total', 'Authenticated webhook requests accepted.', () => state().webhooksReceived);
    new Counter({
      name: 'tagstream_registry_requests_total',
      help: 'Registry HTTP exchanges by status code ("network" for failed exchanges).',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(state().registryView.byStatus)) this.inc({ status }, n);
      },
    });
    new Counter({
      name: 'tagstream_registry_host_requests_total',
      help: 'Registry HTTP exchanges by registry host and status code (hosts past the limit count as "other").',
      labelNames: ['registry', 'status'],
      registers,
      collect() {
        this.reset();
        for (const [registry, statuses] of Object.entries(state().registryView.byHost ?? {})) {
          for (const [status, n] of Object.entries(statuses)) this.inc({ registry, status }, n);
        }
      },
    });
    new Gauge({
      name: 'tagstream_registry_ratelimit_remaining',
      help: 'Pulls left in the current window as the registry last reported them (ratelimit-remaining; Docker Hub).',
      labelNames: ['registry'],
      registers,
      collect() {
        this.reset();
        for (const [registry, q] of Object.entries(state().registryView.rateLimits ?? {})) this.set({ registry }, q.remaining);
      },
    });
    new Gauge({
      name: 'tagstream_registry_ratelimit_limit',
      help: 'Pulls allowed per window as the registry last reported them (ratelimit-limit; Docker Hub).',
      labelNames: ['registry'],
      registers,
      collect() {
        this.reset();
        for (const [registry, q] of Object.entries(state().registryView.rateLimits ?? {})) if (q.limit !== undefined) this.set({ registry }, q.limit);
      },
    });
    scalar('tagstream_last_success_timestamp_seconds', 'Unix time of the last run or branch check that completed (0: none yet).', () => state().lastSuccessSeconds, 'gauge');
  }

  recordRun(outcome: RunOutcome, seconds: number, finishedAtSeconds: number): void {
    this.runs.inc({ result: outcome });
    this.duration.observe(seconds);
    if (outcome === 'success' || outcome === 'partial') this.lastSuccessSeconds = finishedAtSeconds;
  }

  recordImports(outcome: ImportOutcome, count: number): void {
    this.imports.inc({ result: outcome }, count);
  }

  /** The exposition text; `registry` is the registry client's current stats, when there is one. */
  async render(registry?: RegistryStatsView): Promise<string> {
    this.registryView = registry ?? { byStatus: {} };
    return this.registry.metrics();
  }
}
