import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/daemon/backoff.js';
import { bearerMatches } from '../../../src/daemon/webhook-auth.js';

describe('bearerMatches', () => {
  it.each<[string | undefined, boolean]>([
    ['Bearer s3cret-value', true],
    ['bearer s3cret-value', true],
    ['Bearer   s3cret-value  ', true],
    ['Bearer s3cret-valuE', false],
    ['Bearer s3cret-value2', false],
    ['Bearer s3cret', false],
    ['Basic s3cret-value', false],
    ['s3cret-value', false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ])('%j -> %s', (header, ok) => {
    expect(bearerMatches(header, 's3cret-value')).toBe(ok);
  });
});

describe('backoffDelay', () => {
  const policy = { initialMs: 1000, maxMs: 30_000 };
  it.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [100, 30_000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(backoffDelay(failures, policy)).toBe(ms);
  });
});
