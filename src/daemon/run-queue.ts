/**
 * Serializes reconcile runs: runs never overlap; triggers arriving within the debounce window, or
 * while a run is in progress, fold into one follow-up run; a failed run is retried after an
 * exponential, capped backoff with its triggers kept. Timers are injected for tests.
 */
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { RegistryHint } from './registry-events.js';

export interface RunRequest {
  /** Why (`webhook`, `schedule`, `poll`, `startup`, `git-webhook`); logged. */
  readonly reason: string;
  /** `namespace/stream:tag` keys to import at once. */
  readonly importNow?: readonly string[] | undefined;
  /** Registry pushes to map onto stream tags when the run starts (on the freshly fetched tree). */
  readonly hints?: readonly RegistryHint[] | undefined;
  /** Scheduled tags are due. */
  readonly scheduledDue?: boolean | undefined;
}

/** What one run is asked to do: the union of the requests folded into it. */
export interface RunBatch {
  readonly reasons: readonly string[];
  readonly importNow: readonly string[];
  readonly hints: readonly RegistryHint[];
  readonly scheduledDue: boolean;
  /** Consecutive failures before this run (0 on a first attempt). */
  readonly failures: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface RunQueueOptions {
  /** One run; throwing marks it failed (retried with backoff). `signal` aborts at shutdown. */
  readonly run: (batch: RunBatch, signal: AbortSignal) => Promise<void>;
  readonly debounceMs: number;
  readonly backoff: BackoffPolicy;
  readonly timers?: Timers | undefined;
  /** Told about each failure and the delay before the retry. */
  readonly onFailure?: ((error: unknown, failures: number, retryInMs: number) => void) | undefined;
}

export type StopOutcome = 'idle' | 'finished' | 'abandoned';

class Pending {
  reasons = new Set<string>();
  importNow = new Set<string>();
  hints = new Map<string, RegistryHint>();
  scheduledDue = false;

  add(r: {
    readonly reasons?: Iterable<string>;
    readonly reason?: string;
    readonly importNow?: Iterable<string> | undefined;
    readonly hints?: Iterable<RegistryHint> | undefined;
    readonly scheduledDue?: boolean | undefined;
  }): void {
    if (r.reason !== undefined) this.reasons.add(r.reason);
    for (const x of r.reasons ?? []) this.reasons.add(x);
    for (const k of r.importNow ?? []) this.importNow.add(k);
    for (const h of r.hints ?? []) this.hints.set(`${h.registry ?? ''}/${h.repository}:${h.tag}`, h);
    this.scheduledDue ||= r.scheduledDue === true;
  }

  get empty(): boolean {
    return this.reasons.size === 0;
  }
}

/** The run serializer of one daemon. */
export class RunQueue {
  private pending = new Pending();
  private timer: unknown;
  private timerDue = false;
  private current: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private failures = 0;
  private stopped = false;
  private readonly timers: Timers;
  private idleWaiters: (() => void)[] = [];
  /** Runs started so far (tests, metrics). */
  runsStarted = 0;

  constructor(private readonly options: RunQueueOptions) {
    this.timers = options.timers ?? realTimers;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Ask for a run. Returns false once stopping (the request is dropped). */
  request(req: RunRequest): boolean {
    if (this.stopped) return false;
    this.pending.add(req);
    if (!this.running) this.arm(this.failures > 0 ? backoffDelay(this.failures, this.options.backoff) : this.options.debounceMs);
    return true;
  }

  /** Resolves once nothing is running, scheduled or pending. */
  idle(): Promise<void> {
    if (!this.running && this.pending.empty && !this.timerDue) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stop: no new requests, no timers. Within `graceMs` the run in progress may finish, and
   * accepted webhook work not yet run (hints, importNow) is run too: a 202 was answered for it.
   * When the grace period ends first, the current run is aborted through its signal and awaited.
   */
  async stop(graceMs: number): Promise<StopOutcome> {
    this.stopped = true;
    this.disarm();
    if (this.pending.hints.size === 0 && this.pending.importNow.size === 0) this.pending = new Pending();
    let timer: unknown;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = this.timers.setTimeout(() => resolve('timeout'), graceMs);
    });
    let outcome: StopOutcome = 'idle';
    try {
      for (;;) {
        if (this.current === undefined && !this.pending.empty) this.start(true);
        const current = this.current;
        if (current === undefined) return outcome;
        if ((await Promise.race([current.then(() => 'done' as const), graceOver])) === 'timeout') {
          this.pending = new Pending();
          this.controller?.abort(new Error('shutting down'));
          await current;
          return 'abandoned';
        }
        outcome = 'finished';
      }
    } finally {
      this.timers.clearTimeout(timer);
      this.notifyIdle();
    }
  }

  /** Arm the start timer unless one is armed already (the window is not extended by later triggers). */
  private arm(ms: number): void {
    if (this.timerDue) return;
    this.timerDue = true;
    this.timer = this.timers.setTimeout(() => {
      this.timerDue = false;
      this.timer = undefined;
      this.start();
    }, ms);
  }

  private disarm(): void {
    if (this.timerDue) this.timers.clearTimeout(this.timer);
    this.timerDue = false;
    this.timer = undefined;
  }

  /** Start a run of the pending work; `draining` lets stop() run what was accepted before it. */
  private start(draining = false): void {
    if (this.running || (this.stopped && !draining) || this.pending.empty) {
      if (!this.running) this.notifyIdle();
      return;
    }
    const p = this.pending;
    this.pending = new Pending();
    const batch: RunBatch = {
      reasons: [...p.reasons].sort(),
      importNow: [...p.importNow].sort(),
      hints: [...p.hints.values()],
      scheduledDue: p.scheduledDue,
      failures: this.failures,
    };
    const controller = new AbortController();
    this.controller = controller;
    this.runsStarted += 1;
    this.current = this.execute(batch, controller.signal).finally(() => {
      this.current = undefined;
      this.controller = undefined;
      if (this.stopped) return this.notifyIdle();
      if (!this.pending.empty) this.arm(this.failures > 0 ? backoffDelay(this.failures, this.options.backoff) : this.options.debounceMs);
      else this.notifyIdle();
    });
  }

  private async execute(batch: RunBatch, signal: AbortSignal): Promise<void> {
    try {
      await this.options.run(batch, signal);
      this.failures = 0;
    } catch (e) {
      if (this.stopped) return;
      this.failures += 1;
      // Keep what the failed run was asked to do, so the retry covers it.
      this.pending.add({ reasons: batch.reasons, importNow: batch.importNow, hints: batch.hints, scheduledDue: batch.scheduledDue });
      const delay = backoffDelay(this.failures, this.options.backoff);
      this.options.onFailure?.(e, this.failures, delay);
    }
  }

  private notifyIdle(): void {
    if (this.running || this.timerDue || !this.pending.empty) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
