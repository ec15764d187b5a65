import { describe, expect, it } from 'vitest';
import { Limiter } from '../../../../src/adapters/registry/limiter.js';

describe('Limiter', () => {
  it('hands out free slots synchronously, up to its bound', () => {
    const l = new Limiter(2);
    expect(l.tryAcquire()).toBe(true);
    expect(l.tryAcquire()).toBe(true);
    expect(l.tryAcquire()).toBe(false);
    l.release();
    expect(l.tryAcquire()).toBe(true);
  });

  it('passes a released slot to the longest waiter; a newcomer cannot take it meanwhile', async () => {
    const l = new Limiter(1);
    expect(l.tryAcquire()).toBe(true);
    const woken: string[] = [];
    const a = l.wait().then(() => woken.push('a'));
    const b = l.wait().then(() => woken.push('b'));
    l.release();
    // the slot is a's now, even before a runs: never more than one in flight
    expect(l.tryAcquire()).toBe(false);
    await a;
    expect(woken).toEqual(['a']);
    l.release();
    await b;
    expect(woken).toEqual(['a', 'b']);
    l.release();
    expect(l.tryAcquire()).toBe(true);
  });
});
