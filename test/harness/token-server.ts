/**
 * A token issuer for docker-registry `auth: token` (distribution token spec), in-process on
 * 127.0.0.1:0: RS256 JWTs whose x5c header carries the signing certificate that the registry trusts.
 * GET with optional Basic credentials; OAuth2 POST (grant_type password / refresh_token) unless
 * disabled (then POST answers 404 so clients fall back to GET). Anonymous callers get pull only.
 */
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TOKEN_ISSUER = 'test-issuer';
export const TOKEN_SERVICE = 'test-registry';

export interface TokenServerOptions {
  certPath: string;
  keyPath: string;
  users: Record<string, string>;
  /** Refresh tokens accepted by the OAuth2 POST flow, mapped to the user they stand for. */
  refreshTokens?: Record<string, string>;
  /** Answer POST with 404 (a token server without OAuth2 support). */
  disablePost?: boolean;
  /** Lifetime of issued tokens in seconds (default 300). */
  expiresIn?: number;
}

export interface TokenRequestRecord {
  readonly method: string;
  readonly user: string;
  readonly scopes: readonly string[];
  readonly status: number;
}

export interface TokenServer {
  readonly url: string;
  readonly realm: string;
  readonly requests: TokenRequestRecord[];
  /** Issue a token directly (seeding helpers). */
  issue(user: string, scopes: string[]): string;
  stop(): Promise<void>;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** `repository:host:5000/x:pull,push` -> the name may hold one ':', so split off the first and last field. */
function parseScope(scope: string, authed: boolean): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  const actions = scope.slice(last + 1).split(',').filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: authed ? actions : actions.filter((a) => a === 'pull') };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Start the issuer; the registry config must name `realm`, TOKEN_SERVICE, TOKEN_ISSUER and the cert. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = readFileSync(options.keyPath);
  const x5c = new X509Certificate(readFileSync(options.certPath)).raw.toString('base64'); // standard base64
  const b64u = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const requests: TokenRequestRecord[] = [];
  const ttl = options.expiresIn ?? 300;

  const issue = (user: string, scopes: string[]): string => {
    const access = scopes.map((s) => parseScope(s, user !== '')).filter((a): a is Access => a !== undefined);
    const now = Math.floor(Date.now() / 1000);
    const head = b64u({ typ: 'JWT', alg: 'RS256', x5c: [x5c] });
    const body = b64u({ iss: TOKEN_ISSUER, sub: user, aud: TOKEN_SERVICE, exp: now + ttl, nbf: now - 1, iat: now, jti: randomUUID(), access });
    const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
    return `${head}.${body}.${sig}`;
  };

  const answer = (res: ServerResponse, record: Omit<TokenRequestRecord, 'status'>, token: string | undefined): void => {
    const status = token === undefined ? 401 : 200;
    requests.push({ ...record, status });
    if (token === undefined) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"details":"invalid credentials"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: ttl, issued_at: new Date().toISOString() }));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST') {
        const body = new URLSearchParams(await readBody(req));
        if (options.disablePost) {
          requests.push({ method: 'POST', user: '', scopes: [], status: 404 });
          res.writeHead(404);
          res.end();
          return;
        }
        const scopes = (body.get('scope') ?? '').split(' ').filter(Boolean);
        let user: string | undefined;
        if (body.get('grant_type') === 'refresh_token') user = options.refreshTokens?.[body.get('refresh_token') ?? ''];
        if (body.get('grant_type') === 'password') {
          const u = body.get('username') ?? '';
          if (options.users[u] !== undefined && options.users[u] === body.get('password')) user = u;
        }
        answer(res, { method: 'POST', user: user ?? '?', scopes }, user === undefined ? undefined : issue(user, scopes));
        return;
      }
      const scopes = url.searchParams.getAll('scope');
      const header = req.headers.authorization ?? '';
      if (header === '') {
        answer(res, { method: 'GET', user: '', scopes }, issue('', scopes));
        return;
      }
      const decoded = Buffer.from(header.replace(/^Basic /i, ''), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      const ok = colon > 0 && options.users[user] !== undefined && options.users[user] === decoded.slice(colon + 1);
      answer(res, { method: 'GET', user, scopes }, ok ? issue(user, scopes) : undefined);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/token`,
    requests,
    issue,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
