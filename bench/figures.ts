/** Small helpers over measured figures, shared by the bench's runner, its report and bench:heads. */
import type { ScenarioResult } from './scenario.js';

/** The element whose `value` is the median (the lower middle one for an even count). */
export function medianOf<T>(items: readonly T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

/** The median of `values` (the lower middle one for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  return values.length === 0 ? 0 : medianOf(values, (v) => v);
}

/** Pass `i` of a scenario's run; a scenario without it is a bench bug. */
export function pass(run: Pick<ScenarioResult, 'passes'>, i = 0): ScenarioResult['passes'][number] {
  const p = run.passes[i];
  if (!p) throw new Error(`bench: scenario has no pass ${i}`);
  return p;
}
