/**
 * Azure Container Registry: a Microsoft Entra token from `@azure/identity` (workload identity,
 * managed identity, environment, in DefaultAzureCredential's order), exchanged at the registry's
 * `POST /oauth2/exchange` for an ACR refresh token, which the registry client then trades for
 * access tokens (`identityToken`, the OAuth2 refresh-token flow). `AZURE_AUTHORITY_HOST` points the
 * identity library elsewhere.
 */
import type { DefaultAzureCredentialOptions } from '@azure/identity';
import { request } from 'undici';
import { isLoopbackHost } from '../../../domain/image-reference.js';
import type { RegistryCredential } from './credential-types.js';
import type { CloudFetcher } from './cloud-identity.js';
import type { Expiring } from './expiring-cache.js';

const ACR_SCOPE = 'https://containerregistry.azure.net/.default';
type TokenCredential = { getToken(scope: string): Promise<{ token: string; expiresOnTimestamp: number } | null> };

export interface AcrFetcherOptions {
  /**
   * Options of the DefaultAzureCredential (it reads AZURE_* from the process environment itself);
   * tests add a pipeline policy that trusts their loopback CA.
   */
  readonly credentialOptions?: DefaultAzureCredentialOptions | undefined;
}

/**
 * A fetcher for ACR hosts: one DefaultAzureCredential (made on first use, so @azure/identity loads
 * only when an ACR host appears), whose Entra token is exchanged per registry host.
 */
export function createAcrFetcher(options: AcrFetcherOptions = {}): CloudFetcher {
  let credential: Promise<TokenCredential> | undefined;
  return async (host, _identity, env): Promise<Expiring<RegistryCredential>> => {
    credential ??= import('@azure/identity').then(({ DefaultAzureCredential }) => new DefaultAzureCredential({ ...privateAuthority(env), ...options.credentialOptions }) as TokenCredential);
    const entra = await (await credential).getToken(ACR_SCOPE);
    if (entra === null) throw new Error(`no Microsoft Entra token for ${host}`);
    const scheme = isLoopbackHost(host) ? 'http' : 'https';
    const form = new URLSearchParams({ grant_type: 'access_token', service: host, access_token: entra.token });
    if (env['AZURE_TENANT_ID']) form.set('tenant', env['AZURE_TENANT_ID']);
    const res = await request(`${scheme}://${host}/oauth2/exchange`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${host}/oauth2/exchange answered ${res.statusCode}`);
    let refresh: unknown;
    try {
      refresh = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token;
    } catch {
      throw new Error(`${host}/oauth2/exchange answered something other than JSON`);
    }
    if (typeof refresh !== 'string' || refresh === '') throw new Error(`${host}/oauth2/exchange gave no refresh_token`);
    // The refresh token's own expiry (ACR: 3 hours), else the Entra token's.
    const expiresAt = jwtExpiry(refresh) ?? entra.expiresOnTimestamp;
    return { value: { identityToken: refresh, expiresAt }, expiresAt };
  };
}

/** Microsoft's own authority hosts (public and sovereign clouds), which instance discovery knows. */
const MICROSOFT_AUTHORITIES = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.microsoftonline.de']);

/**
 * An AZURE_AUTHORITY_HOST of another host (Azure Stack, ADFS, a private cloud, a test's loopback) is
 * trusted as configured: MSAL's instance discovery would ask login.microsoftonline.com to vouch for
 * it, which it cannot (and which a cluster without Internet access cannot reach).
 */
function privateAuthority(env: NodeJS.ProcessEnv): { disableInstanceDiscovery?: boolean } {
  const authority = env['AZURE_AUTHORITY_HOST'];
  if (!authority) return {};
  try {
    return MICROSOFT_AUTHORITIES.has(new URL(authority).hostname.toLowerCase()) ? {} : { disableInstanceDiscovery: true };
  } catch {
    return {};
  }
}

/** `exp` of a JWT in epoch ms, without verifying it (the registry does). */
function jwtExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
