/**
 * Registry credentials from where users already keep them: docker `config.json`
 * (`$DOCKER_CONFIG` or `~/.docker`), `$REGISTRY_AUTH_FILE`, the `DOCKER_AUTH_CONFIG` environment
 * variable, Kubernetes pull secrets, and docker credential helpers. Parsing is in ./docker-config.ts,
 * lookup order in ./auth-lookup.ts, helpers in ./credential-helper.ts.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, delimiter } from 'node:path';
import { TagstreamError } from '../../../errors.js';
import { canonicalHost, DOCKER_HUB_KEY, findAuth, helperFor, lookupOrder } from './auth-lookup.js';
import type { CredentialSource, RegistryCredential } from './credential-types.js';
import { fromHelper, spawnCredentialHelper } from './credential-helper.js';
import { parseDockerConfig, parsePullSecret, type DockerAuthConfig } from './docker-config.js';

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
  /** Kubernetes pull secret files (YAML or JSON), consulted after the config files; default `TAGSTREAM_PULL_SECRETS`. */
  readonly secretFiles?: readonly string[] | undefined;
  /** Run `docker-credential-<helper> get` with `serverUrl` on stdin; resolve stdout, reject with the output on failure. */
  readonly runHelper?: ((helper: string, serverUrl: string) => Promise<string>) | undefined;
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

/**
 * A CredentialSource over the docker/podman/Kubernetes places. Files are read once, on first use;
 * helper answers are cached per server URL.
 */
export function dockerConfigCredentials(options: DockerConfigCredentialsOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const run = options.runHelper ?? spawnCredentialHelper(env);
  let loaded: Promise<LoadedSource[]> | undefined;
  const helperAnswers = new Map<string, Promise<RegistryCredential | undefined>>();

  const load = async (): Promise<LoadedSource[]> => {
    const sources: LoadedSource[] = [];
    const inline = env.DOCKER_AUTH_CONFIG;
    if (inline !== undefined && inline.trim() !== '') {
      const config = parseDockerConfig(inline, 'DOCKER_AUTH_CONFIG (environment)');
      sources.push({ config: { ...config, credsStore: undefined, credHelpers: new Map() }, helpers: false });
    }
    const explicit = options.files !== undefined;
    const home = options.homeDir ?? env.HOME ?? homedir();
    const files = options.files ?? [
      env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker', 'config.json'),
      ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
    ];
    for (const file of files) {
      const text = await readOptional(file, explicit);
      if (text !== undefined) sources.push({ config: parseDockerConfig(text, file), helpers: true });
    }
    // TAGSTREAM_PULL_SECRETS: Kubernetes pull secret files, separated like PATH (':' on Linux)
    const fromEnv = (env.TAGSTREAM_PULL_SECRETS ?? '').split(delimiter).filter((f) => f.trim() !== '');
    for (const file of options.secretFiles ?? fromEnv) {
      const text = await readOptional(file, true);
      if (text !== undefined) sources.push({ config: parsePullSecret(text, file), helpers: false });
    }
    return sources;
  };

  return async (registry, repository) => {
    loaded ??= load();
    const names = lookupOrder(registry, repository);
    const host = canonicalHost(registry);
    const serverUrl = host === 'docker.io' ? DOCKER_HUB_KEY : host;
    for (const { config, helpers } of await loaded) {
      const found = findAuth(config, registry, names);
      if (found) return found;
      if (!helpers) continue;
      const helper = helperFor(config, registry);
      if (!helper) continue;
      const cacheKey = `${helper.helper}\n${serverUrl}`;
      let answer = helperAnswers.get(cacheKey);
      if (!answer) {
        answer = fromHelper(run, helper.helper, serverUrl, config.origin, helper.explicit);
        helperAnswers.set(cacheKey, answer);
      }
      const credential = await answer;
      if (credential) return credential;
    }
    return undefined;
  };
}
