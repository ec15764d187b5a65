/**
 * Deadlines of registry requests, shared: requests whose deadline falls in the same slot (a few
 * hundred milliseconds wide) share one signal and one timer instead of making their own.
 * A resolve is one HEAD per tag, thousands per run, so a controller, a signal and a timer per
 * request were a measurable share of the client's CPU per HEAD (#16). A request is never aborted
 * before its own deadline, at most one slot after it.
 *
 * The signal is an EventEmitter, which undici takes as a request's `signal` as it takes an
 * AbortSignal (its documented `AbortSignal | EventEmitter` option): undici adds and removes one
 * listener per request, and an EventTarget's listener bookkeeping (option checks, a listener
 * object per add) cost ~5% of the client's CPU per HEAD where an EventEmitter's costs little.
 */
import { EventEmitter } from 'node:events';

/** Aborted once, when its slot's time is up; `reason` is what undici fails the request with. */
export class DeadlineSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  constructor() {
    super();
    // every request of the slot listens to it (undici adds one listener per request)
    this.setMaxListeners(0);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    this.emit('abort');
  }
}

/** One slot: the signal its requests pass to undici. */
export interface DeadlineSlot {
  readonly signal: DeadlineSignal;
}

interface Slot extends DeadlineSlot {
  readonly at: number;
  readonly timer: ReturnType<typeof setTimeout>;
  users: number;
}

/** Slot width: at most 250 ms, and at most a tenth of the shortest bound (tests use 1 s deadlines). */
export function slotWidthMs(shortestBoundMs: number): number {
  return Math.max(1, Math.min(250, Math.floor(shortestBoundMs / 10)));
}

export class SharedDeadlines {
  private readonly slots = new Map<number, Slot>();

  constructor(private readonly widthMs: number) {}

  /** The slot of a request that must be over at `endsAt` (epoch ms); `leave` it when the request is. */
  join(endsAt: number): DeadlineSlot {
    const at = Math.ceil(endsAt / this.widthMs) * this.widthMs;
    let slot = this.slots.get(at);
    if (slot === undefined || slot.signal.aborted) {
      const signal = new DeadlineSignal();
      const timer = setTimeout(() => signal.abort(), Math.max(0, at - Date.now()));
      slot = { at, signal, timer, users: 0 };
      this.slots.set(at, slot);
    }
    slot.users++;
    return slot;
  }

  /** A request of `slot` is over (answered or failed). */
  leave(handle: DeadlineSlot): void {
    const slot = handle as Slot;
    slot.users--;
    if (slot.users > 0) return;
    clearTimeout(slot.timer);
    if (this.slots.get(slot.at) === slot) this.slots.delete(slot.at);
  }
}
