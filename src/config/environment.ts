/**
 * The `TAGSTREAM_*` variables that configure adapters, read in this one place through one zod
 * schema and handed to the adapters as typed options (adapters read no `TAGSTREAM_*` themselves):
 *
 * - `TAGSTREAM_PULL_SECRETS`: Kubernetes pull secret files, separated like PATH (':' on Linux);
 * - `TAGSTREAM_REGISTRY_IDENTITIES`: registry hosts served by a cloud identity that their name does
 *   not tell (`host=ecr:REGION,host=gcp,host=acr`, comma separated);
 * - `TAGSTREAM_GIT_SSH_KEY_FILE`, `TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE` (default `~/.ssh/known_hosts`);
 * - `TAGSTREAM_DEBUG`: print the stack of an unexpected error.
 *
 * Each reader validates only the variable it returns, when its caller needs it, so a malformed
 * variable fails the command that uses it, as before (the registry identities when a registry
 * client is built, not at start-up). The daemon's own settings are read in daemon-sources.ts, the
 * registry deadlines in registry-deadlines.ts, Git credentials in git-credentials.ts.
 */
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import { TagstreamError } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A cloud whose workload identity gives registry credentials. */
export type CloudProvider = 'ecr' | 'gcp' | 'acr';

export interface CloudIdentity {
  readonly provider: CloudProvider;
  /** ECR: the AWS region of the registry. */
  readonly region?: string | undefined;
}

/** How to authenticate Git over SSH and which host keys to trust (the adapter's SshSettings). */
export interface SshSettings {
  readonly keyFile?: string | undefined;
  readonly knownHostsFile: string;
}

const IDENTITY = /^([^=\s]+)=(ecr|gcp|acr)(?::([a-z0-9-]+))?$/;

/** The problem with one `TAGSTREAM_REGISTRY_IDENTITIES` entry, or the host and its identity. */
function identityEntry(entry: string): { host: string; identity: CloudIdentity } | string {
  const m = IDENTITY.exec(entry);
  if (m === null) return `TAGSTREAM_REGISTRY_IDENTITIES: expected host=ecr:REGION, host=gcp or host=acr, got ${JSON.stringify(entry.slice(0, 80))}`;
  const provider = m[2] as CloudProvider;
  if (provider === 'ecr' && m[3] === undefined) return `TAGSTREAM_REGISTRY_IDENTITIES: ${m[1]}=ecr needs a region (ecr:us-east-1)`;
  return { host: (m[1] as string).toLowerCase(), identity: { provider, region: m[3] } };
}

/** Set and not empty, else undefined (an empty variable counts as unset). */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const ENVIRONMENT_SCHEMA = z.object({
  TAGSTREAM_PULL_SECRETS: z
    .string()
    .optional()
    .transform((v): readonly string[] => Object.freeze((v ?? '').split(delimiter).filter((f) => f.trim() !== ''))),
  TAGSTREAM_REGISTRY_IDENTITIES: z
    .string()
    .optional()
    .transform((v, ctx): ReadonlyMap<string, CloudIdentity> => {
      const out = new Map<string, CloudIdentity>();
      for (const entry of (v ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
        const r = identityEntry(entry);
        if (typeof r === 'string') {
          ctx.addIssue({ code: 'custom', message: r });
          return z.NEVER;
        }
        out.set(r.host, Object.freeze(r.identity));
      }
      return out;
    }),
  TAGSTREAM_GIT_SSH_KEY_FILE: optionalText,
  TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: optionalText,
  HOME: optionalText,
  TAGSTREAM_DEBUG: optionalText.transform((v) => v !== undefined),
});

type Variable = keyof typeof ENVIRONMENT_SCHEMA.shape;
type Values = z.output<typeof ENVIRONMENT_SCHEMA>;

/** Validate one variable of `env` by its schema entry; a bad value is a Config error that names the variable. */
function read<K extends Variable>(env: Environment, name: K): Values[K] {
  const r = ENVIRONMENT_SCHEMA.shape[name].safeParse(env[name]);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TagstreamError('Config', issue?.code === 'custom' ? issue.message : `${name}: ${issue?.message ?? 'invalid value'}`);
  }
  return r.data as Values[K];
}

/** `TAGSTREAM_PULL_SECRETS`: the pull secret files, in order (none when unset). */
export function pullSecretFiles(env: Environment): readonly string[] {
  return read(env, 'TAGSTREAM_PULL_SECRETS');
}

/** `TAGSTREAM_REGISTRY_IDENTITIES` by lower-cased host; a malformed entry is a Config error naming the variable. */
export function registryIdentities(env: Environment): ReadonlyMap<string, CloudIdentity> {
  return read(env, 'TAGSTREAM_REGISTRY_IDENTITIES');
}

/** `TAGSTREAM_GIT_SSH_KEY_FILE`, `TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE` (default `$HOME/.ssh/known_hosts`). */
export function sshSettings(env: Environment): SshSettings {
  return Object.freeze({
    keyFile: read(env, 'TAGSTREAM_GIT_SSH_KEY_FILE'),
    knownHostsFile: read(env, 'TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE') ?? join(read(env, 'HOME') ?? homedir(), '.ssh', 'known_hosts'),
  });
}

/** `TAGSTREAM_DEBUG` set (not empty): print the stack of an unexpected error, for bug reports. */
export function debugOutput(env: Environment): boolean {
  return read(env, 'TAGSTREAM_DEBUG');
}
