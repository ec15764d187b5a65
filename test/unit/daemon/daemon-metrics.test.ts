import { describe, expect, it } from 'vitest';
import { DaemonMetrics, RUN_DURATION_BUCKETS } from '../../../src/daemon/daemon-metrics.js';
import { escapeLabelValue, formatValue, renderPrometheus } from '../../../src/daemon/prometheus-text.js';
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
  it('renders every required family with HELP and TYPE, parseable line by line', () => {
    const families = parsePrometheusText(new DaemonMetrics().render());
    for (const [name, type] of REQUIRED) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help, name).not.toBe('');
    }
  });

  it('counts runs, imports, pushes and durations', () => {
    const m = new DaemonMetrics();
    m.recordRun('success', 0.3, 1_700_000_000);
    m.recordRun('failure', 45, 1_700_000_100);
    m.recordRun('partial', 2, 1_700_000_200);
    m.recordImports('moved', 3);
    m.recordImports('failed', 1);
    m.tagsMoved = 3;
    m.commitsPushed = 2;
    m.pushRetries = 1;
    const f = parsePrometheusText(m.render({ byStatus: { '200': 7, '404': 1, network: 2 } }));
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

describe('prometheus text', () => {
  it.each([
    ['plain', 'plain'],
    ['back\\slash', 'back\\\\slash'],
    ['say "hi"', 'say \\"hi\\"'],
    ['two\nlines', 'two\\nlines'],
  ])('escapes label value %j', (input, expected) => {
    expect(escapeLabelValue(input)).toBe(expected);
  });

  it.each([
    [1, '1'],
    [0.25, '0.25'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('formats %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });

  it('round-trips awkward HELP text and label values through the parser', () => {
    const text = renderPrometheus([
      { name: 'x_total', help: 'a \\ b\nc', type: 'counter', samples: [{ labels: { path: 'C:\\dir "q"\nnext' }, value: 2 }] },
    ]);
    expect(text).toBe('# HELP x_total a \\\\ b\\nc\n# TYPE x_total counter\nx_total{path="C:\\\\dir \\"q\\"\\nnext"} 2\n');
    const f = parsePrometheusText(text);
    expect(f.get('x_total')?.help).toBe('a \\ b\nc');
    expect(f.get('x_total')?.samples[0]?.labels['path']).toBe('C:\\dir "q"\nnext');
  });

  it('the test parser refuses malformed exposition (so the checks above can fail)', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/before HELP/);
    expect(() => parsePrometheusText('# HELP x h\n# TYPE x counter\nx{a="b} 1\n')).toThrow(/label/);
    expect(() => parsePrometheusText('# HELP x h\n# TYPE x counter\ny 1\n')).toThrow(/does not belong/);
  });
});
