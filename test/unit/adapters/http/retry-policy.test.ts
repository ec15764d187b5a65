import { describe, expect, it } from 'vitest';
import { backoffMs, decideRetry, rateLimitDecision, headerLookup, parseRateLimitReset, parseRetryAfter, rateLimitMessage, serverRequestedWait } from '../../../../src/adapters/http/retry-policy.js';

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

describe('the shared retry policy', () => {
  const policy = { attempts: 4, baseMs: 1000, capMs: 10_000, maxWaitMs: 300_000, minSecondaryWaitMs: 60_000 };
  const h = (headers: Record<string, string>) => headerLookup(headers);
  const nowS = NOW / 1000;

  it('waits at least 60 s on a secondary rate limit, longer when Retry-After says so', () => {
    expect(decideRetry(policy, { attempt: 1, status: 403, header: h({ 'retry-after': '5' }), message: 'You have exceeded a secondary rate limit', write: true, nowMs: NOW })).toEqual({ retry: true, cause: 'secondary-rate-limit', waitMs: 60_000 });
    expect(decideRetry(policy, { attempt: 1, status: 429, header: h({ 'retry-after': '90' }), write: false, nowMs: NOW })).toEqual({ retry: true, cause: 'secondary-rate-limit', waitMs: 90_000 });
  });

  it('waits for x-ratelimit-reset / ratelimit-reset when it is near, and gives up with the reset time when far', () => {
    expect(decideRetry(policy, { attempt: 1, status: 403, header: h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowS + 42) }), write: false, nowMs: NOW })).toEqual({ retry: true, cause: 'rate-limit', waitMs: 42_000 });
    expect(decideRetry(policy, { attempt: 1, status: 429, header: h({ 'ratelimit-remaining': '0', 'ratelimit-reset': String(nowS + 30) }), write: false, nowMs: NOW })).toEqual({ retry: true, cause: 'rate-limit', waitMs: 30_000 });
    const far = decideRetry(policy, { attempt: 1, status: 403, header: h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowS + 3600) }), write: false, nowMs: NOW });
    expect(far).toEqual({ retry: false, cause: 'rate-limit', waitMs: 3_600_000 });
    expect(rateLimitMessage('rate-limit', 3_600_000, NOW)).toBe('API rate limit exhausted (not a permission problem); it resets at 01:00:00 UTC (in 3600 s)');
  });

  it('a 403 without rate-limit signs is a permission problem; writes are not repeated after 5xx or network errors', () => {
    expect(decideRetry(policy, { attempt: 1, status: 403, header: h({ 'x-ratelimit-remaining': '12' }), message: 'Resource not accessible by integration', write: false, nowMs: NOW })).toEqual({ retry: false, cause: 'none' });
    expect(decideRetry(policy, { attempt: 1, status: 502, write: true, nowMs: NOW })).toEqual({ retry: false, cause: 'server-error' });
    expect(decideRetry(policy, { attempt: 1, write: true, nowMs: NOW })).toEqual({ retry: false, cause: 'network' });
    expect(decideRetry(policy, { attempt: 1, status: 502, write: false, nowMs: NOW, random: () => 0 })).toEqual({ retry: true, cause: 'server-error', waitMs: 500 });
    expect(decideRetry(policy, { attempt: 4, status: 502, write: false, nowMs: NOW })).toEqual({ retry: false, cause: 'server-error' });
  });

  it('bounds the rate-limit waits of one request in total (rateLimitDecision, shared with the Octokit handlers)', () => {
    const bounded = { ...policy, maxTotalWaitMs: 600_000 };
    expect(rateLimitDecision(bounded, 'secondary-rate-limit', 240_000, { attempt: 2, waitedMs: 240_000 })).toEqual({ retry: true, cause: 'secondary-rate-limit', waitMs: 240_000 });
    expect(rateLimitDecision(bounded, 'secondary-rate-limit', 240_000, { attempt: 3, waitedMs: 480_000 })).toEqual({ retry: false, cause: 'secondary-rate-limit', waitMs: 240_000 });
    expect(rateLimitDecision(bounded, 'secondary-rate-limit', undefined, { attempt: 1 })).toEqual({ retry: true, cause: 'secondary-rate-limit', waitMs: 60_000 });
    expect(decideRetry(bounded, { attempt: 2, status: 429, header: h({ 'retry-after': '300' }), write: false, nowMs: NOW, waitedMs: 400_000 })).toEqual({ retry: false, cause: 'secondary-rate-limit', waitMs: 300_000 });
  });

  it('reads Retry-After dates and the reset header through serverRequestedWait', () => {
    expect(serverRequestedWait(h({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' }), NOW)).toBe(30_000);
    expect(serverRequestedWait(h({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(nowS + 7) }), NOW)).toBe(7000);
    expect(serverRequestedWait(h({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(nowS + 7) }), NOW)).toBeUndefined();
    expect(parseRateLimitReset(String(nowS - 10), NOW)).toBe(0);
  });
});
