/**
 * The HTTP layer of the registry client (undici): one connection Pool per TLS configuration and origin,
 * per-host concurrency limit, timeouts (idle, plus a total deadline per request and a bound per run),
 * retries with exponential backoff + jitter on network errors and
 * 5xx, 429 honouring Retry-After up to a bound, manual redirects that drop Authorization when the
 * host changes, and request counters. It knows nothing about manifests or auth challenges.
 */
import { rootCertificates } from 'node:tls';
import { Pool, type Dispatcher } from 'undici';
import { isLoopbackHost } from '../../domain/image-reference.js';
import { RegistryError, errorMessage } from '../../errors.js';
import { silentLog, type Log } from '../../ports/log.js';
import { backoffMs, headerLookup, serverRequestedWait } from '../http/retry-policy.js';
import { headerValue, isReplayable, logUrl, type HttpRequest, type HttpResponse, type RequestKind, type TlsMode } from './http-exchange.js';
import { isCertificateError, networkErrorCode, RETRYABLE_NETWORK } from './network-errors.js';
import { emptyStats, MAX_STATS_HOSTS, parseRateLimit, quotaReserve, type RegistryStats } from './registry-stats.js';
import { Limiter } from './limiter.js';
import { SharedDeadlines, slotWidthMs, type DeadlineSignal } from './shared-deadline.js';

export { headerValue, isReplayable, logUrl, type HttpRequest, type HttpResponse, type RequestKind, type TlsMode } from './http-exchange.js';
export { isCertificateError, isTlsProtocolMismatch, networkErrorCode } from './network-errors.js';
export { emptyStats, MAX_STATS_HOSTS, parseRateLimit, quotaReserve, type RegistryStats } from './registry-stats.js';




export interface TransportOptions {
  readonly caCertificates?: readonly string[] | undefined;
  /** Idle timeout: connect, headers, and between body chunks. */
  readonly timeoutMs: number;
  /**
   * Total deadline of one request, all attempts and backoff included: a registry that trickles
   * bytes (each within the idle timeout) fails the request here. Streamed blob copies are exempt.
   */
  readonly requestTimeoutMs: number;
  /** Bound on all requests of one run (from construction or startRun()). */
  readonly runTimeoutMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly maxRetryAfterMs: number;
  readonly maxConcurrencyPerRegistry: number;
  readonly userAgent: string;
  readonly log: Log;
  readonly dispatcher?: Dispatcher | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;


/** Shared by every bodiless answer (HEADs): nothing reads or writes a zero-length buffer. */
const NO_BODY = Buffer.alloc(0);

const silentDebug = silentLog.debug;

export class Transport {
  readonly stats: RegistryStats = emptyStats();
  /** One connection pool per (TLS mode, origin): requests go straight to it, no per-request routing. */
  private readonly pools = new Map<string, Dispatcher>();
  private readonly limiters = new Map<string, Limiter>();
  private readonly sleep: (ms: number) => Promise<void>;
  /** When the current run's requests must be over (epoch ms). */
  private runEndsAt: number;
  /** Request deadlines share a controller and a timer per slot (see shared-deadline.ts). */
  private readonly deadlines: SharedDeadlines;

  /** Built once: most requests (manifest HEADs have their own) add nothing to these. */
  private readonly baseHeaders: Record<string, string>;
  /** Merges of frozen (constant) request headers with the base headers. */
  private readonly mergedHeaders = new WeakMap<object, Record<string, string>>();
  /** Per-request idle timeouts: only for an injected dispatcher (our pools are built with them). */
  private readonly requestTimeoutsMs: number | undefined;

  constructor(private readonly options: TransportOptions) {
    this.baseHeaders = { 'user-agent': options.userAgent };
    this.requestTimeoutsMs = options.dispatcher ? options.timeoutMs : undefined;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.runEndsAt = Date.now() + options.runTimeoutMs;
    this.deadlines = new SharedDeadlines(slotWidthMs(Math.min(options.requestTimeoutMs, options.runTimeoutMs)));
  }

  /** A new run: its requests get a fresh run bound (a stalled earlier run does not eat into it). */
  startRun(): void {
    this.runEndsAt = Date.now() + this.options.runTimeoutMs;
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  /**
   * The pool of `origin`. A request holds a slot of its host's limiter while it runs, so its pool
   * needs no more connections than slots; without that cap a slot released in a response callback
   * sends the next request before undici sees the connection free, and 8 slots kept 16 connections
   * (measured on docker-registry; their setup cost ~4% CPU per HEAD, #16). A streamed body frees its
   * slot when the headers arrive (a copy within one registry reads one blob while it writes
   * another): streams get a pool of their own, without a cap.
   */
  private dispatcher(tls: TlsMode, origin: string, stream: boolean): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    const key = stream ? `${tls}|${origin}|stream` : `${tls}|${origin}`;
    let pool = this.pools.get(key);
    if (!pool) {
      // `ca` replaces Node's roots, so the public roots are passed along with the extra CAs.
      const ca = this.options.caCertificates?.length ? [...rootCertificates, ...this.options.caCertificates] : undefined;
      pool = new Pool(origin, {
        ...(stream ? {} : { connections: Math.max(1, this.options.maxConcurrencyPerRegistry) }),
        connect: { timeout: this.options.timeoutMs, ...(tls === 'unverified' ? { rejectUnauthorized: false } : ca ? { ca } : {}) },
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  private limiter(host: string): Limiter {
    let l = this.limiters.get(host);
    if (!l) {
      l = new Limiter(Math.max(1, this.options.maxConcurrencyPerRegistry));
      this.limiters.set(host, l);
    }
    return l;
  }

  /** Close the connection pools this transport created. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  /**
   * Send one logical request: retries transient failures, follows redirects when asked and
   * returns the final response, whatever its status. Throws RegistryError only for network
   * failures (Transient / Insecure) and for 429 beyond the Retry-After bound.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    this.checkQuota(req);
    const now = Date.now();
    const byRequest = req.stream ? Number.POSITIVE_INFINITY : now + this.options.requestTimeoutMs;
    const endsAt = Math.min(byRequest, this.runEndsAt);
    if (endsAt <= now) throw this.deadlineError(req, endsAt === byRequest);
    const deadline = this.deadlines.join(endsAt);
    const { signal } = deadline;
    try {
      // The first attempt is made here, the others (rare) in `retried`: a resolve is one HEAD per
      // tag, thousands per run, and one async frame less per request is measurable (#16).
      let res: HttpResponse;
      try {
        res = await this.exchange(req, signal);
      } catch (e) {
        if (e instanceof RegistryError) throw e;
        return await this.retried(req, signal, undefined, e);
      }
      return res.status === 429 || RETRYABLE_STATUS.has(res.status) ? await this.retried(req, signal, res) : res;
    } catch (e) {
      if (signal.aborted) throw this.deadlineError(req, endsAt === byRequest);
      throw e;
    } finally {
      this.deadlines.leave(deadline);
    }
  }

  /** The request's own deadline (`ownDeadline`) or the run's bound ran out. */
  private deadlineError(req: HttpRequest, ownDeadline: boolean): RegistryError {
    return ownDeadline
      ? new RegistryError('RegistryTransient', `no complete answer from ${req.url.host} within ${seconds(this.options.requestTimeoutMs)} s (the total deadline of a registry request, TAGSTREAM_REGISTRY_TIMEOUT)`, {
          registry: req.registry, repository: req.repository, retryable: true,
        })
      : new RegistryError('RegistryTransient', `request to ${req.url.host} not finished within the time bound of the run (${seconds(this.options.runTimeoutMs)} s, TAGSTREAM_RUN_TIMEOUT)`, {
          registry: req.registry, repository: req.repository, retryable: true,
        });
  }

  /**
   * Attempts after the first, which `send` made: it answered `first` (a 429 or a retryable status)
   * or failed with `firstError` (a network error). Returns the answer to give or throws.
   */
  private async retried(req: HttpRequest, signal: DeadlineSignal, first: HttpResponse | undefined, firstError?: unknown): Promise<HttpResponse> {
    const attempts = isReplayable(req.body) && !req.noRetry ? this.options.retries + 1 : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) this.stats.retries++;
      let res: HttpResponse;
      try {
        if (attempt === 0) {
          if (first === undefined) throw firstError;
          res = first;
        } else res = await this.exchange(req, signal);
      } catch (e) {
        if (e instanceof RegistryError) throw e;
        lastError = e;
        const code = networkErrorCode(e);
        if (isCertificateError(e)) {
          throw new RegistryError(
            'RegistryInsecure',
            `TLS certificate of ${req.url.host} is not trusted (${code}): add its CA to caCertificates, or mark the registry insecure`,
            { registry: req.registry, repository: req.repository, retryable: false, cause: e },
          );
        }
        if (signal.aborted) throw e;
        if (RETRYABLE_NETWORK.has(code) && attempt + 1 < attempts) {
          await this.sleep(backoffMs(attempt, this.options.retryBaseMs, 10_000));
          if (signal.aborted) throw e;
          continue;
        }
        break;
      }
      const last = attempt + 1 >= attempts;
      if (res.status === 429) {
        const wait = serverRequestedWait(headerLookup(res.headers as Record<string, string | string[] | undefined>), Date.now());
        if (wait !== undefined && wait > this.options.maxRetryAfterMs) {
          await res.stream?.dump();
          throw new RegistryError(
            'RegistryRateLimited',
            `rate limited by ${req.url.host}: Retry-After ${Math.ceil(wait / 1000)} s exceeds the ${Math.ceil(this.options.maxRetryAfterMs / 1000)} s bound`,
            { registry: req.registry, repository: req.repository, status: 429, retryable: true },
          );
        }
        if (last) return res;
        await res.stream?.dump();
        await this.sleep(wait ?? backoffMs(attempt, this.options.retryBaseMs, this.options.maxRetryAfterMs));
        if (signal.aborted) throw signal.reason;
        continue;
      }
      if (RETRYABLE_STATUS.has(res.status) && !last) {
        await res.stream?.dump();
        await this.sleep(backoffMs(attempt, this.options.retryBaseMs, 10_000));
        if (signal.aborted) throw signal.reason;
        continue;
      }
      return res;
    }
    const code = networkErrorCode(lastError);
    throw new RegistryError(
      'RegistryTransient',
      `cannot reach ${req.url.host}: ${code === 'UNKNOWN' ? errorMessage(lastError) : code}`,
      { registry: req.registry, repository: req.repository, retryable: true, cause: lastError },
    );
  }

  /** One attempt, with manual redirects. */
  private async exchange(req: HttpRequest, signal: DeadlineSignal): Promise<HttpResponse> {
    let url = req.url;
    let headers: Record<string, string> = this.withBaseHeaders(req.headers);
    let method = req.method;
    for (let hop = 0; ; hop++) {
      // read once per hop: each URL getter builds a new string
      const { host, origin } = url;
      const limiter = this.limiter(host);
      if (!limiter.tryAcquire()) await limiter.wait();
      let data: Pick<Dispatcher.ResponseData, 'statusCode' | 'headers'> & { readonly body?: Dispatcher.ResponseData['body'] | undefined };
      try {
        this.count(req.kind);
        const dispatcher = this.dispatcher(req.tls, origin, req.stream === true);
        const common = {
          origin,
          path: url.search ? `${url.pathname}${url.search}` : url.pathname,
          method,
          headers,
          // our pools have these as their own defaults; an injected dispatcher is told per request
          headersTimeout: this.requestTimeoutsMs,
          bodyTimeout: this.requestTimeoutsMs,
        };
        data =
          method === 'HEAD'
            ? // a HEAD has no body: undici's low-level dispatch, without the response stream request() builds (#16).
              // undici closes the connection after every HEAD unless told otherwise; registries end HEAD
              // responses properly, and a resolve is one HEAD per tag: keep the connection (measured on
              // docker-registry: 20 HEADs over 2 connections instead of 20).
              await bodilessExchange(dispatcher, { ...common, reset: false }, signal)
            : // the total deadline; a streamed blob's signal never fires (no deadline)
              await dispatcher.request({ ...common, body: method === 'GET' ? undefined : req.body, signal });
      } catch (e) {
        limiter.release();
        this.countStatus(host, 'network');
        this.options.log.debug('registry request failed', { method, url: logUrl(url), error: networkErrorCode(e) });
        throw e;
      }
      const status = data.statusCode;
      this.countStatus(host, String(status));
      this.noteRateLimit(host, data.headers);
      if (this.options.log.debug !== silentDebug) this.options.log.debug('registry request', { method, url: logUrl(url), status });
      if (req.followRedirects && REDIRECT_STATUS.has(status)) {
        const location = headerValue(data.headers, 'location');
        if (location) {
          await data.body?.dump();
          limiter.release();
          const next = redirectTarget(req, url, location, status, hop);
          if (next.host !== host) {
            // Never forward the registry's credentials to another host (S3 pre-signed URLs, CDNs).
            const { authorization: _dropped, ...rest } = headers;
            headers = rest;
          }
          if (status === 303) method = 'GET';
          url = next;
          continue;
        }
      }
      if (data.body === undefined) {
        limiter.release();
        return { status, headers: data.headers, body: NO_BODY, url };
      }
      if (req.stream && status >= 200 && status < 300) {
        // The slot is freed when headers arrive, so a streamed copy within one registry cannot deadlock.
        limiter.release();
        return { status, headers: data.headers, body: NO_BODY, stream: data.body, url };
      }
      try {
        const body = await readLimited(data.body, req.maxBodyBytes ?? DEFAULT_MAX_BODY, url);
        return { status, headers: data.headers, body, url };
      } finally {
        limiter.release();
      }
    }
  }

  /** The base headers plus `headers`; merged once per headers object a caller reuses (manifest requests). */
  private withBaseHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
    if (headers === undefined) return this.baseHeaders;
    let merged = this.mergedHeaders.get(headers);
    if (merged === undefined) {
      merged = { ...this.baseHeaders, ...headers };
      if (Object.isFrozen(headers)) this.mergedHeaders.set(headers, merged);
    }
    return merged;
  }

  private countStatus(host: string, status: string): void {
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
    const key = host in this.stats.byHost || Object.keys(this.stats.byHost).length < MAX_STATS_HOSTS ? host : 'other';
    const counts = (this.stats.byHost[key] ??= {});
    counts[status] = (counts[status] ?? 0) + 1;
  }

  /**
   * Back off before a pull quota runs out rather than after a 429: once a registry reported that
   * no more than QUOTA_RESERVE of its window's pulls are left, manifest GETs to it (what Docker Hub
   * counts) fail fast as rate limited and retryable; HEADs (free) still go out and refresh the count.
   */
  private checkQuota(req: HttpRequest): void {
    if (req.kind !== 'manifestGet') return;
    const quota = this.stats.rateLimits[req.url.host];
    if (quota === undefined) return;
    const reserve = quotaReserve(quota.limit);
    if (quota.remaining > reserve) return;
    throw new RegistryError(
      'RegistryRateLimited',
      `pull quota of ${req.url.host} nearly used: ${quota.remaining}${quota.limit === undefined ? '' : ` of ${quota.limit}`} left in the window; keeping a reserve of ${reserve}, retrying later`,
      { registry: req.registry, repository: req.repository, status: 429, retryable: true },
    );
  }

  private noteRateLimit(host: string, headers: HttpResponse['headers']): void {
    const quota = parseRateLimit(headers);
    if (quota !== undefined && (host in this.stats.rateLimits || Object.keys(this.stats.rateLimits).length < MAX_STATS_HOSTS)) this.stats.rateLimits[host] = quota;
  }

  private count(kind: RequestKind): void {
    this.stats.requests++;
    this.stats[kind]++;
  }
}

/**
 * Where a redirect (hop `hop`, answered `status`) from `url` to `location` leads; throws when it
 * must not be followed (too many hops, another scheme, a remote registry steering at loopback, a
 * verified registry downgrading to plain HTTP).
 */
function redirectTarget(req: HttpRequest, url: URL, location: string, status: number, hop: number): URL {
  if (hop >= MAX_REDIRECTS) throw new RegistryError('RegistryProtocol', `too many redirects from ${req.url.host}`, { registry: req.registry, repository: req.repository, status });
  const next = new URL(location, url);
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new RegistryError('RegistryProtocol', `redirect from ${req.url.host} to an unsupported scheme ${next.protocol}`, { registry: req.registry, repository: req.repository, status });
  }
  if (!isLoopbackHost(req.url.host) && isLoopbackHost(next.host)) {
    // A remote registry must not steer us at this machine (ggcr checkRedirectSSRF).
    throw new RegistryError('RegistryProtocol', `${req.url.host} redirected to a loopback address (${next.host}); refused`, { registry: req.registry, repository: req.repository, status });
  }
  if (url.protocol === 'https:' && next.protocol === 'http:' && req.tls === 'verified' && !isLoopbackHost(next.host)) {
    throw new RegistryError('RegistryInsecure', `${req.url.host} redirected to plain HTTP (${next.host}); mark the registry insecure to allow it`, { registry: req.registry, repository: req.repository, status });
  }
  return next;
}

async function readLimited(body: Dispatcher.ResponseData['body'], max: number, url: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > max) {
      body.destroy();
      throw new RegistryError('RegistryProtocol', `response from ${url.host} is larger than ${max} bytes`, { registry: url.host });
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}


function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/**
 * One bodiless exchange (HEAD) through undici's documented low-level `dispatch` API: status and
 * parsed headers when the response has ended. request() would build a response stream (and its
 * handler and promise plumbing) for a body that never comes: per HEAD that was ~14% of a bare
 * Pool's CPU (#16, measured against `pool.request` + `body.dump()` on docker-registry). `signal`
 * aborts it as request()'s `signal` would: the exchange fails with the signal's reason.
 */
export function bodilessExchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: DeadlineSignal | undefined,
): Promise<{ statusCode: number; headers: HttpResponse['headers'] }> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: HttpResponse['headers'] = {};
    let onAbort: (() => void) | undefined;
    const settle = (): void => {
      if (onAbort !== undefined) signal?.removeListener('abort', onAbort);
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        if (signal === undefined) return;
        if (signal.aborted) {
          controller.abort(signal.reason as Error);
          return;
        }
        onAbort = () => controller.abort(signal.reason as Error);
        signal.on('abort', onAbort);
      },
      onResponseStart(_controller, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData() {},
      onResponseEnd() {
        settle();
        resolve({ statusCode, headers });
      },
      onResponseError(_controller, error) {
        settle();
        reject(error);
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (e) {
      settle();
      reject(e);
    }
  });
}
