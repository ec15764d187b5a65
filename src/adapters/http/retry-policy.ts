/**
 * The one HTTP retry policy of Tagstream's outbound clients (registries and Git hosts): how long a
 * server asks us to wait (`Retry-After` seconds or HTTP date, RFC 9110 §10.2.3; the rate-limit
 * reset headers `x-ratelimit-reset` of GitHub/Gitea and `ratelimit-reset` of GitLab), exponential
 * backoff with jitter otherwise, and the decision whether one more attempt is worth it.
 */

/** Milliseconds to wait, or undefined when the header is absent or unreadable. Never negative. */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined; // "-5", "1.5": not a valid form
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** `x-ratelimit-reset: <epoch seconds>` -> milliseconds from now (never negative), or undefined. */
export function parseRateLimitReset(value: string | undefined | null, nowMs: number): number | undefined {
  const v = value?.trim();
  if (!v || !/^\d+$/.test(v)) return undefined;
  return Math.max(0, Number(v) * 1000 - nowMs);
}

/** Exponential backoff with full jitter in [base*2^n/2, base*2^n], capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Response header lookup, case-insensitive. */
export type HeaderLookup = (name: string) => string | undefined;

/** Headers of undici/node (`string | string[] | undefined` values) as a lookup. */
export function headerLookup(headers: Readonly<Record<string, string | string[] | undefined>>): HeaderLookup {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v] as const));
  return (name) => lower.get(name.toLowerCase());
}

/**
 * How long the server asked us to wait: `Retry-After` first, then the rate-limit reset when the
 * remaining quota is 0 (`x-ratelimit-remaining` / `ratelimit-remaining`). Undefined when it did not say.
 */
export function serverRequestedWait(header: HeaderLookup, nowMs: number): number | undefined {
  const retryAfter = parseRetryAfter(header('retry-after'), nowMs);
  if (retryAfter !== undefined) return retryAfter;
  const remaining = header('x-ratelimit-remaining') ?? header('ratelimit-remaining');
  if (remaining === '0') return parseRateLimitReset(header('x-ratelimit-reset') ?? header('ratelimit-reset'), nowMs);
  return undefined;
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly attempts: number;
  /** Backoff base and cap for 5xx and network errors. */
  readonly baseMs: number;
  readonly capMs: number;
  /** The longest single wait a server may ask for; beyond it the request fails now with a rate-limit message. */
  readonly maxWaitMs: number;
  /** Secondary (abuse) rate limits wait at least this long (GitHub asks for one minute). */
  readonly minSecondaryWaitMs: number;
  /** Rate-limit waits of one request add up to at most this (default `maxWaitMs`). */
  readonly maxTotalWaitMs?: number | undefined;
}

/** Git-host APIs: 4 attempts, secondary limits >= 60 s, a reset up to 5 minutes away is waited for, 10 minutes of waiting in all. */
export const CODE_HOST_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 4, baseMs: 1000, capMs: 10_000, maxWaitMs: 5 * 60_000, minSecondaryWaitMs: 60_000, maxTotalWaitMs: 10 * 60_000 });

/** What went wrong with one answer, as far as retrying is concerned. */
export type RetryCause = 'rate-limit' | 'secondary-rate-limit' | 'server-error' | 'network' | 'none';

export interface RetryQuestion {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** HTTP status, or undefined for a network error. */
  readonly status?: number | undefined;
  readonly header?: HeaderLookup | undefined;
  /** The server's error message (GitHub says "secondary rate limit" there). */
  readonly message?: string | undefined;
  /** A write the server may have processed: only retried when the server said it did not (rate limits). */
  readonly write: boolean;
  readonly nowMs: number;
  readonly random?: (() => number) | undefined;
  /** Rate-limit waits this request already spent (for `maxTotalWaitMs`). */
  readonly waitedMs?: number | undefined;
}

export type RetryDecision =
  | { readonly retry: true; readonly waitMs: number; readonly cause: RetryCause }
  /** `waitMs`: how long the server asked for when that was too long (for the message). */
  | { readonly retry: false; readonly cause: RetryCause; readonly waitMs?: number | undefined };

/** Classify an answer: a primary or secondary rate limit, a server error, a network error, or fine. */
export function retryCause(status: number | undefined, header: HeaderLookup, message: string): RetryCause {
  if (status === undefined) return 'network';
  if (status === 403 || status === 429) {
    if (/secondary rate limit|abuse/i.test(message)) return 'secondary-rate-limit';
    if ((header('x-ratelimit-remaining') ?? header('ratelimit-remaining')) === '0') return 'rate-limit';
    if (status === 429) return header('retry-after') !== undefined ? 'secondary-rate-limit' : 'rate-limit';
    return 'none'; // a 403 that is a permission problem
  }
  if (status >= 500) return 'server-error';
  return 'none';
}

/** Decide whether to try once more and after how long. */
export function decideRetry(policy: RetryPolicy, q: RetryQuestion): RetryDecision {
  const header = q.header ?? (() => undefined);
  const cause = retryCause(q.status, header, q.message ?? '');
  if (cause === 'none') return { retry: false, cause };
  if (cause === 'network' || cause === 'server-error') {
    // A write may have been processed: repeating it could open a second pull request.
    if (q.write || q.attempt >= policy.attempts) return { retry: false, cause };
    return { retry: true, cause, waitMs: backoffMs(q.attempt - 1, policy.baseMs, policy.capMs, q.random) };
  }
  return rateLimitDecision(policy, cause, serverRequestedWait(header, q.nowMs), q);
}

/**
 * The rate-limit half of `decideRetry`, for clients whose library already read the headers
 * (Octokit's throttling plugin hands over `retryAfter`): a secondary limit waits at least
 * `minSecondaryWaitMs`; a wait beyond `maxWaitMs`, past `maxTotalWaitMs` in all, or on the last
 * attempt fails now (`waitMs` then says how long the server asked for).
 */
export function rateLimitDecision(policy: RetryPolicy, cause: 'rate-limit' | 'secondary-rate-limit', askedMs: number | undefined, q: Pick<RetryQuestion, 'attempt' | 'random' | 'waitedMs'>): RetryDecision {
  const waitMs = cause === 'secondary-rate-limit' ? Math.max(askedMs ?? 0, policy.minSecondaryWaitMs) : (askedMs ?? backoffMs(q.attempt - 1, policy.baseMs, policy.capMs, q.random));
  const total = (q.waitedMs ?? 0) + waitMs;
  if (waitMs > policy.maxWaitMs || total > (policy.maxTotalWaitMs ?? policy.maxWaitMs) || q.attempt >= policy.attempts) return { retry: false, cause, waitMs };
  return { retry: true, cause, waitMs };
}

/** ` (rate limit: retry after 12:34:56 UTC)`-style text for a rate-limit failure. */
export function rateLimitMessage(cause: RetryCause, waitMs: number | undefined, nowMs: number): string {
  const when = waitMs !== undefined ? `; it resets at ${new Date(nowMs + waitMs).toISOString().slice(11, 19)} UTC (in ${Math.ceil(waitMs / 1000)} s)` : '';
  return cause === 'secondary-rate-limit'
    ? `secondary rate limit (too many requests in a short time, not a permission problem)${when}`
    : `API rate limit exhausted (not a permission problem)${when}`;
}
