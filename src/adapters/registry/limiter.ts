/**
 * A counting semaphore per registry host. Taking a free slot is synchronous (no promise, no
 * closure: a resolve is one HEAD per tag, thousands per run, #16); a released slot passes straight
 * to the longest waiter, so no more than `max` requests are ever in flight.
 */
export class Limiter {
  private active = 0;
  /** Waiters in arrival order; `head` is the next (no Array.shift over thousands of queued HEADs). */
  private waiting: (() => void)[] = [];
  private head = 0;
  constructor(private readonly max: number) {}

  /** Take a slot if one is free; otherwise `wait()` for one. Each slot taken is `release`d once. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  /** Resolves when a released slot has been handed to this waiter. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    if (this.head >= this.waiting.length) {
      this.active--;
      return;
    }
    // the slot goes to the next waiter as it is (`active` unchanged)
    const next = this.waiting[this.head++];
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    }
    next?.();
  }
}
