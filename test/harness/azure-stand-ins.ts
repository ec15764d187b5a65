/**
 * Loopback stand-ins for Azure Container Registry's identity path, for @azure/identity's real
 * workload-identity flow and Tagstream's ACR exchange:
 *
 * - `startEntraStandIn`: the Microsoft Entra token endpoint over HTTPS (MSAL refuses an http
 *   authority) with a test CA: `GET /{tenant}/v2.0/.well-known/openid-configuration` and
 *   `POST /{tenant}/oauth2/v2.0/token`, checked against the documented client-credentials request
 *   with a federated assertion (grant_type=client_credentials, client_id, scope,
 *   client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion;
 *   learn.microsoft.com "Microsoft identity platform and the OAuth 2.0 client credentials flow",
 *   "Second case: Access token request with a certificate/federated credential").
 * - `startAcrFront`: the registry host as ACR serves it: `POST /oauth2/exchange` (grant_type=
 *   access_token, service, tenant, access_token -> refresh_token; Azure/acr docs/AAD-OAuth.md) and
 *   `/oauth2/token` (refresh_token grant -> access_token), in front of a real docker-registry whose
 *   token server accepts the refresh tokens the exchange issued. `/v2/` is proxied to the registry
 *   with its `WWW-Authenticate` realm rewritten to the front's `/oauth2/token`, as ACR answers.
 *
 * Anything that does not match is answered 400 and recorded in `violations`. The front's
 * `/oauth2/exchange` and `/oauth2/token` requests and answers are also validated against ACR's
 * data-plane Swagger description (an excerpt under test/fixtures/cloud, see SOURCES.md there):
 * an undeclared form field, a missing required one, a value outside its enum, a wrong content type
 * or an answer that does not fit the documented schema is a violation too.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestRegistry } from './registry.js';
import { TEST_USER } from './registry.js';
import type { TlsMaterial } from './tls.js';
import { loadAcrOAuth2Swagger, matchSwagger, validateSwaggerForm, validateSwaggerRequest, validateSwaggerResponse, type SwaggerMatch } from './swagger-api.js';

const ACR_OAUTH2 = loadAcrOAuth2Swagger();
/**
 * Form fields ACR accepts that its description leaves out: `client_id` is required by the Docker
 * token authentication spec's OAuth2 POST (distribution docs/spec/auth/oauth.md), which ACR serves
 * and docker/containerd clients send.
 */
const ACR_TOLERATED_FORM_FIELDS = ['client_id'];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

export interface EntraStandIn {
  /** `https://127.0.0.1:PORT`: AZURE_AUTHORITY_HOST. */
  readonly authorityHost: string;
  /** Access tokens issued, oldest first. */
  readonly issued: string[];
  readonly violations: string[];
  /** Lifetime of the next tokens, seconds (default 3599). */
  expiresIn: number;
  stop(): Promise<void>;
}

export interface EntraOptions {
  readonly tls: TlsMaterial;
  readonly tenantId: string;
  readonly clientId: string;
  /** The federated token the workload's file holds (what Kubernetes projects). */
  readonly federatedToken: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ACR_SCOPE = 'https://containerregistry.azure.net/.default';

/** The Entra token endpoint on https://127.0.0.1 (certificate from `tls`). */
export async function startEntraStandIn(options: EntraOptions): Promise<EntraStandIn> {
  const issued: string[] = [];
  const violations: string[] = [];
  let base = '';
  const state = { expiresIn: 3599 };
  const server = createHttpsServer({ cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const body = await readBody(req);
      const t = options.tenantId;
      if (req.method === 'GET' && url.pathname === `/${t}/v2.0/.well-known/openid-configuration`) {
        return json(res, 200, {
          issuer: `${base}/${t}/v2.0`,
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        });
      }
      if (req.method === 'POST' && url.pathname === `/${t}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(body);
        const wrong: string[] = [];
        if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) wrong.push(`content-type ${req.headers['content-type']}`);
        if (form.get('grant_type') !== 'client_credentials') wrong.push(`grant_type ${form.get('grant_type')}`);
        if (form.get('client_id') !== options.clientId) wrong.push(`client_id ${form.get('client_id')}`);
        if (form.get('scope') !== ACR_SCOPE) wrong.push(`scope ${form.get('scope')}`);
        if (form.get('client_assertion_type') !== JWT_BEARER) wrong.push(`client_assertion_type ${form.get('client_assertion_type')}`);
        const assertion = form.get('client_assertion');
        if (assertion === null || assertion === '') wrong.push('no client_assertion');
        if (wrong.length > 0) {
          violations.push(`token request: ${wrong.join(', ')}`);
          return json(res, 400, { error: 'invalid_request', error_description: wrong.join(', ') });
        }
        if (assertion !== options.federatedToken) {
          // A well-formed request whose assertion matches no federated credential: Entra's answer
          // (AADSTS700213), with the per-request trace and correlation ids and time Entra adds.
          const [trace, correlation, at] = [randomUUID(), randomUUID(), new Date().toISOString().replace('T', ' ').replace('Z', 'Z')];
          const description = `AADSTS700213: No matching federated identity record found for presented assertion subject. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${at}`;
          return json(res, 400, { error: 'invalid_client', error_description: description, error_codes: [700213], timestamp: at, trace_id: trace, correlation_id: correlation });
        }
        const token = `entra-${issued.length + 1}-${randomUUID()}`;
        issued.push(token);
        return json(res, 200, { token_type: 'Bearer', expires_in: state.expiresIn, ext_expires_in: state.expiresIn, access_token: token });
      }
      violations.push(`${req.method} ${url.pathname}: not an Entra endpoint the stand-in serves`);
      return json(res, 400, { error: 'invalid_request' });
    })().catch((e: unknown) => {
      violations.push(`server error: ${String(e)}`);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    authorityHost: base,
    issued,
    violations,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

export interface AcrFront {
  /** `127.0.0.1:PORT`: the registry host clients use. */
  readonly host: string;
  /** Refresh tokens the exchange issued, oldest first. */
  readonly exchanged: string[];
  readonly violations: string[];
  /** Lifetime of the next refresh tokens, seconds (ACR: 3 hours). */
  refreshLifetime: number;
  /** Stop accepting a refresh token (as when it expires or is revoked). */
  revoke(refreshToken: string): void;
  stop(): Promise<void>;
}

/** A refresh token shaped like ACR's: a JWT (unsigned here) whose `exp` clients may read. */
function refreshJwt(lifetimeS: number): string {
  const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u({ jti: randomUUID(), sub: TEST_USER, grant_type: 'refresh_token', iat: now, exp: now + lifetimeS })}.`;
}

/**
 * ACR's token exchange in front of `registry`, which must use `auth: 'token'` with `refreshTokens`
 * (the same object: the exchange adds to it, `revoke` removes from it).
 */
export async function startAcrFront(registry: TestRegistry, refreshTokens: Record<string, string>, entra: EntraStandIn, tenantId: string): Promise<AcrFront> {
  const tokenServer = registry.tokenServer;
  if (!tokenServer) throw new Error('startAcrFront needs a registry started with auth: token');
  const exchanged: string[] = [];
  const violations: string[] = [];
  const state = { refreshLifetime: 3 * 3600 };
  let host = '';

  const forward = (req: IncomingMessage, res: ServerResponse, target: URL, body: string, rewriteRealm: boolean): void => {
    const out = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      const headers = { ...up.headers };
      const challenge = headers['www-authenticate'];
      if (rewriteRealm && typeof challenge === 'string') headers['www-authenticate'] = challenge.replace(/realm="[^"]*"/, `realm="http://${host}/oauth2/token"`);
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    out.end(body);
  };

  /** The request against ACR's description of the operation (form or query). */
  const described = (req: IncomingMessage, url: URL, body: string): SwaggerMatch | undefined => {
    const m = matchSwagger(ACR_OAUTH2, req.method ?? 'GET', url.pathname);
    if (m === undefined) {
      violations.push(`${req.method} ${url.pathname}: no such operation in ACR's description`);
      return undefined;
    }
    const problems = req.method === 'POST'
      ? validateSwaggerForm(ACR_OAUTH2, m, url.searchParams, req.headers['content-type'], new URLSearchParams(body), ACR_TOLERATED_FORM_FIELDS)
      : validateSwaggerRequest(ACR_OAUTH2, m, url.searchParams, body === '' ? undefined : body);
    violations.push(...problems.map((p) => `request: ${p}`));
    return m;
  };
  /** Answer JSON, after checking it against the operation's documented response. */
  const answer = (res: ServerResponse, m: SwaggerMatch | undefined, status: number, body: unknown): void => {
    if (m !== undefined) violations.push(...validateSwaggerResponse(ACR_OAUTH2, m, status, body).map((p) => `response: ${p}`));
    json(res, status, body);
  };
  /** `/oauth2/token` is the real token server's answer, checked on its way through. */
  const forwardToken = (req: IncomingMessage, res: ServerResponse, m: SwaggerMatch | undefined, target: URL, body: string): void => {
    const out = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          violations.push(`response: /oauth2/token ${up.statusCode}: not JSON`);
        }
        if (m !== undefined && parsed !== undefined) violations.push(...validateSwaggerResponse(ACR_OAUTH2, m, up.statusCode ?? 502, parsed).map((p) => `response: ${p}`));
        res.writeHead(up.statusCode ?? 502, up.headers);
        res.end(text);
      });
    });
    out.on('error', () => res.writeHead(502).end());
    out.end(body);
  };

  /** `/oauth2/exchange`: a current Entra access token for an ACR refresh token. */
  const exchange = (res: ServerResponse, m: SwaggerMatch | undefined, req: IncomingMessage, body: string): void => {
    if (req.method === 'POST') {
      const form = new URLSearchParams(body);
      const wrong: string[] = [];
      if (form.get('grant_type') !== 'access_token') wrong.push(`grant_type ${form.get('grant_type')}`);
      if (form.get('service') !== host) wrong.push(`service ${form.get('service')}`);
      if (form.get('tenant') !== null && form.get('tenant') !== tenantId) wrong.push(`tenant ${form.get('tenant')}`);
      // Only the newest Entra token is current (older ones "expired").
      if (form.get('access_token') !== entra.issued.at(-1)) wrong.push('access_token is not a current Entra token');
      if (wrong.length > 0) {
        violations.push(`exchange: ${wrong.join(', ')}`);
        return answer(res, m, 401, { errors: [{ code: 'UNAUTHORIZED', message: wrong.join(', ') }] });
      }
      const refresh = refreshJwt(state.refreshLifetime);
      exchanged.push(refresh);
      refreshTokens[refresh] = TEST_USER;
      return answer(res, m, 200, { refresh_token: refresh });
    }
    return answer(res, m, 405, { errors: [{ code: 'UNSUPPORTED', message: `${req.method} /oauth2/exchange` }] });
  };

  const server = createHttpServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${host}`);
      const body = await readBody(req);
      if (url.pathname === '/oauth2/exchange' || url.pathname === '/oauth2/token') {
        const m = described(req, url, body);
        if (url.pathname === '/oauth2/token') return forwardToken(req, res, m, new URL(`/token${url.search}`, tokenServer.url), body);
        return exchange(res, m, req, body);
      }
      if (url.pathname.startsWith('/v2/')) return forward(req, res, new URL(`${url.pathname}${url.search}`, `http://${registry.host}`), body, true);
      violations.push(`${req.method} ${url.pathname}: not an ACR endpoint the stand-in serves`);
      return json(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
    })().catch((e: unknown) => {
      violations.push(`server error: ${String(e)}`);
      res.writeHead(500).end();
    });
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    host,
    exchanged,
    violations,
    revoke: (token: string) => void delete refreshTokens[token],
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
