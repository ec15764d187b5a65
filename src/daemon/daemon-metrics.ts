/**
 * The daemon's counters and the `/metrics` page. Counters only grow (restarts reset them, as
 * Prometheus expects); registry request counts are read from the registry client's stats().
 */
import { renderPrometheus, type MetricFamily, type Sample } from './prometheus-text.js';

export type RunOutcome = 'success' | 'partial' | 'failure' | 'aborted';
export type ImportOutcome = 'moved' | 'failed';

/** Upper bounds (seconds) of the run-duration histogram. */
export const RUN_DURATION_BUCKETS: readonly number[] = Object.freeze([0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]);

export interface RegistryStatsView {
  readonly byStatus: Readonly<Record<string, number>>;
}

/** Mutable metric state owned by one daemon. */
export class DaemonMetrics {
  private readonly runs = new Map<RunOutcome, number>([['success', 0], ['partial', 0], ['failure', 0], ['aborted', 0]]);
  private readonly imports = new Map<ImportOutcome, number>([['moved', 0], ['failed', 0]]);
  private readonly buckets = RUN_DURATION_BUCKETS.map(() => 0);
  private durationCount = 0;
  private durationSum = 0;
  tagsMoved = 0;
  commitsPushed = 0;
  pushRetries = 0;
  webhooksReceived = 0;
  lastSuccessSeconds = 0;

  recordRun(outcome: RunOutcome, seconds: number, finishedAtSeconds: number): void {
    this.runs.set(outcome, (this.runs.get(outcome) ?? 0) + 1);
    this.durationCount += 1;
    this.durationSum += seconds;
    RUN_DURATION_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    });
    if (outcome === 'success' || outcome === 'partial') this.lastSuccessSeconds = finishedAtSeconds;
  }

  recordImports(outcome: ImportOutcome, count: number): void {
    this.imports.set(outcome, (this.imports.get(outcome) ?? 0) + count);
  }

  /** The exposition text; `registry` is the registry client's current stats, when there is one. */
  render(registry?: RegistryStatsView): string {
    const families: MetricFamily[] = [
      counter('tagstream_runs_total', 'Reconcile runs by result (success, partial: some tags failed, failure, aborted at shutdown).', [...this.runs].map(([result, value]) => ({ labels: { result }, value }))),
      {
        name: 'tagstream_run_duration_seconds',
        help: 'Duration of reconcile runs, fetch to push.',
        type: 'histogram',
        samples: [
          ...RUN_DURATION_BUCKETS.map((le, i) => ({ name: 'tagstream_run_duration_seconds_bucket', labels: { le: String(le) }, value: this.buckets[i] ?? 0 })),
          { name: 'tagstream_run_duration_seconds_bucket', labels: { le: '+Inf' }, value: this.durationCount },
          { name: 'tagstream_run_duration_seconds_sum', value: this.durationSum },
          { name: 'tagstream_run_duration_seconds_count', value: this.durationCount },
        ],
      },
      counter('tagstream_imports_total', 'Tag imports by result (moved: a new digest was recorded; failed).', [...this.imports].map(([result, value]) => ({ labels: { result }, value }))),
      counter('tagstream_tags_moved_total', 'Tags that moved to a new image.', [{ value: this.tagsMoved }]),
      counter('tagstream_commits_pushed_total', 'Commits pushed to the remote branch.', [{ value: this.commitsPushed }]),
      counter('tagstream_push_retries_total', 'Push attempts repeated because the branch moved.', [{ value: this.pushRetries }]),
      counter('tagstream_webhooks_total', 'Authenticated webhook requests accepted.', [{ value: this.webhooksReceived }]),
      counter(
        'tagstream_registry_requests_total',
        'Registry HTTP exchanges by status code ("network" for failed exchanges).',
        Object.entries(registry?.byStatus ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, value]) => ({ labels: { status }, value })),
      ),
      { name: 'tagstream_last_success_timestamp_seconds', help: 'Unix time of the last run or branch check that completed (0: none yet).', type: 'gauge', samples: [{ value: this.lastSuccessSeconds }] },
    ];
    return renderPrometheus(families);
  }
}

function counter(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: 'counter', samples };
}
