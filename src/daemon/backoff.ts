/** Exponential, capped delay before retrying a failed run. */

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Delay after the `failures`-th consecutive failure (1 -> initial, doubling, capped at max). */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 30);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exp);
}
