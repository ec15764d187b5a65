/** Injectable time source, so history timestamps are deterministic in tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant (tests, deterministic reruns). */
export function fixedClock(iso: string): Clock {
  const t = new Date(iso);
  return { now: () => new Date(t.getTime()) };
}

/** RFC 3339 with second precision, as the Kubernetes API serialises metav1.Time. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
