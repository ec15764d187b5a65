import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1m30s', 90_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '15', 'm', '1d', '-1m', '1 m', '15M'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('formatDuration', () => {
  it.each([
    [900_000, '15m'],
    [5_400_000, '1h30m'],
    [10_000, '10s'],
    [1_500, '1s500ms'],
    [0, '0s'],
  ])('%d', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
