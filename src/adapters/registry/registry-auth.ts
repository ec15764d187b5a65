/**
 * Authenticated requests to a registry: Basic or Bearer (token service), the credential of a
 * repository looked up once per run, and the 401 dance (learn the challenge, grow the scope, fetch a
 * token once more, retry once when the body can be replayed).
 */
import { RegistryError } from '../../errors.js';
import { isLoopbackHost } from '../../domain/image-reference.js';
import { parseWwwAuthenticate, preferredChallenge } from './challenge.js';
import { basicAuthorization, type CredentialSource, type RegistryCredential } from './credentials/credential-types.js';
import type { Endpoint, Endpoints } from './endpoint.js';
import type { CallRequest } from './image-copy.js';
import type { Location } from './locations.js';
import { once } from './once.js';
import type { TokenRequest, TokenService } from './token-service.js';
import { isReplayable, type HttpRequest, type HttpResponse, type Transport } from './transport.js';

export class RegistryAuth {
  /** Per run: credential lookups. */
  private credentialsCache = new Map<string, Promise<RegistryCredential | undefined>>();

  constructor(
    private readonly transport: Transport,
    private readonly tokens: TokenService,
    private readonly endpoints: Endpoints,
    private readonly credentials: CredentialSource | undefined,
    private readonly insecureHosts: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Start a new run: forget credential lookups (keep tokens). */
  newRun(): void {
    this.credentialsCache = new Map();
  }

  private async credential(loc: Location): Promise<RegistryCredential | undefined> {
    const source = this.credentials;
    if (!source) return undefined;
    const key = `${loc.domain}|${loc.path}`;
    const credential = await once(this.credentialsCache, key, () => source(loc.domain, loc.path));
    if (credential?.expiresAt === undefined || credential.expiresAt > this.now()) return credential;
    // Expired within the run (a long copy): ask the source again; it renews before expiry.
    this.credentialsCache.delete(key);
    return once(this.credentialsCache, key, () => source(loc.domain, loc.path));
  }

  /** The registry refused our credential: forget it here and in its source (re-read files, re-ask helpers, new cloud token). */
  private forgetCredential(loc: Location): void {
    this.credentialsCache.delete(`${loc.domain}|${loc.path}`);
    this.credentials?.invalidate?.(loc.domain);
  }

  private tokenRequest(loc: Location, endpoint: Endpoint, scopes: readonly string[], credential: RegistryCredential | undefined): TokenRequest {
    const challenge = endpoint.challenge;
    const realm = challenge?.params.realm ?? '';
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new RegistryError('RegistryProtocol', `${loc.domain} sent a Bearer challenge without a usable realm`, { registry: loc.domain, repository: loc.path });
    }
    if (realmUrl.protocol !== 'https:') {
      const realmHost = realmUrl.host;
      const trusted = loc.insecure || isLoopbackHost(realmHost) || this.insecureHosts.has(realmHost);
      if (realmUrl.protocol !== 'http:' || !trusted) {
        throw new RegistryError('RegistryInsecure', `${loc.domain} names a token realm that is not https (${realmUrl.protocol}//${realmHost}); mark the registry insecure to allow it`, {
          registry: loc.domain,
          repository: loc.path,
        });
      }
    }
    return {
      realm,
      service: challenge?.params.service,
      scopes,
      credential,
      tls: endpoint.tls,
      registry: loc.domain,
      repository: loc.path,
    };
  }

  /** The Authorization header for a request to `loc` needing `scopes`, or undefined (anonymous). */
  private async authorization(loc: Location, endpoint: Endpoint, scopes: readonly string[]): Promise<string | undefined> {
    const challenge = endpoint.challenge;
    if (!challenge) return undefined;
    const credential = await this.credential(loc);
    if (challenge.scheme === 'basic') {
      if (credential?.username === undefined || credential.password === undefined) return undefined;
      return basicAuthorization(credential.username, credential.password);
    }
    if (challenge.scheme !== 'bearer') return undefined;
    if (credential?.registryToken) return `Bearer ${credential.registryToken}`;
    try {
      return `Bearer ${await this.tokens.token(this.tokenRequest(loc, endpoint, scopes, credential))}`;
    } catch (e) {
      // The token server refused the credential: read it again once (it may have been rotated).
      if (credential === undefined || !(e instanceof RegistryError) || e.code !== 'RegistryUnauthorized') throw e;
      this.forgetCredential(loc);
      const fresh = await this.credential(loc);
      if (fresh === undefined || sameCredential(fresh, credential)) throw e;
      if (fresh.registryToken) return `Bearer ${fresh.registryToken}`;
      return `Bearer ${await this.tokens.token(this.tokenRequest(loc, endpoint, scopes, fresh))}`;
    }
  }

  /**
   * One authenticated request to the registry of `loc`. On 401 it learns the challenge (a new
   * scope on insufficient_scope, or a challenge the ping did not show), fetches a token once more
   * and retries once when the body can be replayed.
   */
  async call(loc: Location, req: CallRequest): Promise<HttpResponse> {
    const endpoint = this.endpoints.known(loc) ?? (await this.endpoints.endpoint(loc));
    // no challenge known (anonymous registry): no credential lookup, so no await before the send (#16)
    const authorization = endpoint.challenge ? await this.authorization(loc, endpoint, requestScopes(loc, req)) : undefined;
    const res = await this.transport.send(authenticated(loc, endpoint, req, authorization));
    if (res.status !== 401) return res;
    const replayable = isReplayable(req.body);
    const challenge = preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
    if (!replayable || !challenge) return res;
    const used = await this.credential(loc);
    // Credentials were sent and refused: they may have been replaced since they were read (a
    // rotated Secret, a helper's new short-lived token, an expired cloud token). Read them again.
    const refused = authorization !== undefined && used !== undefined && challenge.params.error !== 'insufficient_scope';
    if (refused) this.forgetCredential(loc);
    const credential = refused ? await this.credential(loc) : used;
    const renewed = refused && !sameCredential(used, credential);
    if (challenge.scheme === 'basic' && (endpoint.challenge?.scheme === 'basic' || credential?.username === undefined) && !renewed) return res;
    let scopes = requestScopes(loc, req);
    if (challenge.scheme === 'bearer' && endpoint.challenge?.scheme === 'bearer') {
      const grown = (challenge.params.scope ?? '').split(' ').filter((s) => s && !scopes.includes(s));
      if (authorization?.startsWith('Bearer ') && !used?.registryToken) {
        this.tokens.invalidate(this.tokenRequest(loc, endpoint, scopes, used));
      }
      if (challenge.params.error === 'insufficient_scope' && grown.length === 0 && !authorization) return res;
      scopes = [...scopes, ...grown];
    }
    endpoint.challenge = challenge;
    const retryAuth = await this.authorization(loc, endpoint, scopes);
    if (retryAuth === undefined || retryAuth === authorization) return res;
    return this.transport.send(authenticated(loc, endpoint, req, retryAuth));
  }
}

/** The scopes a request to `loc` needs: its repository's (pull unless said otherwise) and the extra ones. */
function requestScopes(loc: Location, req: CallRequest): string[] {
  return [`repository:${loc.path}:${req.actions ?? 'pull'}`, ...(req.extraScopes ?? [])];
}

/** The transport request of `req` to `loc`'s endpoint, with `authorization` when there is one. */
function authenticated(loc: Location, endpoint: Endpoint, req: CallRequest, authorization: string | undefined): HttpRequest {
  return {
    url: new URL(`${endpoint.scheme}://${loc.host}${req.path}`),
    method: req.method,
    kind: req.kind,
    // anonymous: the caller's headers object as is (the transport caches its merge per object)
    headers: authorization ? { ...req.headers, authorization } : req.headers,
    body: req.body,
    tls: endpoint.tls,
    registry: loc.domain,
    repository: loc.path,
    stream: req.stream,
    followRedirects: req.followRedirects,
    maxBodyBytes: req.maxBodyBytes,
  };
}

/** Same secret material (cache key comparison; values are never logged). */
function sameCredential(a: RegistryCredential | undefined, b: RegistryCredential | undefined): boolean {
  return a?.username === b?.username && a?.password === b?.password && a?.identityToken === b?.identityToken && a?.registryToken === b?.registryToken;
}
