/**
 * Google Artifact Registry and Container Registry: an OAuth2 access token from application-default
 * credentials (GKE workload identity and GCE through the metadata server, GOOGLE_APPLICATION_CREDENTIALS,
 * gcloud's file), sent as the password of the user `oauth2accesstoken`. `GCE_METADATA_HOST` (read by
 * the library) points the metadata server elsewhere.
 */
import type { RegistryCredential } from './credential-types.js';
import type { CloudFetcher } from './cloud-identity.js';
import type { Expiring } from './expiring-cache.js';
import { cjsExports } from './cjs-interop.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
type Auth = { getClient(): Promise<{ getAccessToken(): Promise<{ token?: string | null }>; credentials: { expiry_date?: number | null } }> };
type Client = Awaited<ReturnType<Auth['getClient']>>;
let auth: Promise<Auth> | undefined;

export const gcpCredential: CloudFetcher = async (host, _identity, _env, renew): Promise<Expiring<RegistryCredential>> => {
  auth ??= import('google-auth-library').then((m) => new (cjsExports(m).GoogleAuth)({ scopes: [SCOPE] }) as unknown as Auth);
  const client: Client = await (await auth).getClient();
  // The library keeps its token until it nears expiry; a refused token must not come back from there.
  // (expired, not emptied: the compute client keeps a placeholder refresh token there).
  if (renew) client.credentials = { ...client.credentials, expiry_date: 1 };
  const { token } = await client.getAccessToken();
  if (!token) throw new Error(`application-default credentials gave no access token for ${host}`);
  const expiresAt = client.credentials.expiry_date ?? undefined;
  return { value: { username: 'oauth2accesstoken', password: token, expiresAt }, expiresAt };
};
