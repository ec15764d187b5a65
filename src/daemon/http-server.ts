/**
 * The daemon's HTTP face on the listen address: `/healthz`, `/readyz`, `/metrics` and the two
 * webhooks (`POST /webhooks/registry`, `POST /webhooks/git`), both behind the shared bearer
 * secret, with a body size limit. Nothing it logs or answers contains the secret.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, isTagstreamError } from '../errors.js';
import type { Log } from '../ports/log.js';
import { PROMETHEUS_CONTENT_TYPE } from './daemon-metrics.js';
import { parseRegistryNotification, type RegistryHint } from './registry-events.js';
import { gitWebhookAuthorized, redactedTarget, registryBodySigned, registrySecretPresented } from './webhook-auth.js';

export interface DaemonHttpHandlers {
  ready(): boolean;
  /** Why the daemon is not ready (default: the first fetch has not succeeded yet). */
  notReadyReason?(): string;
  stopping(): boolean;
  metricsText(): Promise<string> | string;
  /** Queue a run for these pushes; false when the daemon no longer accepts work. */
  registryPushed(hints: readonly RegistryHint[]): boolean;
  /** The branch moved (`ref` from the push payload when it names one, e.g. `refs/heads/main`). */
  gitPushed(ref?: string | undefined): boolean;
  /** Counted once per authenticated webhook. */
  webhookAccepted?(): void;
}

export interface DaemonHttpOptions {
  readonly host: string;
  readonly port: number;
  /** Undefined: webhooks are disabled and answer 404. */
  readonly webhookSecret: string | undefined;
  readonly maxBodyBytes: number;
  readonly log: Log;
}

export interface DaemonHttpServer {
  /** `http://host:port` actually bound. */
  readonly url: string;
  readonly port: number;
  /** Stop accepting connections and close idle ones. */
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Start listening; resolves once bound. */
export async function startDaemonHttpServer(handlers: DaemonHttpHandlers, options: DaemonHttpOptions): Promise<DaemonHttpServer> {
  const server: Server = createServer((req, res) => {
    handle(req, res, handlers, options).catch((e: unknown) => {
      const status = e instanceof HttpProblem ? e.status : isTagstreamError(e) && e.code === 'BadRequest' ? 400 : 500;
      const fields = { status, method: req.method, path: redactedTarget(req.url), reason: errorMessage(e) };
      if (status === 500) options.log.error('request failed', fields);
      else if (status === 404 || status === 405) options.log.debug('request refused', fields);
      else options.log.warn('request refused', fields);
      sendJson(res, status, { error: errorMessage(e) }, status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

async function handle(req: IncomingMessage, res: ServerResponse, h: DaemonHttpHandlers, o: DaemonHttpOptions): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  const read = method === 'GET' || method === 'HEAD';
  switch (path) {
    case '/healthz':
      if (!read) throw new HttpProblem(405, `${method} ${path}: method not allowed`);
      return sendText(res, 200, 'ok\n');
    case '/readyz':
      if (!read) throw new HttpProblem(405, `${method} ${path}: method not allowed`);
      if (h.stopping()) return sendText(res, 503, 'shutting down\n');
      return h.ready() ? sendText(res, 200, 'ready\n') : sendText(res, 503, `not ready: ${h.notReadyReason?.() ?? 'the first fetch has not succeeded yet'}\n`);
    case '/metrics':
      if (!read) throw new HttpProblem(405, `${method} ${path}: method not allowed`);
      return sendText(res, 200, await h.metricsText(), PROMETHEUS_CONTENT_TYPE);
    case '/webhooks/registry': {
      const secret = webhookSecret(o, path, method);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const presented = registrySecretPresented(req.headers, url.searchParams, secret);
      // Authenticate before reading the body when the secret is in the header or the URL, so
      // unauthenticated clients cannot make us buffer; a GitHub signature covers the body.
      if (!presented && req.headers['x-hub-signature-256'] === undefined) {
        req.resume();
        throw new HttpProblem(401, `${path}: missing or wrong secret (Bearer, ?secret= or X-Hub-Signature-256)`);
      }
      refuseWhenStopping(h, req, path);
      const body = await readBody(req, o.maxBodyBytes);
      if (!presented && !registryBodySigned(req.headers, body, secret)) throw new HttpProblem(401, `${path}: missing or wrong secret (Bearer, ?secret= or X-Hub-Signature-256)`);
      h.webhookAccepted?.();
      const githubEvent = req.headers['x-github-event'];
      const parsed = parseRegistryNotification(parseJson(body), { githubEvent: Array.isArray(githubEvent) ? githubEvent[0] : githubEvent });
      if (!h.registryPushed(parsed.hints)) throw new HttpProblem(503, `${path}: shutting down`);
      o.log.info('registry notification', { format: parsed.format, pushes: parsed.hints.map((x) => `${x.registry ?? ''}/${x.repository}:${x.tag}`), ignored: parsed.ignored });
      return sendJson(res, 202, { format: parsed.format, queued: parsed.hints.length, ignored: parsed.ignored });
    }
    case '/webhooks/git': {
      const secret = webhookSecret(o, path, method);
      // Signatures cover the body, so it is read (within the size limit) before the check.
      const body = await readBody(req, o.maxBodyBytes);
      if (!gitWebhookAuthorized(req.headers, body, secret)) throw new HttpProblem(401, `${path}: missing or wrong secret (Bearer, X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token)`);
      refuseWhenStopping(h, req, path);
      h.webhookAccepted?.();
      const ref = gitRef(body);
      if (!h.gitPushed(ref)) throw new HttpProblem(503, `${path}: shutting down`);
      return sendJson(res, 202, { queued: true });
    }
    default:
      throw new HttpProblem(404, `${path}: not found`);
  }
}

function webhookSecret(o: DaemonHttpOptions, path: string, method: string): string {
  if (o.webhookSecret === undefined) throw new HttpProblem(404, `${path}: webhooks are disabled (no webhook secret configured)`);
  if (method !== 'POST') throw new HttpProblem(405, `${method} ${path}: method not allowed, use POST`);
  return o.webhookSecret;
}

function refuseWhenStopping(h: DaemonHttpHandlers, req: IncomingMessage, path: string): void {
  if (!h.stopping()) return;
  req.resume();
  throw new HttpProblem(503, `${path}: shutting down`);
}

/**
 * The pushed ref of a push payload, when the body is one: `ref` (GitHub, GitLab, Gitea/Forgejo),
 * `changes[0].ref.id` (Bitbucket Data Center), `push.changes[0].new.name` of a branch (Bitbucket Cloud).
 */
export function gitRef(body: Buffer): string | undefined {
  try {
    const j = JSON.parse(body.toString('utf8')) as {
      ref?: unknown;
      changes?: { ref?: { id?: unknown } }[];
      push?: { changes?: { new?: { type?: unknown; name?: unknown } | null }[] };
    };
    if (typeof j.ref === 'string') return j.ref;
    const dc = j.changes?.[0]?.ref?.id;
    if (typeof dc === 'string') return dc;
    const cloud = j.push?.changes?.[0]?.new;
    if (cloud && cloud.type === 'branch' && typeof cloud.name === 'string') return `refs/heads/${cloud.name}`;
    return undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpProblem(413, `body of ${declared} bytes exceeds the limit of ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpProblem(413, `body exceeds the limit of ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpProblem(400, `invalid JSON body: ${(e as Error).message}`);
  }
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
