/**
 * Docker credential files as data: docker `config.json` / `$REGISTRY_AUTH_FILE` /
 * `DOCKER_AUTH_CONFIG` and Kubernetes pull secrets parsed into a DockerAuthConfig. Errors name the
 * file, line and what was expected, never a secret.
 */
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { TagstreamError } from '../../../errors.js';
import type { SourceLocation } from '../../../errors.js';
import type { RegistryCredential } from './credential-types.js';

export const TOKEN_USERNAME = '<token>';

/** One parsed credentials file: `auths` by their key as written; empty entries (`{}`) defer to helpers. */
export interface DockerAuthConfig {
  readonly origin: string;
  readonly auths: ReadonlyMap<string, RegistryCredential>;
  readonly credsStore?: string | undefined;
  readonly credHelpers: ReadonlyMap<string, string>;
}

function fail(message: string, location: SourceLocation): never {
  throw new TagstreamError('Config', message, { location });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
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

