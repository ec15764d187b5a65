/**
 * Bearer tokens from a registry's token realm (distribution token.md / oauth.md): anonymous GET,
 * GET with Basic credentials (sent to the realm only), OAuth2 POST with an identity (refresh) token
 * falling back to GET on 404. Tokens are cached per (realm, service, scopes, credential identity)
 * until a little before they expire (lifetime at least 60 s); concurrent identical fetches share one request.
 */
import { createHash } from 'node:crypto';
import { RegistryError } from '../../errors.js';
import { basicAuthorization, type RegistryCredential } from './credentials/credential-types.js';
import type { TlsMode, Transport } from './transport.js';

export interface TokenRequest {
  readonly realm: string;
  readonly service?: string | undefined;
  readonly scopes: readonly string[];
  readonly credential?: RegistryCredential | undefined;
  readonly tls: TlsMode;
  /** For errors. */
  readonly registry: string;
  readonly repository?: string | undefined;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export const MIN_TOKEN_LIFETIME_S = 60;
const CLIENT_ID = 'tagstream';
const MAX_TOKEN_BODY = 64 * 1024;

/** A stable, non-secret identity for a credential (cache key only; never logged). */
export function credentialIdentity(c: RegistryCredential | undefined): string {
  if (!c) return 'anonymous';
  const h = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);
  if (c.identityToken) return `identity:${c.username ?? ''}:${h(c.identityToken)}`;
  if (c.username !== undefined && c.password !== undefined) return `basic:${c.username}:${h(c.password)}`;
  return 'anonymous';
}

/** Expiry per token.md: issued_at (or now) + max(expires_in, 60) s, renewed a little early. */
export function tokenExpiry(body: { expires_in?: unknown; issued_at?: unknown }, nowMs: number): number {
  const lifetime = Math.max(typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : MIN_TOKEN_LIFETIME_S, MIN_TOKEN_LIFETIME_S);
  const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : Number.NaN;
  const start = Number.isNaN(issued) || issued > nowMs ? nowMs : issued;
  const early = Math.min(30_000, lifetime * 100); // 10 % of the lifetime, at most 30 s
  return start + lifetime * 1000 - early;
}

export class TokenService {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly transport: Transport,
    private readonly now: () => number = Date.now,
  ) {}

  private key(r: TokenRequest): string {
    return [r.realm, r.service ?? '', [...r.scopes].sort().join(' '), credentialIdentity(r.credential)].join('|');
  }

  /** A valid token for the request, from cache or the realm. */
  async token(r: TokenRequest): Promise<string> {
    const key = this.key(r);
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.token;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetch(r).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const fresh = await pending;
    // Evict expired tokens as new ones arrive: a daemon lives for months, its scopes and credentials change.
    const now = this.now();
    for (const [k, t] of this.cache) if (t.expiresAt <= now) this.cache.delete(k);
    this.cache.set(key, fresh);
    return fresh.token;
  }

  /** Cached tokens (tests). */
  get size(): number {
    return this.cache.size;
  }

  /** Forget a token the registry rejected. */
  invalidate(r: TokenRequest): void {
    this.cache.delete(this.key(r));
  }

  private async fetch(r: TokenRequest): Promise<CachedToken> {
    const c = r.credential;
    if (c?.identityToken) {
      const res = await this.post(r, c.identityToken);
      if (res) return res;
      // 404: this token server has no OAuth2 endpoint; GET with whatever Basic credentials we have.
    }
    return this.get(r);
  }

  private async post(r: TokenRequest, refreshToken: string): Promise<CachedToken | undefined> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID });
    if (r.service) form.set('service', r.service);
    if (r.scopes.length) form.set('scope', r.scopes.join(' '));
    const res = await this.transport.send({
      url: new URL(r.realm),
      method: 'POST',
      kind: 'token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      tls: r.tls,
      registry: r.registry,
      repository: r.repository,
      maxBodyBytes: MAX_TOKEN_BODY,
    });
    if (res.status === 404) return undefined;
    return this.parse(res.status, res.body, r);
  }

  private async get(r: TokenRequest): Promise<CachedToken> {
    const url = new URL(r.realm);
    if (r.service) url.searchParams.set('service', r.service);
    for (const s of r.scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    const c = r.credential;
    if (c?.username !== undefined && c.password !== undefined) {
      url.searchParams.set('account', c.username);
      headers.authorization = basicAuthorization(c.username, c.password);
    }
    const res = await this.transport.send({
      url,
      method: 'GET',
      kind: 'token',
      headers,
      tls: r.tls,
      registry: r.registry,
      repository: r.repository,
      maxBodyBytes: MAX_TOKEN_BODY,
    });
    return this.parse(res.status, res.body, r);
  }

  private parse(status: number, body: Buffer, r: TokenRequest): CachedToken {
    const realmHost = new URL(r.realm).host;
    const details = { registry: r.registry, repository: r.repository, status };
    if (status === 401 || status === 403) {
      throw new RegistryError('RegistryUnauthorized', `unauthorized: the token server ${realmHost} refused the credentials for ${r.registry}`, details);
    }
    if (status === 429) throw new RegistryError('RegistryRateLimited', `rate limited by the token server ${realmHost}`, { ...details, retryable: true });
    if (status >= 500) throw new RegistryError('RegistryTransient', `token server ${realmHost} answered ${status}`, { ...details, retryable: true });
    if (status !== 200) throw new RegistryError('RegistryProtocol', `token server ${realmHost} answered ${status}`, details);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError('RegistryProtocol', `token server ${realmHost} did not answer JSON`, details);
    }
    // distribution and ggcr prefer access_token when both are present.
    const token = typeof parsed.access_token === 'string' && parsed.access_token ? parsed.access_token : parsed.token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError('RegistryProtocol', `token server ${realmHost} answered without a token`, details);
    }
    return { token, expiresAt: tokenExpiry(parsed, this.now()) };
  }
}
