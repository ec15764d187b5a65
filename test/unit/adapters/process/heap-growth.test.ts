import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, HEAP_GROWTH_ENV, limitHeapGrowth } from '../../../../src/adapters/process/heap-growth.js';

function proc(execArgv: string[] = [], env: Record<string, string> = {}) {
  const set: string[] = [];
  return { set, proc: { execArgv, env, setFlags: (f: string) => set.push(f) } };
}

describe('limitHeapGrowth', () => {
  it('caps the growth factor at 2x by default', () => {
    const p = proc(['--enable-source-maps', '--max-old-space-size=4096']);
    expect(limitHeapGrowth(p.proc)).toEqual({ percent: 100, problem: undefined });
    expect(p.set).toEqual(['--heap-growing-percent=100']);
    expect(HEAP_GROWING_PERCENT).toBe(100);
  });

  it(`takes another cap from ${HEAP_GROWTH_ENV}, and 0 leaves V8 its own choice`, () => {
    const p = proc([], { [HEAP_GROWTH_ENV]: ' 50 ' });
    expect(limitHeapGrowth(p.proc)).toEqual({ percent: 50, problem: undefined });
    expect(p.set).toEqual(['--heap-growing-percent=50']);
    const off = proc([], { [HEAP_GROWTH_ENV]: '0' });
    expect(limitHeapGrowth(off.proc)).toEqual({ percent: undefined });
    expect(off.set).toEqual([]);
  });

  it.each(['2x', '-5', '1.5', '99999'])(`says why a bad ${HEAP_GROWTH_ENV} (%s) is not used and keeps the default cap`, (value) => {
    const p = proc([], { [HEAP_GROWTH_ENV]: value });
    const r = limitHeapGrowth(p.proc);
    expect(r.percent).toBe(100);
    expect(r.problem).toBe(`${HEAP_GROWTH_ENV}: expected a whole number of percent (0 for V8's own choice), got "${value}"; using 100`);
    expect(p.set).toEqual(['--heap-growing-percent=100']);
  });

  it.each([['--heap-growing-percent=0'], ['--heap_growing_percent=30'], ['--heap-growing-percent']])("leaves node's command line its say (%s)", (arg) => {
    const p = proc(['--enable-source-maps', arg], { [HEAP_GROWTH_ENV]: '50' });
    expect(limitHeapGrowth(p.proc)).toEqual({ percent: undefined });
    expect(p.set).toEqual([]);
  });
});
