/**
 * Registry credentials from the platform's identity, resolved per registry host and cached until
 * shortly before they expire: Amazon ECR (`GetAuthorizationToken` with the AWS default credential
 * chain: IRSA, EKS pod identity, environment), Google Artifact Registry / GCR (application-default
 * credentials, user `oauth2accesstoken`) and Azure Container Registry (`@azure/identity`, then the
 * registry's `/oauth2/exchange` for an ACR refresh token). Each SDK is loaded only when a host of its
 * cloud is first asked for, so start-up stays fast and the Action bundle does not carry them.
 *
 * Hosts are recognised by name; `identities` names others (a proxy or private endpoint in front of a
 * cloud registry; config/environment.ts reads them from `TAGSTREAM_REGISTRY_IDENTITIES`).
 */
import { CredentialSourceError, TagstreamError, errorMessage } from '../../../errors.js';
import type { CredentialSource, RegistryCredential } from './credential-types.js';
import { ExpiringCache, type Expiring } from './expiring-cache.js';

export type CloudProvider = 'ecr' | 'gcp' | 'acr';

export interface CloudIdentity {
  readonly provider: CloudProvider;
  /** ECR: the AWS region of the registry. */
  readonly region?: string | undefined;
}

/**
 * What fetches one credential for one registry host (the SDK calls live behind this). `renew`: the
 * registry refused the last one, so a library's own token cache must be bypassed.
 */
export type CloudFetcher = (host: string, identity: CloudIdentity, env: NodeJS.ProcessEnv, renew: boolean) => Promise<Expiring<RegistryCredential>>;

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const GCP_HOST = /^(?:(?:[a-z]+\.)?gcr\.io|[a-z0-9-]+-docker\.pkg\.dev)$/;
const ACR_HOST = /^[a-z0-9]+\.azurecr\.(?:io|cn|us)$/;

/** The identity a registry host is served by, if any: the configured overrides first, then its name. */
export function cloudIdentityOf(host: string, overrides: ReadonlyMap<string, CloudIdentity> = new Map()): CloudIdentity | undefined {
  const h = host.toLowerCase();
  const configured = overrides.get(h);
  if (configured !== undefined) return configured;
  const ecr = ECR_HOST.exec(h);
  if (ecr !== null) return { provider: 'ecr', region: ecr[2] };
  if (GCP_HOST.test(h)) return { provider: 'gcp' };
  if (ACR_HOST.test(h)) return { provider: 'acr' };
  return undefined;
}

export interface CloudCredentialsOptions {
  /** The environment the cloud SDKs read (AWS_*, GOOGLE_*, AZURE_*); default process.env. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Hosts served by an identity their name does not tell, by lower-cased host (config/environment.ts registryIdentities). */
  readonly identities?: ReadonlyMap<string, CloudIdentity> | undefined;
  readonly now?: (() => number) | undefined;
  /** Renew this long before expiry (capped at a tenth of the lifetime); default 5 minutes. */
  readonly refreshMarginMs?: number | undefined;
  /** Replace the SDK calls (unit tests); default: the real ones, loaded on first use. */
  readonly fetchers?: Partial<Record<CloudProvider, CloudFetcher>> | undefined;
}

const NAMES: Record<CloudProvider, string> = { ecr: 'Amazon ECR', gcp: 'Google Artifact Registry', acr: 'Azure Container Registry' };

/** Load a provider's module (and with it its SDK) only when a host of that cloud is first asked for. */
const LOADERS: Record<CloudProvider, () => Promise<CloudFetcher>> = {
  ecr: async () => (await import('./aws-ecr.js')).ecrCredential,
  gcp: async () => (await import('./gcp-adc.js')).gcpCredential,
  acr: async () => (await import('./azure-acr.js')).createAcrFetcher(),
};

/** A CredentialSource for cloud registries; undefined for any other host. */
export function cloudCredentials(options: CloudCredentialsOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const overrides = options.identities ?? new Map<string, CloudIdentity>();
  const cache = new ExpiringCache<RegistryCredential>({ now: options.now, refreshMarginMs: options.refreshMarginMs });
  const loaded = new Map<CloudProvider, Promise<CloudFetcher>>();
  const refused = new Set<string>();
  const fetcher = (provider: CloudProvider): Promise<CloudFetcher> => {
    const given = options.fetchers?.[provider];
    if (given !== undefined) return Promise.resolve(given);
    let p = loaded.get(provider);
    if (p === undefined) {
      p = LOADERS[provider]();
      loaded.set(provider, p);
    }
    return p;
  };
  const source: CredentialSource = async (registry) => {
    const host = registry.toLowerCase();
    const identity = cloudIdentityOf(host, overrides);
    if (identity === undefined) return undefined;
    return cache.get(host, async () => {
      const renew = refused.delete(host);
      try {
        return await (await fetcher(identity.provider))(host, identity, env, renew);
      } catch (e) {
        if (e instanceof TagstreamError) throw e;
        // SDK messages name endpoints and principals, never tokens; redacted and bounded all the same.
        throw new CredentialSourceError(`cannot get credentials for ${host} from its ${NAMES[identity.provider]} identity${errorClass(e)}`, errorMessage(e), {
          registry: host,
          retryable: true,
          cause: e,
        });
      }
    });
  };
  source.invalidate = (registry) => {
    const host = registry.toLowerCase();
    if (cloudIdentityOf(host, overrides) === undefined) return;
    cache.evict(host);
    refused.add(host);
  };
  return source;
}

/** ` (UnrecognizedClientException)`: the SDK's error class when it says more than `Error`. */
function errorClass(e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  return /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(name) && name !== 'Error' ? ` (${name})` : '';
}

/** Ask each source in turn; the first that has a credential wins. `invalidate` reaches all. */
export function chainCredentials(...sources: readonly CredentialSource[]): CredentialSource {
  const chained: CredentialSource = async (registry, repository) => {
    for (const s of sources) {
      const c = await s(registry, repository);
      if (c !== undefined) return c;
    }
    return undefined;
  };
  chained.invalidate = (registry) => {
    for (const s of sources) s.invalidate?.(registry);
  };
  return chained;
}
