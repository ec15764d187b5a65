import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunQueue, type RunBatch } from '../../../src/daemon/run-queue.js';

/** A run we finish by hand, to observe overlap and ordering. */
function controllable() {
  const batches: RunBatch[] = [];
  const finishers: ((error?: Error) => void)[] = [];
  const signals: AbortSignal[] = [];
  let active = 0;
  let maxActive = 0;
  const run = (batch: RunBatch, signal: AbortSignal) => {
    batches.push(batch);
    signals.push(signal);
    active += 1;
    maxActive = Math.max(maxActive, active);
    return new Promise<void>((resolve, reject) => {
      finishers.push((error) => {
        active -= 1;
        if (error) reject(error);
        else resolve();
      });
    });
  };
  return { run, batches, signals, finish: (error?: Error) => finishers.shift()?.(error), get maxActive() { return maxActive; }, get active() { return active; } };
}

const hint = (tag: string) => ({ registry: '127.0.0.1:5000', repository: 'a/b', tag, digest: undefined });

describe('RunQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('folds a burst within the debounce window into one run', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 500, backoff: { initialMs: 1000, maxMs: 8000 } });
    q.request({ reason: 'webhook', hints: [hint('v1')] });
    await vi.advanceTimersByTimeAsync(200);
    q.request({ reason: 'webhook', hints: [hint('v2'), hint('v1')] });
    q.request({ reason: 'schedule', scheduledDue: true, importNow: ['ns/s:t'] });
    expect(c.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(c.batches).toHaveLength(1);
    expect(c.batches[0]).toMatchObject({ reasons: ['schedule', 'webhook'], importNow: ['ns/s:t'], scheduledDue: true, failures: 0 });
    expect(c.batches[0]?.hints.map((h) => h.tag)).toEqual(['v1', 'v2']);
    c.finish();
    await q.idle();
    expect(q.runsStarted).toBe(1);
  });

  it('never overlaps: triggers during a run coalesce into one follow-up run', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 100, backoff: { initialMs: 1000, maxMs: 8000 } });
    q.request({ reason: 'startup' });
    await vi.advanceTimersByTimeAsync(100);
    expect(c.active).toBe(1);
    for (let i = 0; i < 5; i++) q.request({ reason: 'webhook', hints: [hint(`t${i}`)] });
    await vi.advanceTimersByTimeAsync(5000);
    expect(c.batches).toHaveLength(1);
    c.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(c.batches).toHaveLength(2);
    expect(c.batches[1]?.hints).toHaveLength(5);
    c.finish();
    await q.idle();
    expect(c.maxActive).toBe(1);
  });

  it('retries a failed run with exponential, capped backoff and keeps its triggers', async () => {
    const c = controllable();
    const failures: [number, number][] = [];
    const q = new RunQueue({ run: c.run, debounceMs: 10, backoff: { initialMs: 1000, maxMs: 3000 }, onFailure: (_e, n, ms) => failures.push([n, ms]) });
    q.request({ reason: 'webhook', importNow: ['a/b:c'] });
    await vi.advanceTimersByTimeAsync(10);
    c.finish(new Error('registry down'));
    await vi.advanceTimersByTimeAsync(999);
    expect(c.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.batches).toHaveLength(2);
    expect(c.batches[1]).toMatchObject({ importNow: ['a/b:c'], failures: 1 });
    c.finish(new Error('still down'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(c.batches).toHaveLength(3);
    c.finish(new Error('still down'));
    await vi.advanceTimersByTimeAsync(2999);
    expect(c.batches).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.batches).toHaveLength(4);
    c.finish();
    await q.idle();
    expect(failures).toEqual([[1, 1000], [2, 2000], [3, 3000]]);
    expect(q.consecutiveFailures).toBe(0);
    // After a success the debounce applies again.
    q.request({ reason: 'poll' });
    await vi.advanceTimersByTimeAsync(10);
    expect(c.batches).toHaveLength(5);
    c.finish();
    await q.idle();
  });

  it('stop waits for the running run within the grace period', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 0, backoff: { initialMs: 1000, maxMs: 1000 } });
    q.request({ reason: 'startup' });
    await vi.advanceTimersByTimeAsync(0);
    const stopping = q.stop(5000);
    expect(q.request({ reason: 'webhook' })).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    c.finish();
    await expect(stopping).resolves.toBe('finished');
    expect(c.signals[0]?.aborted).toBe(false);
    expect(c.batches).toHaveLength(1);
  });

  it('stop abandons the run after the grace period through its abort signal', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 0, backoff: { initialMs: 1000, maxMs: 1000 } });
    q.request({ reason: 'startup' });
    await vi.advanceTimersByTimeAsync(0);
    c.signals[0]?.addEventListener('abort', () => c.finish(new Error('aborted')));
    const stopping = q.stop(2000);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(stopping).resolves.toBe('abandoned');
    expect(c.signals[0]?.aborted).toBe(true);
  });

  it('stop drops pending work nobody was promised (poll, schedule)', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 500, backoff: { initialMs: 1000, maxMs: 1000 } });
    q.request({ reason: 'poll' });
    q.request({ reason: 'schedule', scheduledDue: true });
    await expect(q.stop(1000)).resolves.toBe('idle');
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.batches).toHaveLength(0);
  });

  it('stop runs accepted webhook work within the grace period, after the current run', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 500, backoff: { initialMs: 1000, maxMs: 1000 } });
    q.request({ reason: 'startup' });
    await vi.advanceTimersByTimeAsync(500);
    q.request({ reason: 'webhook', hints: [hint('v9')] });
    const stopping = q.stop(3000);
    await vi.advanceTimersByTimeAsync(100);
    c.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.batches).toHaveLength(2);
    expect(c.batches[1]?.hints.map((h) => h.tag)).toEqual(['v9']);
    c.finish();
    await expect(stopping).resolves.toBe('finished');
  });

  it('stop abandons accepted work that does not fit in the grace period', async () => {
    const c = controllable();
    const q = new RunQueue({ run: c.run, debounceMs: 500, backoff: { initialMs: 1000, maxMs: 1000 } });
    q.request({ reason: 'webhook', importNow: ['a/b:c'] });
    const stopping = q.stop(1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.batches).toHaveLength(1);
    c.signals[0]?.addEventListener('abort', () => c.finish(new Error('aborted')));
    await vi.advanceTimersByTimeAsync(1000);
    await expect(stopping).resolves.toBe('abandoned');
    await q.idle();
  });
});
