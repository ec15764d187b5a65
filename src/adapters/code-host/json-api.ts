/**
 * JSON over HTTP for the Git-host REST clients (GitHub, GitLab, Gitea/Forgejo): one request with the
 * shared retry policy (rate limits wait as the server asks, within a bound; reads retry 5xx and
 * network errors; writes only when the server said it did not process them), every page of a
 * listing (Link `rel="next"`, same origin only so the token never leaves the API host), and
 * failures as redacted TagstreamErrors naming the operation, the status and the host's message.
 */
import { nextLinkTarget } from '../http/link-header.js';
import { request, type Dispatcher } from 'undici';
import { TagstreamError, errorMessage, redact, type ErrorCode } from '../../errors.js';
import { CODE_HOST_RETRY_POLICY, decideRetry, headerLookup, rateLimitMessage, type HeaderLookup, type RetryPolicy } from '../http/retry-policy.js';

export interface JsonApiOptions {
  /** `GitHub`, `GitLab`, `Gitea`: used in messages. */
  readonly hostName: string;
  readonly errorCode: ErrorCode;
  /** Base URL of the API, e.g. `https://gitlab.example.com/api/v4`. */
  readonly apiUrl: string;
  /** Headers of every request (auth, accept, user agent). */
  readonly headers: Readonly<Record<string, string>>;
  readonly dispatcher?: Dispatcher | undefined;
  readonly policy?: RetryPolicy | undefined;
  /** Injected wait and clock, so tests do not sleep. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly now?: (() => number) | undefined;
  /** Extra words for a failed status (which token scope is missing). */
  readonly hint?: ((status: number) => string) | undefined;
}

export interface JsonAnswer {
  readonly json: unknown;
  readonly status: number;
  readonly header: HeaderLookup;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** `rel="next"` target of a Link header. */
export function nextLink(link: string | string[] | undefined): string | undefined {
  const target = nextLinkTarget(link);
  return target === '' ? undefined : target;
}

/** The host's error message from a JSON error body (`message`, GitLab's `error` / `message` object, GitHub's `errors`). */
export function hostMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown; error?: unknown; errors?: { message?: unknown; code?: unknown; field?: unknown }[] | unknown };
    const details = Array.isArray(j.errors) ? (j.errors as { message?: unknown; code?: unknown; field?: unknown }[]).map((e) => String(e.message ?? [e.field, e.code].filter(Boolean).join(' '))).filter((s) => s !== '') : [];
    const main = typeof j.message === 'string' ? j.message : j.message !== undefined ? JSON.stringify(j.message) : typeof j.error === 'string' ? j.error : '';
    return [main, ...details].filter((s) => s !== '').join('; ');
  } catch {
    return text.slice(0, 200);
  }
}

export interface JsonApi {
  readonly base: URL;
  /** `base` + relative path + query. */
  url(path: string, query?: Readonly<Record<string, string | undefined>>): URL;
  call(operation: string, method: HttpMethod, url: URL, body?: unknown): Promise<JsonAnswer>;
  /** Every page of a listing (bounded by `maxPages`), following Link rel="next" on the same origin. */
  list<T>(operation: string, first: URL, maxPages?: number): Promise<T[]>;
}

/** A JSON API client for one host. */
export function createJsonApi(options: JsonApiOptions): JsonApi {
  const base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
  const policy = options.policy ?? CODE_HOST_RETRY_POLICY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const host = options.hostName;

  async function call(operation: string, method: HttpMethod, url: URL, body?: unknown): Promise<JsonAnswer> {
    const write = method !== 'GET';
    let waitedMs = 0;
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      let header: HeaderLookup;
      try {
        const res = await request(url, {
          method,
          headers: { ...options.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher: options.dispatcher,
        });
        status = res.statusCode;
        header = headerLookup(res.headers);
        text = await res.body.text();
      } catch (e) {
        const d = decideRetry(policy, { attempt, write, nowMs: now() });
        if (d.retry) {
          await sleep(d.waitMs);
          continue;
        }
        throw new TagstreamError(options.errorCode, `${operation}: cannot reach the ${host} API at ${base.origin}: ${redact(errorMessage(e))}`, { retryable: true, cause: e });
      }
      if (status >= 200 && status < 300) return { json: parseBody(operation, status, text), status, header };
      const message = redact(hostMessage(text));
      const d = decideRetry(policy, { attempt, status, header, message, write, nowMs: now(), waitedMs });
      if (d.retry) {
        if (d.cause === 'rate-limit' || d.cause === 'secondary-rate-limit') waitedMs += d.waitMs;
        await sleep(d.waitMs);
        continue;
      }
      const limited = d.cause === 'rate-limit' || d.cause === 'secondary-rate-limit';
      const why = limited ? `: ${rateLimitMessage(d.cause, d.waitMs, now())}` : (options.hint?.(status) ?? '');
      throw new TagstreamError(options.errorCode, `${operation}: ${host} answered ${status}${message ? `: ${message}` : ''}${why}`, { retryable: d.cause !== 'none' });
    }
  }

  function parseBody(operation: string, status: number, text: string): unknown {
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new TagstreamError(options.errorCode, `${operation}: ${host} answered ${status} with a body that is not JSON (${errorMessage(e)}): ${JSON.stringify(redact(text.slice(0, 200)))}`);
    }
  }

  return {
    base,
    url(path, query) {
      const url = new URL(path, base);
      for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
      return url;
    },
    call,
    async list<T>(operation: string, first: URL, maxPages = 1000): Promise<T[]> {
      const out: T[] = [];
      let url: URL | undefined = first;
      for (let page = 0; url && page < maxPages; page++) {
        const res = await call(operation, 'GET', url);
        out.push(...(res.json as T[]));
        const next = nextLink(res.header('link'));
        // Follow only links to the same API host: a Link header must not redirect the token.
        url = next && new URL(next, base).origin === base.origin ? new URL(next, base) : undefined;
      }
      return out;
    },
  };
}
