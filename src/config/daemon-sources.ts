/**
 * The three sources of `tagstream serve` settings, one reader each, merged into one layer of raw
 * text that the schema (daemon-settings.ts) validates: command-line flags win over `TAGSTREAM_*`
 * environment variables, which win over the config file (`--config`, YAML with the same keys in
 * camelCase, validated by its own zod schema). Each value keeps the name of where it was written,
 * for messages. Credentials are read apart (`readDaemonSecrets`): from a file named by a flag or
 * from the environment, never from a plain flag value or the config file.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TagstreamError, UsageError } from '../errors.js';
import type { GitCredentials } from '../ports/git.js';
import { DAEMON_FIELDS, FILE_KEYS, flagName } from './daemon-fields.js';
import { readGitCredentials } from './git-credentials.js';

/** Raw flag values as commander hands them over (camelCase keys, strings). */
export type DaemonFlags = Readonly<Record<string, string | boolean | undefined>>;
export type Environment = Readonly<Record<string, string | undefined>>;
export type ReadFile = (path: string) => string;

/** One setting as written: its text and where (`--listen`, `TAGSTREAM_LISTEN`, `daemon.yaml: listen`). */
export interface SourcedValue {
  readonly value: string;
  readonly from: string;
}

/** Every setting some source sets, by key, from the source that wins. */
export type SettingsLayer = Readonly<Record<string, SourcedValue>>;

/** Interval floors are those of `.tagstream.yaml`; shorter only with this set to 1 (tests, demos). */
export const ALLOW_SHORT_INTERVALS_ENV = 'TAGSTREAM_ALLOW_SHORT_INTERVALS';
const CONFIG_ENV = 'TAGSTREAM_CONFIG';

/** The flags source: string values of non-credential keys (a credential flag names a file, read by readDaemonSecrets). */
export function flagLayer(flags: DaemonFlags): SettingsLayer {
  const credentials = new Set(DAEMON_FIELDS.filter((f) => f.credential).map((f) => f.key));
  const out: Record<string, SourcedValue> = {};
  for (const [key, value] of Object.entries(flags)) {
    if (typeof value === 'string' && !credentials.has(key) && key !== 'config') out[key] = { value, from: flagName(key) };
  }
  return out;
}

/** The environment source: each setting's `TAGSTREAM_*` variable when set and not empty (credential variables excluded). */
export function envLayer(env: Environment): SettingsLayer {
  const out: Record<string, SourcedValue> = {};
  for (const field of DAEMON_FIELDS) {
    if (field.env === undefined || field.credential || field.key === 'config') continue;
    const value = env[field.env];
    if (value !== undefined && value !== '') out[field.key] = { value, from: field.env };
  }
  return out;
}

/** The config file's schema: every non-secret setting, a string or a number (kept as its text). */
const CONFIG_FILE_SCHEMA = z.strictObject(
  Object.fromEntries(FILE_KEYS.map((k) => [k, z.union([z.string(), z.number()], { error: 'expected a string' }).transform(String).optional()])),
);

/** The config-file source (`--config`, else TAGSTREAM_CONFIG): a YAML mapping of scalar settings, no secrets. */
export function fileLayer(flags: DaemonFlags, env: Environment, readFile: ReadFile): SettingsLayer {
  const path = flags['config'] ?? env[CONFIG_ENV];
  if (typeof path !== 'string') return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new TagstreamError('Config', `${path}: invalid YAML: ${(e as Error).message.split('\n')[0]}`, { location: { file: path } });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TagstreamError('Config', `${path}: expected a mapping of daemon settings`, { location: { file: path } });
  const parsed = CONFIG_FILE_SCHEMA.safeParse(data);
  if (!parsed.success) {
    // The first problem in the file's key order, as a reader meets them.
    const order = Object.keys(data as Record<string, unknown>);
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => ({ key: k, message: `unknown setting; known keys are ${[...FILE_KEYS].sort().join(', ')} (secrets go in files or the environment)` }))
        : [{ key: String(issue.path[0]), message: issue.message }],
    );
    const first = problems.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key))[0]!;
    throw new TagstreamError('Config', `${path}: ${first.key}: ${first.message}`, { location: { file: path } });
  }
  const out: Record<string, SourcedValue> = {};
  for (const [key, value] of Object.entries(parsed.data)) if (value !== undefined) out[key] = { value, from: `${path}: ${key}` };
  return out;
}

/** Flags over environment over config file: the one merge of the three sources. */
export function mergeLayers(flags: SettingsLayer, env: SettingsLayer, file: SettingsLayer): SettingsLayer {
  return { ...file, ...env, ...flags };
}

export interface DaemonSecrets {
  readonly webhookSecret: string | undefined;
  readonly gitCredentials: GitCredentials | undefined;
  readonly githubAppPrivateKey: string | undefined;
}

/** The credentials: each from the file its flag names, else its variable (the Git ones through the one Git credentials reader). */
export function readDaemonSecrets(flags: DaemonFlags, env: Environment, readFile: ReadFile): DaemonSecrets {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    webhookSecret: secret(flags, env, readFile, 'webhookSecretFile', 'TAGSTREAM_WEBHOOK_SECRET'),
    gitCredentials: readGitCredentials({ env, readFile, tokenFile: str(flags['gitTokenFile']), passwordFile: str(flags['gitPasswordFile']), username: str(flags['gitUsername']) }),
    githubAppPrivateKey: secret(flags, env, readFile, 'githubAppPrivateKeyFile', 'TAGSTREAM_GITHUB_APP_PRIVATE_KEY'),
  };
}

/** A secret from its file flag, else its environment variable; trailing newline of files dropped. */
function secret(flags: DaemonFlags, env: Environment, readFile: ReadFile, fileKey: string, envName: string): string | undefined {
  const path = flags[fileKey];
  if (typeof path === 'string') {
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      throw new UsageError(`${flagName(fileKey)} ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw new UsageError(`${flagName(fileKey)} ${path}: the file is empty`);
    return value;
  }
  const fromEnv = env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
