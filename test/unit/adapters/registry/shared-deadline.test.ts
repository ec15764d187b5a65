import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedDeadlines, slotWidthMs } from '../../../../src/adapters/registry/shared-deadline.js';

describe('SharedDeadlines', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('requests whose deadlines fall in one slot share one signal; never aborted before their own deadline', async () => {
    const d = new SharedDeadlines(100);
    const a = d.join(1_000_510);
    const b = d.join(1_000_590);
    const c = d.join(1_000_610);
    expect(a.signal).toBe(b.signal);
    expect(c.signal).not.toBe(a.signal);
    await vi.advanceTimersByTimeAsync(599);
    expect(a.signal.aborted).toBe(false); // b's deadline (590) has passed, the slot ends at 600
    await vi.advanceTimersByTimeAsync(1);
    expect(a.signal.aborted).toBe(true);
    expect(c.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(c.signal.aborted).toBe(true);
  });

  it('a slot whose requests all left stops its timer; a later request gets a fresh slot', async () => {
    const d = new SharedDeadlines(100);
    const a = d.join(1_000_500);
    d.leave(a);
    expect(vi.getTimerCount()).toBe(0);
    const b = d.join(1_000_500);
    expect(b.signal).not.toBe(a.signal);
    await vi.advanceTimersByTimeAsync(500);
    expect(a.signal.aborted).toBe(false);
    expect(b.signal.aborted).toBe(true);
  });

  it('many requests on one slot raise no listener-leak warning', () => {
    const warned = vi.fn();
    process.on('warning', warned);
    const d = new SharedDeadlines(250);
    const slots = Array.from({ length: 50 }, () => d.join(1_060_000));
    for (const s of slots) s.signal.once('abort', () => undefined);
    process.off('warning', warned);
    expect(warned).not.toHaveBeenCalled();
    for (const s of slots) d.leave(s);
  });

  it('the signal is aborted once, as undici reads it: aborted, an AbortError reason, one abort event per listener', async () => {
    const d = new SharedDeadlines(100);
    const slot = d.join(1_000_100);
    const heard = vi.fn();
    const removed = vi.fn();
    slot.signal.once('abort', heard);
    slot.signal.once('abort', removed);
    slot.signal.removeListener('abort', removed); // what undici does when its request is over
    expect(slot.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(slot.signal.aborted).toBe(true);
    expect(slot.signal.reason).toBeInstanceOf(DOMException);
    expect((slot.signal.reason as DOMException).name).toBe('AbortError');
    slot.signal.abort();
    expect(heard).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(slot.signal.listenerCount('abort')).toBe(0);
    d.leave(slot);
  });

  it('slots are at most 250 ms wide and at most a tenth of the shortest bound', () => {
    expect(slotWidthMs(60_000)).toBe(250);
    expect(slotWidthMs(1000)).toBe(100);
    expect(slotWidthMs(5)).toBe(1);
  });
});
