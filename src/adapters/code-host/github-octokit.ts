/**
 * The Octokit behind the GitHub client: `@octokit/core` with the retry, throttling and pagination
 * plugins, tuned to Tagstream's one retry policy (adapters/http/retry-policy.ts):
 *
 * - secondary rate limits wait what `retry-after` says and at least `minSecondaryWaitMs` (60 s);
 * - an exhausted primary limit waits for `x-ratelimit-reset` when that is within `maxWaitMs`,
 *   otherwise the request fails now with a message saying it is a rate limit (not a permission
 *   problem) and when it resets;
 * - rate-limit waits of one request add up to at most `maxTotalWaitMs`, over at most `attempts`;
 * - 5xx and network errors are retried (the policy's backoff) for reads only: a write GitHub may
 *   have processed is never repeated (a second pull request);
 * - writes are spaced 1 s and searches 2 s apart, as GitHub asks of integrators.
 *
 * Both plugins' own timers are set to zero: the waits happen in our rate-limit handlers and in the
 * innermost `tagstreamPacing` plugin through the injected `sleep`, so tests observe every wait (60 s,
 * the reset, the backoff) without sleeping.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { TagstreamError, errorMessage, redact } from '../../errors.js';
import { backoffMs, headerLookup, rateLimitDecision, rateLimitMessage, retryCause, serverRequestedWait, type RetryPolicy } from '../http/retry-policy.js';
import { hostMessage } from './json-api.js';

/** A 2xx answer whose body is not JSON (a proxy's login page); `gitHubError` names the operation. */
class NotJsonAnswer extends Error {
  constructor(
    readonly status: number,
    readonly data: unknown,
  ) {
    super(`GitHub answered ${status} with a body that is not JSON`);
  }
}

interface PacingOptions {
  readonly tagstreamPacing?: { readonly policy: RetryPolicy; readonly sleep: (ms: number) => Promise<void> };
}

/**
 * Innermost plugin: every attempt after a 5xx or network failure first waits the shared policy's
 * backoff through the injected sleep (the retry plugin's own timer is zero), and a 2xx body that is
 * not JSON fails here, before the pagination plugin reads it.
 */
function tagstreamPacing(octokit: Octokit, octokitOptions: object): Record<string, never> {
  const pacing = (octokitOptions as PacingOptions).tagstreamPacing;
  const failures = new WeakMap<object, number>();
  octokit.hook.wrap('request', async (request, options) => {
    const key = options.request ?? options;
    const failed = failures.get(key) ?? 0;
    if (pacing && failed > 0) await pacing.sleep(backoffMs(failed - 1, pacing.policy.baseMs, pacing.policy.capMs));
    try {
      const res = await request(options);
      if (res.status !== 204 && (typeof res.data !== 'object' || res.data === null)) throw new NotJsonAnswer(res.status, res.data);
      return res;
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 500) failures.set(key, failed + 1);
      throw e;
    }
  });
  return {};
}

const TagstreamOctokit = Octokit.plugin(tagstreamPacing, retry, throttling, paginateRest);
export type GitHubOctokit = InstanceType<typeof TagstreamOctokit>;

export interface GitHubOctokitOptions {
  /** `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  readonly apiUrl: string;
  readonly token?: string | undefined;
  readonly policy: RetryPolicy;
  readonly dispatcher?: Dispatcher | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  readonly userAgent?: string | undefined;
  /** Spacing of writes and searches (GitHub asks for 1 s between writes); tests pass 0. */
  readonly pacing?: { readonly writeMs: number; readonly searchMs: number } | undefined;
}

/** Status codes the retry plugin leaves alone: client errors, and rate limits (403/429: the throttling plugin's). */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/** One Octokit for one token and API URL. */
export function createGitHubOctokit(options: GitHubOctokitOptions): GitHubOctokit {
  const { policy, sleep } = options;
  // Rate-limit time already spent per request (the plugin keeps `options.request` across retries).
  const waited = new WeakMap<object, number>();
  const onLimit = (cause: 'rate-limit' | 'secondary-rate-limit') => async (retryAfterSeconds: number, request: { request?: object }, _octokit: unknown, retryCount: number): Promise<boolean> => {
    const key = request.request ?? request;
    const waitedMs = waited.get(key) ?? 0;
    const d = rateLimitDecision(policy, cause, retryAfterSeconds * 1000, { attempt: retryCount + 1, waitedMs });
    if (!d.retry) return false;
    waited.set(key, waitedMs + d.waitMs);
    await sleep(d.waitMs);
    return true;
  };
  const pacing = options.pacing ?? { writeMs: 1000, searchMs: 2000 };
  const dispatcher = options.dispatcher;
  const octokit = new TagstreamOctokit({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'tagstream',
    tagstreamPacing: { policy, sleep },
    request: {
      ...(dispatcher ? { fetch: (url: string, init: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher }) } : {}),
    },
    // Octokit's default logger writes to the console; our errors carry what matters.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    // The backoff itself is tagstreamPacing's (the shared policy's, through the injected sleep).
    retry: { retries: Math.max(0, policy.attempts - 1), doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: 0 },
    throttle: {
      // Waits happen in the handlers (injected sleep); the plugin adds none of its own.
      retryAfterBaseValue: 0,
      fallbackSecondaryRateRetryAfter: Math.ceil(policy.minSecondaryWaitMs / 1000),
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.writeMs }),
      search: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.searchMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.writeMs }),
      onRateLimit: onLimit('rate-limit'),
      onSecondaryRateLimit: onLimit('secondary-rate-limit'),
    },
  });
  octokit.hook.before('request', (req) => {
    // Bearer (Octokit's `auth` would send `token …`); Octokit redacts authorization from its errors.
    Object.assign(req.headers, { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }, options.token ? { authorization: `Bearer ${options.token}` } : {});
  });
  return octokit;
}

/** Request options that keep the retry plugin from repeating a write GitHub may have processed. */
export const WRITE_ONCE = { request: { retries: 0 } } as const;

interface OctokitFailure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/**
 * An Octokit failure as a redacted TagstreamError('GitHub'): the operation, GitHub's status and
 * message, and why: a rate limit says so (and when it resets), 401/403/404 name the token's
 * likely missing permission.
 */
export function gitHubError(operation: string, e: unknown, apiUrl: string, nowMs: number): TagstreamError {
  if (e instanceof TagstreamError) return e;
  if (e instanceof NotJsonAnswer) return notJsonError(operation, e.status, e.data);
  const failure = e as OctokitFailure;
  const status = failure.status;
  if (failure.response === undefined || status === undefined) {
    return new TagstreamError('GitHub', `${operation}: cannot reach the GitHub API at ${new URL(apiUrl).origin}: ${redact(errorMessage(e))}`, { retryable: true, cause: e });
  }
  const data = failure.response.data;
  const message = redact(typeof data === 'string' ? data.slice(0, 200) : data === undefined ? '' : hostMessage(JSON.stringify(data)));
  const header = headerLookup(failure.response.headers ?? {});
  const cause = retryCause(status, header, message);
  let why = hint(status);
  if (cause === 'rate-limit' || cause === 'secondary-rate-limit') {
    const asked = serverRequestedWait(header, nowMs);
    why = `: ${rateLimitMessage(cause, asked, nowMs)}`;
  }
  return new TagstreamError('GitHub', `${operation}: GitHub answered ${status}${message ? `: ${message}` : ''}${why}`, { retryable: cause !== 'none' });
}

/** A 2xx body that should be JSON but is not (a proxy's login page). */
export function notJsonError(operation: string, status: number, data: unknown): TagstreamError {
  const text = typeof data === 'string' ? data : String(data);
  return new TagstreamError('GitHub', `${operation}: GitHub answered ${status} with a body that is not JSON: ${JSON.stringify(redact(text.slice(0, 200)))}`);
}

function hint(status: number): string {
  if (status === 401) return ' (is the token set and valid?)';
  if (status === 403 || status === 404) return ' (does the token have `contents: write` and `pull-requests: write` on this repository?)';
  return '';
}
