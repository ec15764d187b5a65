/**
 * Registry credentials from where users already keep them: docker `config.json`
 * (`$DOCKER_CONFIG` or `~/.docker`), `$REGISTRY_AUTH_FILE`, the `DOCKER_AUTH_CONFIG` environment
 * variable, Kubernetes pull secrets, and docker credential helpers. Lookup follows the docker CLI
 * (exact key, then keys reduced to host[:port]) and containers/image (namespaced keys, most specific
 * first). Errors name the file and what was expected, never a secret.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, delimiter } from 'node:path';
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { TagstreamError, redact } from '../../errors.js';
import type { SourceLocation } from '../../errors.js';
import type { CredentialSource, RegistryCredential } from './credential-types.js';

export type { CredentialSource, RegistryCredential } from './credential-types.js';

/** Where docker stores Docker Hub credentials, and the server URL its helpers are asked for. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const TOKEN_USERNAME = '<token>';

/** One parsed credentials file: `auths` by their key as written; empty entries (`{}`) defer to helpers. */
export interface DockerAuthConfig {
  readonly origin: string;
  readonly auths: ReadonlyMap<string, RegistryCredential>;
  readonly credsStore?: string | undefined;
  readonly credHelpers: ReadonlyMap<string, string>;
}

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

function fail(message: string, location: SourceLocation): never {
  throw new TagstreamError('Config', message, { location });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function decodeBase64(value: string, what: string, loc: SourceLocation): string {
  if (!BASE64.test(value)) fail(`${what}: expected standard base64`, loc);
  return Buffer.from(value, 'base64').toString('utf8');
}

/** 1-based line and column of a character offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** JSON.parse without echoing input in the error: V8's message quotes the text, which may hold secrets. */
function parseJson(json: string, what: string, origin: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    const pos = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    const at = pos?.[1] !== undefined ? lineCol(json, Number(pos[1])) : {};
    fail(`${what}: invalid JSON, expected ${what === 'docker config' ? 'an object with "auths"' : 'a JSON object'}`, { file: origin, ...at });
  }
}

/** Where a JSON path sits in the text; computed only when an error needs it (JSON is YAML). */
type Locate = (keys: readonly string[]) => SourceLocation;

function jsonLocator(text: string, file: string): Locate {
  return (keys) => {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
    return nodeLocation(doc, keys, file, counter);
  };
}

function optionalString(entry: Record<string, unknown>, field: string, path: string, keys: readonly string[], at: Locate): string | undefined {
  const v = entry[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(`${path}.${field}: expected a string`, at([...keys, field]));
  return v;
}

/** Parse one `auths` entry (`auth` = base64 user:password; or username/password; or tokens). */
function parseAuthEntry(value: unknown, path: string, keys: readonly string[], at: Locate): RegistryCredential {
  if (!isRecord(value)) fail(`${path}: expected an object with "auth", "username"/"password", "identitytoken" or "registrytoken"`, at(keys));
  let username = optionalString(value, 'username', path, keys, at);
  let password = optionalString(value, 'password', path, keys, at);
  const auth = optionalString(value, 'auth', path, keys, at);
  if (auth !== undefined && auth !== '') {
    const decoded = decodeBase64(auth, `${path}.auth`, at([...keys, 'auth']));
    const colon = decoded.indexOf(':');
    if (colon <= 0) fail(`${path}.auth: expected base64 of "user:password" with a non-empty user`, at([...keys, 'auth']));
    username = decoded.slice(0, colon);
    // docker's decodeAuth trims NUL padding some tools leave in the password.
    password = decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '');
  }
  // Empty strings are how some tools write "not set".
  if (username === '') username = undefined;
  if (username === undefined && password === '') password = undefined;
  const identityToken = optionalString(value, 'identitytoken', path, keys, at) || undefined;
  const registryToken = optionalString(value, 'registrytoken', path, keys, at) || undefined;
  const credential: { -readonly [K in keyof RegistryCredential]: RegistryCredential[K] } = {};
  if (username !== undefined) credential.username = username;
  if (password !== undefined) credential.password = password;
  if (identityToken !== undefined) credential.identityToken = identityToken;
  if (registryToken !== undefined) credential.registryToken = registryToken;
  return Object.freeze(credential);
}

function parseAuthsMap(value: unknown, path: string, keys: readonly string[], at: Locate): Map<string, RegistryCredential> {
  if (!isRecord(value)) fail(`${path}: expected an object mapping registry to credentials`, at(keys));
  const auths = new Map<string, RegistryCredential>();
  for (const [key, entry] of Object.entries(value)) auths.set(key, parseAuthEntry(entry, `${path}[${JSON.stringify(key)}]`, [...keys, key], at));
  return auths;
}

/**
 * Parse a docker `config.json` / podman `auth.json` (or `DOCKER_AUTH_CONFIG`). `origin` names it in
 * errors; `positions: false` when the text is not the file's own (decoded from a Secret).
 */
export function parseDockerConfig(json: string, origin: string, positions = true): DockerAuthConfig {
  const at: Locate = positions ? jsonLocator(json, origin) : () => ({ file: origin });
  const doc = parseJson(json, 'docker config', origin);
  if (!isRecord(doc)) fail('docker config: expected a JSON object with "auths"', { file: origin });
  const auths = doc.auths === undefined ? new Map<string, RegistryCredential>() : parseAuthsMap(doc.auths, 'auths', ['auths'], at);
  const credsStore = optionalString(doc, 'credsStore', 'config', [], at) || undefined;
  const credHelpers = new Map<string, string>();
  if (doc.credHelpers !== undefined) {
    if (!isRecord(doc.credHelpers)) fail('credHelpers: expected an object mapping registry to helper suffix', at(['credHelpers']));
    for (const [host, helper] of Object.entries(doc.credHelpers)) {
      if (typeof helper !== 'string' || helper === '') fail(`credHelpers[${JSON.stringify(host)}]: expected a helper suffix string`, at(['credHelpers', host]));
      credHelpers.set(host, helper);
    }
  }
  return Object.freeze({ origin, auths, credsStore, credHelpers });
}

const SECRET_TYPES = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
} as const;
type SecretType = keyof typeof SECRET_TYPES;

function nodeLocation(doc: Document, path: readonly string[], file: string, counter: LineCounter): SourceLocation {
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return { file };
  const { line, col } = counter.linePos(node.range[0]);
  return { file, line, col };
}

/**
 * Parse Kubernetes pull secrets (`kubernetes.io/dockerconfigjson` or legacy `kubernetes.io/dockercfg`),
 * one or more YAML documents or JSON; `data` is base64, `stringData` plain and wins over `data`.
 */
export function parsePullSecret(yamlOrJson: string, origin: string): DockerAuthConfig {
  const counter = new LineCounter();
  const docs = parseAllDocuments(yamlOrJson, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(docs)) fail('pull secret: expected YAML or JSON documents', { file: origin });
  const auths = new Map<string, RegistryCredential>();
  let found = 0;
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) {
      // The parser's own message may quote the text (a secret); say where and which rule only.
      const { line, col } = counter.linePos(problem.pos[0]);
      fail(`pull secret: invalid YAML/JSON (${problem.code})`, { file: origin, line, col });
    }
    const secret: unknown = doc.toJS({ maxAliasCount: 100 });
    if (secret === null || secret === undefined) continue;
    const at = (path: readonly string[]): SourceLocation => nodeLocation(doc, path, origin, counter);
    if (!isRecord(secret)) fail('pull secret: expected a Secret object', at([]));
    if (secret.kind !== undefined && secret.kind !== 'Secret') continue;
    const type = secret.type as unknown;
    const candidates: SecretType[] =
      typeof type === 'string' && type in SECRET_TYPES
        ? [type as SecretType]
        : type === undefined
          ? (Object.keys(SECRET_TYPES) as SecretType[])
          : [];
    if (candidates.length === 0) fail(`type: expected kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg, got ${JSON.stringify(type)}`, at(['type']));
    for (const t of candidates) {
      const key = SECRET_TYPES[t];
      let text: string | undefined;
      let where: SourceLocation = at([]);
      for (const field of ['stringData', 'data'] as const) {
        const map = secret[field];
        if (map === undefined || map === null) continue;
        if (!isRecord(map)) fail(`${field}: expected a map`, at([field]));
        const raw = map[key];
        if (raw === undefined) continue;
        where = at([field, key]);
        if (typeof raw !== 'string') fail(`${field}[${JSON.stringify(key)}]: expected a string`, where);
        text = field === 'data' ? decodeBase64(raw, `data[${JSON.stringify(key)}]`, where) : raw;
        break;
      }
      if (text === undefined) {
        if (type !== undefined) fail(`data[${JSON.stringify(key)}]: missing, a ${t} Secret needs it`, at([]));
        continue;
      }
      const inner = `${origin}: data[${JSON.stringify(key)}]`;
      const parsed =
        t === 'kubernetes.io/dockerconfigjson'
          ? parseDockerConfig(text, inner, false).auths
          : parseAuthsMap(parseJson(text, 'dockercfg', inner), 'auths', [], () => ({ file: inner }));
      for (const [k, v] of parsed) if (!auths.has(k)) auths.set(k, v);
      found++;
    }
  }
  if (found === 0) fail('pull secret: expected a Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg', { file: origin });
  return Object.freeze({ origin, auths, credsStore: undefined, credHelpers: new Map() });
}

/** `docker.io`, `index.docker.io`, `registry-1.docker.io` are one registry. */
function canonicalHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? 'docker.io' : h;
}

/**
 * A key as written (`https://index.docker.io/v1/`, `quay.io/org/repo`, `http://host:5000/v2/`) to
 * `host[:port][/namespace]`: scheme dropped, a `/v1/` or `/v2/` API path dropped, host canonical.
 */
export function normalizeAuthKey(key: string): string {
  const noScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = noScheme.indexOf('/');
  const host = canonicalHost(slash < 0 ? noScheme : noScheme.slice(0, slash));
  const path = slash < 0 ? '' : noScheme.slice(slash + 1).replace(/^v[12](\/|$)/, '').replace(/\/+$/, '');
  return path === '' ? host : `${host}/${path}`;
}

/** Lookup names for an image, most specific first: `quay.io/org/repo`, `quay.io/org`, `quay.io`. */
export function lookupOrder(registry: string, repository: string): string[] {
  const host = canonicalHost(registry);
  const parts = repository.split('/').filter((p) => p !== '');
  const names: string[] = [];
  for (let i = parts.length; i > 0; i--) names.push(`${host}/${parts.slice(0, i).join('/')}`);
  names.push(host);
  return names;
}

/**
 * The credential for the first name that has one; an exact key wins over a normalized one. Empty
 * entries (`{}`, written by docker when a helper holds the secret) are skipped so helpers answer.
 */
function findAuth(config: DockerAuthConfig, registry: string, names: readonly string[]): RegistryCredential | undefined {
  const host = canonicalHost(registry);
  const usable = (c: RegistryCredential | undefined): RegistryCredential | undefined => (c && Object.keys(c).length > 0 ? c : undefined);
  for (const name of names) {
    const exact = name === host && host === 'docker.io' ? [DOCKER_HUB_KEY, name] : [name];
    for (const key of exact) {
      const hit = usable(config.auths.get(key));
      if (hit) return hit;
    }
    for (const [key, value] of config.auths) {
      const hit = normalizeAuthKey(key) === name ? usable(value) : undefined;
      if (hit) return hit;
    }
    for (const [key, value] of config.auths) {
      const hit = key.includes('*') && globKeyMatches(normalizeAuthKey(key), name) ? usable(value) : undefined;
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * kubelet's pull-secret wildcards: `*.example.com` matches one DNS label per `*` segment; the label
 * count and the port must match exactly, and the namespace part must be equal.
 */
function globKeyMatches(pattern: string, name: string): boolean {
  const split = (s: string): [string, string, string] => {
    const slash = s.indexOf('/');
    const hostPort = slash < 0 ? s : s.slice(0, slash);
    const colon = hostPort.lastIndexOf(':');
    return [colon < 0 ? hostPort : hostPort.slice(0, colon), colon < 0 ? '' : hostPort.slice(colon), slash < 0 ? '' : s.slice(slash)];
  };
  const [pHost, pPort, pPath] = split(pattern);
  const [nHost, nPort, nPath] = split(name);
  if (pPort !== nPort || pPath !== nPath) return false;
  const pLabels = pHost.split('.');
  const nLabels = nHost.split('.');
  if (pLabels.length !== nLabels.length) return false;
  return pLabels.every((label, i) => {
    const re = new RegExp(`^${label.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*')}$`);
    return re.test(nLabels[i] ?? '');
  });
}

function helperFor(config: DockerAuthConfig, registry: string): { helper: string; explicit: boolean } | undefined {
  const host = canonicalHost(registry);
  for (const [key, helper] of config.credHelpers) if (normalizeAuthKey(key) === host) return { helper, explicit: true };
  return config.credsStore ? { helper: config.credsStore, explicit: false } : undefined;
}

/** Run `docker-credential-<helper> get` (the docker-credential-helpers protocol). */
export function spawnCredentialHelper(env: NodeJS.ProcessEnv): (helper: string, serverUrl: string) => Promise<string> {
  return (helper, serverUrl) =>
    new Promise((resolveRun, reject) => {
      if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
        reject(new Error(`invalid helper name ${JSON.stringify(helper)}`));
        return;
      }
      const child = spawn(`docker-credential-${helper}`, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      child.stdin.on('error', () => {});
      child.once('error', (e) => reject(e));
      child.once('close', (code) => {
        if (code === 0) resolveRun(out);
        else reject(new Error((out.trim() || err.trim() || `exit code ${String(code)}`).split('\n')[0]));
      });
      child.stdin.end(`${serverUrl}\n`);
    });
}

const NOT_FOUND = /credentials not found/i;

/** Ask a helper; undefined when it has nothing for this server. */
async function fromHelper(
  run: (helper: string, serverUrl: string) => Promise<string>,
  helper: string,
  serverUrl: string,
  origin: string,
  explicit: boolean,
): Promise<RegistryCredential | undefined> {
  const what = `credential helper docker-credential-${helper} (from ${explicit ? 'credHelpers' : 'credsStore'} in ${origin})`;
  let out: string;
  try {
    out = await run(helper, serverUrl);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (NOT_FOUND.test(message)) return undefined;
    // A global credsStore whose binary is absent (a config copied from a desktop) must not block anonymous pulls.
    if (code === 'ENOENT' && !explicit) return undefined;
    if (code === 'ENOENT') throw new TagstreamError('Config', `${what}: not found on PATH`);
    throw new TagstreamError('Config', `${what}: failed for ${serverUrl}: ${redact(message).slice(0, 200)}`);
  }
  if (NOT_FOUND.test(out)) return undefined;
  let answer: unknown;
  try {
    answer = JSON.parse(out) as unknown;
  } catch {
    throw new TagstreamError('Config', `${what}: expected JSON {"ServerURL","Username","Secret"} on stdout for ${serverUrl}`);
  }
  if (!isRecord(answer) || typeof answer.Secret !== 'string' || (answer.Username !== undefined && typeof answer.Username !== 'string')) {
    throw new TagstreamError('Config', `${what}: expected JSON {"ServerURL","Username","Secret"} with string fields for ${serverUrl}`);
  }
  const username = typeof answer.Username === 'string' ? answer.Username : '';
  if (answer.Secret === '' && username === '') return undefined;
  return username === TOKEN_USERNAME ? Object.freeze({ identityToken: answer.Secret }) : Object.freeze({ username, password: answer.Secret });
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
