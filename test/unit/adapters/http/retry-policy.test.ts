import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../../../src/adapters/http/retry-policy.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0], // in the past: retry now
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%s -> %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 0, 50],
    [0, 1, 100],
    [1, 0, 100],
    [1, 1, 200],
    [3, 1, 800],
    [10, 1, 1000], // capped
  ])('attempt %i, random %d -> %i', (attempt, random, expected) => {
    expect(backoffMs(attempt, 100, 1000, () => random)).toBe(expected);
  });
});
