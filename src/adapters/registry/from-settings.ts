/**
 * The one settings -> registry client function, shared by the CLI, the daemon and the Action:
 * credentials from the docker/podman/Kubernetes places in `env` (docker's own variables: DOCKER_CONFIG,
 * REGISTRY_AUTH_FILE, DOCKER_AUTH_CONFIG, HOME), the pull secret files and cloud identities the entry point
 * read (config/environment.ts), the platform, mirrors and
 * insecure registries of `.tagstream.yaml` (structurally typed: adapters do not import config).
 */
import type { Log } from '../../ports/log.js';
import type { CloudIdentity } from './credentials/cloud-identity.js';
import { dockerConfigCredentials } from './credentials/docker-credentials.js';
import { platformCredentials } from './credentials/platform-credentials.js';
import { parsePlatform } from './platform-choice.js';
import { createRegistryClient, type RegistryClient } from './registry-client.js';

/** What of the repository settings the registry client needs. */
export interface RegistrySettings {
  readonly platform: string;
  readonly registries: {
    readonly insecure: readonly string[];
    readonly mirrors: readonly { readonly source: string; readonly mirror: string }[];
  };
}

export interface RegistryClientEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Log;
  /** An inline docker config (the Action's `registry-auth`), consulted before the config files. */
  readonly inlineAuth?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Total deadline per request and bound per run (config/registry-deadlines.ts); default 60 s and 15 min. */
  readonly deadlines?: { readonly requestTimeoutMs: number; readonly runTimeoutMs: number } | undefined;
  /** Also ask cloud identities (ECR, GCR/Artifact Registry, ACR) after the docker places; default true. */
  readonly cloudIdentities?: boolean | undefined;
  /** Kubernetes pull secret files (config/environment.ts pullSecretFiles: `TAGSTREAM_PULL_SECRETS`). */
  readonly pullSecretFiles?: readonly string[] | undefined;
  /** Hosts served by a cloud identity their name does not tell (config/environment.ts registryIdentities). */
  readonly identities?: ReadonlyMap<string, CloudIdentity> | undefined;
}

/** A registry client for a repository's settings (undefined settings: defaults, outside a repository). */
export function registryClientFor(settings: RegistrySettings | undefined, e: RegistryClientEnvironment): RegistryClient {
  const env = e.inlineAuth === undefined ? { ...e.env } : { ...e.env, DOCKER_AUTH_CONFIG: e.inlineAuth };
  return createRegistryClient({
    credentials:
      e.cloudIdentities === false
        ? dockerConfigCredentials({ env, secretFiles: e.pullSecretFiles })
        : platformCredentials(env, { secretFiles: e.pullSecretFiles, identities: e.identities }),
    platform: settings ? parsePlatform(settings.platform) : undefined,
    mirrors: settings ? settings.registries.mirrors.map((m) => ({ source: m.source, mirror: m.mirror })) : undefined,
    insecureRegistries: settings ? [...settings.registries.insecure] : undefined,
    log: e.log,
    requestTimeoutMs: e.deadlines?.requestTimeoutMs,
    runTimeoutMs: e.deadlines?.runTimeoutMs,
    ...(e.userAgent ? { userAgent: e.userAgent } : {}),
  });
}
