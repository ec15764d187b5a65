/**
 * Registry credentials from where users already keep them: docker `config.json`
 * (`$DOCKER_CONFIG` or `~/.docker`), `$REGISTRY_AUTH_FILE`, the `DOCKER_AUTH_CONFIG` environment
 * variable, Kubernetes pull secrets, and docker credential helpers. Parsing is in ./docker-config.ts,
 * lookup order in ./auth-lookup.ts, helpers in ./credential-helper.ts.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TagstreamError } from '../../../errors.js';
import { canonicalHost, DOCKER_HUB_KEY, findAuth, helperFor, lookupOrder } from './auth-lookup.js';
import type { CredentialSource, RegistryCredential } from './credential-types.js';
import { fromHelper, spawnCredentialHelper } from './credential-helper.js';
import { parseDockerConfig, parsePullSecret, type DockerAuthConfig } from './docker-config.js';
import { ExpiringCache } from './expiring-cache.js';

export type { CredentialSource, RegistryCredential } from './credential-types.js';
export { DOCKER_HUB_KEY, lookupOrder, normalizeAuthKey } from './auth-lookup.js';
export { spawnCredentialHelper } from './credential-helper.js';
export { parseDockerConfig, parsePullSecret, type DockerAuthConfig } from './docker-config.js';

export interface DockerConfigCredentialsOptions {
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Home directory for `~/.docker/config.json`; default `$HOME` from env, then the OS. */
  readonly homeDir?: string | undefined;
  /** Config files to read, in order, instead of the discovered ones; missing ones are errors. */
  readonly files?: readonly string[] | undefined;
  /** Kubernetes pull secret files (YAML or JSON), consulted after the config files (config/environment.ts reads `TAGSTREAM_PULL_SECRETS`); default none. */
  readonly secretFiles?: readonly string[] | undefined;
  /** Run `docker-credential-<helper> get` with `serverUrl` on stdin; resolve stdout, reject with the output on failure. */
  readonly runHelper?: ((helper: string, serverUrl: string) => Promise<string>) | undefined;
  /** Clock for the re-check interval and helper answer lifetimes; default Date.now. */
  readonly now?: (() => number) | undefined;
  /** Look at the files' mtimes at most this often (ms); default 1000. */
  readonly recheckMs?: number | undefined;
  /** How long a credential helper's answer is used before the helper is asked again (ms); default 10 minutes. */
  readonly helperTtlMs?: number | undefined;
}


interface LoadedSource {
  readonly config: DockerAuthConfig;
  /** Helpers apply only to docker config files, not to DOCKER_AUTH_CONFIG or pull secrets. */
  readonly helpers: boolean;
}

async function readOptional(file: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw new TagstreamError('Config', `cannot read credentials file: ${code === 'ENOENT' ? 'not found' : String(code ?? e)}`, { location: { file } });
  }
}

/** How the files looked when read: a change of any (mtime, size, inode, appearing, vanishing) means re-read. */
async function fileSignature(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (file) => {
      try {
        const st = await stat(file);
        return `${file}\0${st.mtimeMs}\0${st.size}\0${st.ino}`;
      } catch {
        return `${file}\0-`;
      }
    }),
  );
  return parts.join('\n');
}

/**
 * A CredentialSource over the docker/podman/Kubernetes places. Files are read on first use and read
 * again when one of them changes (checked at most every `recheckMs`, by mtime, size and inode: a
 * refreshed Kubernetes Secret is a new file behind a symlink) or when a registry refused what they
 * gave (`invalidate`, after a 401). Helper answers live for `helperTtlMs` (short-lived tokens such as
 * ECR's are re-asked for), and are dropped on `invalidate` too.
 */
export function dockerConfigCredentials(options: DockerConfigCredentialsOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const run = options.runHelper ?? spawnCredentialHelper(env);
  const now = options.now ?? Date.now;
  const recheckMs = options.recheckMs ?? 1000;
  let loaded: Promise<LoadedSource[]> | undefined;
  let signature: string | undefined;
  let checkedAt = -Infinity;
  const helperAnswers = new ExpiringCache<RegistryCredential | undefined>({ now, defaultTtlMs: options.helperTtlMs ?? 10 * 60_000 });

  const explicit = options.files !== undefined;
  const home = options.homeDir ?? env.HOME ?? homedir();
  const files = options.files ?? [
    env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker', 'config.json'),
    ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
  ];
  const secretFiles = options.secretFiles ?? [];

  const load = async (): Promise<LoadedSource[]> => {
    const sources: LoadedSource[] = [];
    const inline = env.DOCKER_AUTH_CONFIG;
    if (inline !== undefined && inline.trim() !== '') {
      const config = parseDockerConfig(inline, 'DOCKER_AUTH_CONFIG (environment)');
      sources.push({ config: { ...config, credsStore: undefined, credHelpers: new Map() }, helpers: false });
    }
    for (const file of files) {
      const text = await readOptional(file, explicit);
      if (text !== undefined) sources.push({ config: parseDockerConfig(text, file), helpers: true });
    }
    for (const file of secretFiles) {
      const text = await readOptional(file, true);
      if (text !== undefined) sources.push({ config: parsePullSecret(text, file), helpers: false });
    }
    return sources;
  };

  /** The sources, re-read when a file changed since they were read. */
  const current = async (): Promise<LoadedSource[]> => {
    if (loaded !== undefined && now() - checkedAt < recheckMs) return loaded;
    checkedAt = now();
    const seen = await fileSignature([...files, ...secretFiles]);
    if (loaded === undefined || seen !== signature) {
      signature = seen;
      loaded = load();
      // A failed read is reported now and retried at the next lookup.
      loaded.catch(() => {
        signature = undefined;
      });
    }
    return loaded;
  };

  const source: CredentialSource = async (registry, repository) => {
    const names = lookupOrder(registry, repository);
    const host = canonicalHost(registry);
    const serverUrl = host === 'docker.io' ? DOCKER_HUB_KEY : host;
    for (const { config, helpers } of await current()) {
      const found = findAuth(config, registry, names);
      if (found) return found;
      if (!helpers) continue;
      const helper = helperFor(config, registry);
      if (!helper) continue;
      const credential = await helperAnswers.get(`${helper.helper}\n${serverUrl}`, async () => ({ value: await fromHelper(run, helper.helper, serverUrl, config.origin, helper.explicit) }));
      if (credential) return credential;
    }
    return undefined;
  };
  source.invalidate = (registry) => {
    const host = canonicalHost(registry);
    const serverUrl = host === 'docker.io' ? DOCKER_HUB_KEY : host;
    helperAnswers.evictWhere((key) => key.endsWith(`\n${serverUrl}`));
    // Re-check the files at the next lookup, whatever recheckMs says.
    checkedAt = -Infinity;
  };
  return source;
}
