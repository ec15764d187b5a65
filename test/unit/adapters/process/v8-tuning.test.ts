import { describe, expect, it } from 'vitest';
import { HEAP_GROWTH, TIER_UP_BUDGET, tuneV8 } from '../../../../src/adapters/process/v8-tuning.js';

function proc(execArgv: string[] = [], env: Record<string, string> = {}) {
  const set: string[] = [];
  return { set, proc: { execArgv, env, setFlags: (f: string) => set.push(f) } };
}

describe('tuneV8', () => {
  it('caps the heap growth factor at 2x and raises the tier-up budget to 8x Node 20 default by default', () => {
    const p = proc(['--enable-source-maps', '--max-old-space-size=4096']);
    expect(tuneV8(p.proc)).toEqual({ values: { '--heap-growing-percent': 100, '--interrupt-budget': 540672 }, problems: [] });
    expect(p.set).toEqual(['--heap-growing-percent=100', '--interrupt-budget=540672']);
    expect(HEAP_GROWTH.value).toBe(100);
    expect(TIER_UP_BUDGET.value).toBe(8 * 67584);
  });

  it('takes other values from the environment, and 0 leaves V8 its own choice', () => {
    const p = proc([], { [HEAP_GROWTH.env]: ' 50 ', [TIER_UP_BUDGET.env]: '270336' });
    expect(tuneV8(p.proc).values).toEqual({ '--heap-growing-percent': 50, '--interrupt-budget': 270336 });
    expect(p.set).toEqual(['--heap-growing-percent=50', '--interrupt-budget=270336']);
    const off = proc([], { [HEAP_GROWTH.env]: '0', [TIER_UP_BUDGET.env]: '0' });
    expect(tuneV8(off.proc)).toEqual({ values: { '--heap-growing-percent': undefined, '--interrupt-budget': undefined }, problems: [] });
    expect(off.set).toEqual([]);
  });

  it.each(['2x', '-5', '1.5', '99999'])(`says why a bad ${HEAP_GROWTH.env} (%s) is not used and keeps the default cap`, (value) => {
    const p = proc([], { [HEAP_GROWTH.env]: value });
    const r = tuneV8(p.proc);
    expect(r.values['--heap-growing-percent']).toBe(100);
    expect(r.problems).toEqual([`${HEAP_GROWTH.env}: expected a whole number of percent (0 for V8's own choice), got "${value}"; using 100`]);
    expect(p.set).toEqual(['--heap-growing-percent=100', '--interrupt-budget=540672']);
  });

  it.each(['lots', '1e6', '1234567890'])(`says why a bad ${TIER_UP_BUDGET.env} (%s) is not used and keeps the default budget`, (value) => {
    const p = proc([], { [TIER_UP_BUDGET.env]: value });
    const r = tuneV8(p.proc);
    expect(r.values['--interrupt-budget']).toBe(540672);
    expect(r.problems).toEqual([`${TIER_UP_BUDGET.env}: expected a whole number of bytes of bytecode (0 for V8's own choice), got "${value}"; using 540672`]);
  });

  it.each([
    [['--heap-growing-percent=0'], ['--interrupt-budget=540672']],
    [['--heap_growing_percent=30'], ['--interrupt-budget=540672']],
    [['--heap-growing-percent'], ['--interrupt-budget=540672']],
    [['--interrupt_budget=1000'], ['--heap-growing-percent=50']],
    [['--interrupt-budget', '--heap-growing-percent=7'], []],
  ])("leaves node's command line its say (%j)", (args, set) => {
    const p = proc(['--enable-source-maps', ...args], { [HEAP_GROWTH.env]: '50' });
    tuneV8(p.proc);
    expect(p.set).toEqual(set);
  });
});
