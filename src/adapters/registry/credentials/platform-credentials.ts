/**
 * The credentials of the CLI and the daemon: what the docker/podman/Kubernetes files and helpers
 * hold, then the cloud identities for cloud registry hosts (the files win, so a login or a pull
 * secret always overrides the platform). The Action uses the files only (cloud logins in a workflow
 * are done by the vendors' login actions, which write docker's config.json).
 */
import { chainCredentials, cloudCredentials, type CloudIdentity } from './cloud-identity.js';
import type { CredentialSource } from './credential-types.js';
import { dockerConfigCredentials } from './docker-credentials.js';

export interface PlatformCredentialsOptions {
  /** Kubernetes pull secret files, after the docker config files. */
  readonly secretFiles?: readonly string[] | undefined;
  /** Cloud identities of hosts their name does not tell. */
  readonly identities?: ReadonlyMap<string, CloudIdentity> | undefined;
}

export function platformCredentials(env: NodeJS.ProcessEnv, options: PlatformCredentialsOptions = {}): CredentialSource {
  return chainCredentials(dockerConfigCredentials({ env, secretFiles: options.secretFiles }), cloudCredentials({ env, identities: options.identities }));
}
