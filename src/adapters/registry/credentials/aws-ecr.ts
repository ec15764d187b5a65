/**
 * Amazon ECR: `GetAuthorizationToken` with the AWS SDK's default credential chain (environment,
 * IRSA web identity, EKS pod identity, instance roles). The token is base64 of `AWS:<password>` and
 * lasts 12 hours. `AWS_ENDPOINT_URL_ECR` (read by the SDK) points it elsewhere.
 */
import type { RegistryCredential } from './credential-types.js';
import type { CloudFetcher } from './cloud-identity.js';
import type { Expiring } from './expiring-cache.js';
import { cjsExports } from './cjs-interop.js';

export const ecrCredential: CloudFetcher = async (host, identity): Promise<Expiring<RegistryCredential>> => {
  const { ECRClient, GetAuthorizationTokenCommand } = cjsExports(await import('@aws-sdk/client-ecr'));
  const client = new ECRClient({ region: identity.region });
  try {
    const out = await client.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new Error(`GetAuthorizationToken for ${host} returned no usable authorizationToken`);
    return {
      value: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), expiresAt: data?.expiresAt?.getTime() },
      expiresAt: data?.expiresAt?.getTime(),
    };
  } finally {
    client.destroy();
  }
};
