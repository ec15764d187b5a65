/**
 * A loopback reverse proxy in front of a real (plain HTTP) registry that can fail on purpose:
 * answer 503 (or any status) N times, or 429 with a Retry-After value, then pass through; or lie:
 * forward, but answer with a `Docker-Content-Digest` the registry never sent.
 * It records every request it sees so tests can count round trips.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** True when the proxy answered itself instead of forwarding. */
  readonly injected: boolean;
}

interface Lie {
  digest: string;
  remaining: number;
  match: RegExp | undefined;
}

interface Fault {
  status: number;
  headers: Record<string, string>;
  remaining: number;
  match: RegExp | undefined;
}

export interface FlakyProxy {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /** Highest number of requests that were open at the same time since the last reset. */
  readonly maxInFlight: number;
  /** Answer the next `times` matching requests with `status` (default 503). */
  failNext(times: number, status?: number, match?: RegExp): void;
  /** Answer the next `times` matching requests with 429 and this Retry-After header value. */
  rateLimitNext(times: number, retryAfter: string | undefined, match?: RegExp): void;
  /**
   * Forward the next `times` matching requests but replace the answer's Docker-Content-Digest
   * header with `digest` (a tag HEAD naming a manifest the registry does not have).
   */
  lieNext(times: number, digest: string, match?: RegExp): void;
  /** Requests whose method and path match. */
  count(method?: string, pathPattern?: RegExp): number;
  reset(): void;
  stop(): Promise<void>;
}

/** Start a proxy that forwards to `target` (`http://127.0.0.1:PORT`). */
export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:') throw new Error('flaky proxy: only plain HTTP upstreams are supported');
  const requests: ProxiedRequest[] = [];
  const faults: Fault[] = [];
  const lies: Lie[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight--;
    });
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const fault = faults.find((f) => f.remaining > 0 && (f.match === undefined || f.match.test(path)));
    if (fault) {
      fault.remaining -= 1;
      requests.push({ method, path, status: fault.status, injected: true });
      req.resume();
      const body = JSON.stringify({ errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'injected by flaky proxy' }] });
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }
    const lie = lies.find((l) => l.remaining > 0 && (l.match === undefined || l.match.test(path)));
    if (lie) lie.remaining -= 1;
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        requests.push({ method, path, status: up.statusCode ?? 0, injected: lie !== undefined });
        res.writeHead(up.statusCode ?? 502, lie ? { ...up.headers, 'docker-content-digest': lie.digest } : up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      requests.push({ method, path, status: 502, injected: true });
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    failNext(times, status = 503, match) {
      faults.push({ status, headers: {}, remaining: times, match });
    },
    rateLimitNext(times, retryAfter, match) {
      faults.push({ status: 429, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter }, remaining: times, match });
    },
    lieNext(times, digest, match) {
      lies.push({ digest, remaining: times, match });
    },
    count(method, pathPattern) {
      return requests.filter((r) => (method === undefined || r.method === method) && (pathPattern === undefined || pathPattern.test(r.path))).length;
    },
    reset() {
      requests.length = 0;
      faults.length = 0;
      lies.length = 0;
      maxInFlight = inFlight;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
