/**
 * A registry host's endpoint: scheme (https, or plain http only for loopback or insecure
 * registries), TLS mode and auth challenge, found once per host by pinging /v2/.
 */
import { RegistryError } from '../../errors.js';
import { isLoopbackHost } from '../../domain/image-reference.js';
import type { Log } from '../../ports/log.js';
import { parseWwwAuthenticate, preferredChallenge, type AuthChallenge } from './challenge.js';
import type { Location } from './locations.js';
import { once } from './once.js';
import { responseError } from './response-error.js';
import { isCertificateError, isTlsProtocolMismatch, networkErrorCode, type Transport, type TlsMode } from './transport.js';

export interface Endpoint {
  readonly scheme: 'https' | 'http';
  readonly tls: TlsMode;
  challenge: AuthChallenge | undefined;
}

function endpointKey(loc: Location): string {
  return `${loc.host}|${loc.insecure ? 1 : 0}`;
}

/** Finds and remembers (for the client's lifetime) the endpoint of each host. */
export class Endpoints {
  private readonly endpoints = new Map<string, Promise<Endpoint>>();
  /** The endpoints found so far, to hand out without an await (one HEAD per tag, #16). */
  private readonly found = new Map<string, Endpoint>();

  constructor(
    private readonly transport: Transport,
    private readonly log: Log,
  ) {}

  /** Scheme, TLS mode and auth challenge of a host, found once by pinging /v2/. */
  endpoint(loc: Location): Promise<Endpoint> {
    const key = endpointKey(loc);
    return once(this.endpoints, key, async () => {
      const endpoint = await this.probe(loc);
      this.found.set(key, endpoint);
      return endpoint;
    });
  }

  /** The endpoint of `loc`'s host if it has been found already (the same object `endpoint` gives). */
  known(loc: Location): Endpoint | undefined {
    return this.found.get(endpointKey(loc));
  }

  private async probe(loc: Location): Promise<Endpoint> {
    const plainAllowed = loc.insecure || isLoopbackHost(loc.host);
    const tls: TlsMode = loc.insecure ? 'unverified' : 'verified';
    try {
      return await this.ping(loc, 'https', tls);
    } catch (e) {
      const cause = e instanceof RegistryError ? (e.cause ?? e) : e;
      if (!plainAllowed) {
        const code = networkErrorCode(cause);
        if (code.startsWith('ERR_SSL_') || code === 'EPROTO') {
          throw new RegistryError('RegistryInsecure', `${loc.host} does not speak TLS (${code}): plain HTTP is used only for loopback registries or registries marked insecure`, {
            registry: loc.domain,
            repository: loc.path,
            cause,
          });
        }
        throw e;
      }
      // A loopback registry with an untrusted certificate is still a TLS registry: do not downgrade.
      if (isCertificateError(cause) || (e instanceof RegistryError && e.code === 'RegistryInsecure')) throw e;
      if (!isTlsProtocolMismatch(cause) && !(e instanceof RegistryError && e.code === 'RegistryTransient')) throw e;
      this.log.debug('registry does not speak TLS, using plain HTTP', { host: loc.host });
      return this.ping(loc, 'http', tls);
    }
  }

  private async ping(loc: Location, scheme: 'https' | 'http', tls: TlsMode): Promise<Endpoint> {
    const res = await this.transport.send({
      url: new URL(`${scheme}://${loc.host}/v2/`),
      method: 'GET',
      kind: 'ping',
      tls,
      registry: loc.domain,
      repository: loc.path,
      // One attempt: a TLS-vs-plain mismatch must fall through to http quickly.
      noRetry: scheme === 'https' && (loc.insecure || isLoopbackHost(loc.host)),
    });
    if (res.status === 401) return { scheme, tls, challenge: preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate'])) };
    if (res.status >= 200 && res.status < 300) return { scheme, tls, challenge: undefined };
    // Some registries answer 404 on /v2/; challenges are then learnt from the first real 401.
    if (res.status === 404) return { scheme, tls, challenge: undefined };
    throw responseError(res, { registry: loc.domain, repository: loc.path, subject: 'API version check' });
  }
}
