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
  ) {}

  /** Start a new run: forget credential lookups (keep tokens). */
  newRun(): void {
    this.credentialsCache = new Map();
  }

  private credential(loc: Location): Promise<RegistryCredential | undefined> {
    const source = this.credentials;
    if (!source) return Promise.resolve(undefined);
    return once(this.credentialsCache, `${loc.domain}|${loc.path}`, () => source(loc.domain, loc.path));
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
    return `Bearer ${await this.tokens.token(this.tokenRequest(loc, endpoint, scopes, credential))}`;
  }

  /**
   * One authenticated request to the registry of `loc`. On 401 it learns the challenge (a new
   * scope on insufficient_scope, or a challenge the ping did not show), fetches a token once more
   * and retries once when the body can be replayed.
   */
  async call(loc: Location, req: CallRequest): Promise<HttpResponse> {
    const endpoint = await this.endpoints.endpoint(loc);
    let scopes = [`repository:${loc.path}:${req.actions ?? 'pull'}`, ...(req.extraScopes ?? [])];
    const build = (authorization: string | undefined): HttpRequest => ({
      url: new URL(`${endpoint.scheme}://${loc.host}${req.path}`),
      method: req.method,
      kind: req.kind,
      headers: { ...(req.headers ?? {}), ...(authorization ? { authorization } : {}) },
      body: req.body,
      tls: endpoint.tls,
      registry: loc.domain,
      repository: loc.path,
      stream: req.stream,
      followRedirects: req.followRedirects,
      maxBodyBytes: req.maxBodyBytes,
    });
    const authorization = await this.authorization(loc, endpoint, scopes);
    const res = await this.transport.send(build(authorization));
    if (res.status !== 401) return res;
    const replayable = isReplayable(req.body);
    const challenge = preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
    if (!replayable || !challenge) return res;
    const credential = await this.credential(loc);
    if (challenge.scheme === 'basic' && (endpoint.challenge?.scheme === 'basic' || credential?.username === undefined)) return res;
    if (challenge.scheme === 'bearer' && endpoint.challenge?.scheme === 'bearer') {
      const grown = (challenge.params.scope ?? '').split(' ').filter((s) => s && !scopes.includes(s));
      if (authorization?.startsWith('Bearer ') && !credential?.registryToken) {
        this.tokens.invalidate(this.tokenRequest(loc, endpoint, scopes, credential));
      }
      if (challenge.params.error === 'insufficient_scope' && grown.length === 0 && !authorization) return res;
      scopes = [...scopes, ...grown];
    }
    endpoint.challenge = challenge;
    const retryAuth = await this.authorization(loc, endpoint, scopes);
    if (retryAuth === undefined || retryAuth === authorization) return res;
    return this.transport.send(build(retryAuth));
  }
}
