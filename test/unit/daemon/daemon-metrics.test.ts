import { describe, expect, it } from 'vitest';
import { DaemonMetrics, RUN_DURATION_BUCKETS } from '../../../src/daemon/daemon-metrics.js';
import { parsePrometheusText } from './prometheus-parse.js';

const REQUIRED = [
  ['tagstream_runs_total', 'counter'],
  ['tagstream_run_duration_seconds', 'histogram'],
  ['tagstream_imports_total', 'counter'],
  ['tagstream_tags_moved_total', 'counter'],
  ['tagstream_commits_pushed_total', 'counter'],
  ['tagstream_push_retries_total', 'counter'],
  ['tagstream_registry_requests_total', 'counter'],
  ['tagstream_last_success_timestamp_seconds', 'gauge'],
] as const;

describe('DaemonMetrics', () => {
  it('renders every required family with HELP and TYPE, parseable line by line', async () => {
    const families = parsePrometheusText(await new DaemonMetrics().render());
    for (const [name, type] of REQUIRED) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help, name).not.toBe('');
    }
  });

  it('carries the standard process and Node.js metrics', async () => {
    const families = parsePrometheusText(await new DaemonMetrics().render());
    for (const [name, type] of <[string, string][]>[
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['process_start_time_seconds', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_version_info', 'gauge'],
    ]) {
      expect(families.get(name)?.type, name).toBe(type);
    }
    expect(families.get('process_start_time_seconds')?.samples[0]?.value).toBeGreaterThan(1_600_000_000);
  });

  it('labels registry requests by host and reports the pull quota', async () => {
    const m = new DaemonMetrics({ defaultMetrics: false });
    const f = parsePrometheusText(
      await m.render({
        byStatus: { '200': 3, '429': 1 },
        byHost: { 'registry-1.docker.io': { '200': 2, '429': 1 }, '127.0.0.1:5000': { '200': 1 } },
        rateLimits: { 'registry-1.docker.io': { remaining: 7, limit: 100 } },
      }),
    );
    const sample = (name: string, labels: Record<string, string>) => f.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(sample('tagstream_registry_host_requests_total', { registry: 'registry-1.docker.io', status: '429' })).toBe(1);
    expect(sample('tagstream_registry_host_requests_total', { registry: '127.0.0.1:5000', status: '200' })).toBe(1);
    expect(sample('tagstream_registry_ratelimit_remaining', { registry: 'registry-1.docker.io' })).toBe(7);
    expect(sample('tagstream_registry_ratelimit_limit', { registry: 'registry-1.docker.io' })).toBe(100);
    expect(f.has('process_cpu_seconds_total')).toBe(false);
    // A later scrape shows the later numbers, not their sum.
    const g = parsePrometheusText(await m.render({ byStatus: { '200': 5 }, byHost: { 'registry-1.docker.io': { '200': 5 } } }));
    expect(g.get('tagstream_registry_host_requests_total')?.samples).toEqual([{ name: 'tagstream_registry_host_requests_total', labels: { registry: 'registry-1.docker.io', status: '200' }, value: 5 }]);
  });

  it('counts runs, imports, pushes and durations', async () => {
    const m = new DaemonMetrics();
    m.recordRun('success', 0.3, 1_700_000_000);
    m.recordRun('failure', 45, 1_700_000_100);
    m.recordRun('partial', 2, 1_700_000_200);
    m.recordImports('moved', 3);
    m.recordImports('failed', 1);
    m.tagsMoved = 3;
    m.commitsPushed = 2;
    m.pushRetries = 1;
    const f = parsePrometheusText(await m.render({ byStatus: { '200': 7, '404': 1, network: 2 } }));
    const value = (name: string, labels: Record<string, string> = {}) =>
      f.get(name.replace(/_(bucket|sum|count)$/, ''))?.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(value('tagstream_runs_total', { result: 'success' })).toBe(1);
    expect(value('tagstream_runs_total', { result: 'failure' })).toBe(1);
    expect(value('tagstream_runs_total', { result: 'partial' })).toBe(1);
    expect(value('tagstream_runs_total', { result: 'aborted' })).toBe(0);
    expect(value('tagstream_imports_total', { result: 'moved' })).toBe(3);
    expect(value('tagstream_imports_total', { result: 'failed' })).toBe(1);
    expect(value('tagstream_commits_pushed_total')).toBe(2);
    expect(value('tagstream_push_retries_total')).toBe(1);
    expect(value('tagstream_registry_requests_total', { status: '200' })).toBe(7);
    expect(value('tagstream_registry_requests_total', { status: 'network' })).toBe(2);
    // The last success is the partial run (it completed), not the failure.
    expect(value('tagstream_last_success_timestamp_seconds')).toBe(1_700_000_200);
    const hist = f.get('tagstream_run_duration_seconds');
    const buckets = hist?.samples.filter((s) => s.name.endsWith('_bucket')) ?? [];
    expect(buckets.map((b) => b.labels['le'])).toEqual([...RUN_DURATION_BUCKETS.map(String), '+Inf']);
    // Cumulative and non-decreasing, +Inf equals the count.
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]?.value).toBeGreaterThanOrEqual(buckets[i - 1]?.value ?? 0);
    expect(value('tagstream_run_duration_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(value('tagstream_run_duration_seconds_bucket', { le: '2.5' })).toBe(2);
    expect(value('tagstream_run_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(value('tagstream_run_duration_seconds_count')).toBe(3);
    expect(value('tagstream_run_duration_seconds_sum')).toBeCloseTo(47.3);
  });
});

describe('the test parser', () => {
  it('refuses malformed exposition (so the checks above can fail)', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/before HELP/);
    expect(() => parsePrometheusText('# HELP x h\n# TYPE x counter\nx{a="b} 1\n')).toThrow(/label/);
    expect(() => parsePrometheusText('# HELP x h\n# TYPE x counter\ny 1\n')).toThrow(/does not belong/);
  });
});
