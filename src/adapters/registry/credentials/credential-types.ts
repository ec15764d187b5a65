/**
 * The credentials contract between the registry client and whatever supplies secrets
 * (./credentials.ts: docker config, pull secrets, helpers). Kept in its own file so the client
 * compiles before the provider exists.
 */

export interface RegistryCredential {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** OAuth2 refresh token (docker config `identitytoken`): used with the POST token flow. */
  readonly identityToken?: string | undefined;
  /** A ready bearer token sent to the registry as is. */
  readonly registryToken?: string | undefined;
  /** Epoch milliseconds after which the credential is no longer valid (cloud identities); undefined: no known end. */
  readonly expiresAt?: number | undefined;
}

/**
 * registry = reference domain as normalized (docker.io for Docker Hub, host[:port] otherwise);
 * repository = path (`library/busybox`).
 */
export interface CredentialSource {
  (registry: string, repository: string): Promise<RegistryCredential | undefined>;
  /**
   * The registry refused what this source gave for `registry` (a 401): forget any cached answer
   * for it, so the next call re-reads the files, re-asks the helper or fetches a new token.
   */
  invalidate?(registry: string): void;
}

/** The `Authorization` value for HTTP Basic (RFC 7617): base64 of `user:password`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
