/**
 * Settings of `tagstream serve`, from three sources validated once into a frozen DaemonSettings:
 * command-line flags win over `TAGSTREAM_*` environment variables, which win over the daemon
 * config file (`--config`, YAML with the same keys as the flags in camelCase). Secrets come from
 * the environment or from files (`--git-token-file`, `--webhook-secret-file`), never from flags,
 * so they do not show up in `ps`. Intervals left unset fall back to the repository's
 * `.tagstream.yaml` (`scheduledImportInterval`, `pollInterval`) at run time.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TagstreamError, UsageError } from '../errors.js';
import type { GitCredentials } from '../ports/git.js';
import { readGitCredentials } from './git-credentials.js';
import type { LogLevel } from '../ports/log.js';
import { formatDuration, parseDuration } from './duration.js';
import { DEFAULT_REGISTRY_DEADLINES, parseDeadline, type RegistryDeadlines } from './registry-deadlines.js';
import { MIN_POLL_INTERVAL, MIN_SCHEDULED_INTERVAL } from './repo-settings.js';

export interface ListenAddress {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
}

export interface DaemonSettings {
  /** Remote to clone into `dataDir` (credentials never in the URL: use the token or password settings). */
  readonly repoUrl: string | undefined;
  /** An existing working copy to work in instead of a clone. */
  readonly repoDir: string | undefined;
  /** Where the clone lives (with repoUrl). */
  readonly dataDir: string | undefined;
  /** Branch to follow and push; undefined: the one the working copy has checked out. */
  readonly branch: string | undefined;
  readonly remote: string;
  readonly listen: ListenAddress;
  /** Scheduled-import interval override (ms); undefined: repository settings. */
  readonly scheduledInterval: number | undefined;
  /** Poll interval override (ms); undefined: repository settings. */
  readonly pollInterval: number | undefined;
  /** Triggers arriving within this window are folded into one run (ms). */
  readonly debounce: number;
  /** How long SIGTERM waits for a running reconcile before abandoning it (ms). */
  readonly gracePeriod: number;
  /** First and largest delay between retries of a failed run (ms). */
  readonly backoffInitial: number;
  readonly backoffMax: number;
  readonly pushAttempts: number;
  /** Largest webhook body accepted (bytes). */
  readonly maxBodyBytes: number;
  readonly logLevel: LogLevel;
  /** Shared secret of the webhooks; undefined disables `/webhooks/*` (they answer 404). */
  readonly webhookSecret: string | undefined;
  readonly gitCredentials: GitCredentials | undefined;
  /** GitHub App whose installation tokens replace the Git token (minted per run). */
  readonly githubApp: { readonly appId: string; readonly installationId: string; readonly privateKey: string; readonly apiUrl: string } | undefined;
  /** Pull-request mode: propose each run's changes as pull/merge requests instead of pushing to the branch. */
  readonly pullRequest: DaemonPullRequestSettings | undefined;
  /** Total deadline of one registry request and bound of one run's registry requests (#12.5). */
  readonly registryDeadlines: RegistryDeadlines;
}

export interface DaemonPullRequestSettings {
  /** `github`, `gitlab`, `gitea`; undefined: `.tagstream.yaml` git.provider, else the remote's host. */
  readonly provider: string | undefined;
  readonly apiUrl: string | undefined;
  readonly branchPrefix: string;
  readonly group: 'all' | 'tag';
  readonly labels: readonly string[];
}

/** Raw flag values as commander hands them over (camelCase keys, strings). */
export type DaemonFlags = Readonly<Record<string, string | boolean | undefined>>;

export interface DaemonSettingsInput {
  readonly flags: DaemonFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads secret and config files; injected so the parser stays pure. */
  readonly readFile: (path: string) => string;
}

const MINUTE = 60_000;
/** Interval floors are those of `.tagstream.yaml`; shorter only with this set to 1 (tests, demos). */
const ALLOW_SHORT_INTERVALS_ENV = 'TAGSTREAM_ALLOW_SHORT_INTERVALS';

const DAEMON_DEFAULTS = Object.freeze({
  listen: '127.0.0.1:8080',
  remote: 'origin',
  debounce: 500,
  gracePeriod: 30_000,
  backoffInitial: 1_000,
  backoffMax: 5 * MINUTE,
  pushAttempts: 5,
  maxBodyBytes: 1024 * 1024,
  logLevel: 'info' as LogLevel,
});

export interface DaemonField {
  /** camelCase key: commander attribute of the flag and config-file key. */
  readonly key: string;
  /** Flag as commander declares it (`--repo-url <url>`). */
  readonly flag: string;
  /** Environment variable; for secrets it holds the value while the flag names a file. */
  readonly env: string | undefined;
  readonly default: string;
  readonly description: string;
  /** Declared by the CLI's global options rather than by `serve` itself. */
  readonly global?: boolean | undefined;
}

/** Every daemon setting: drives parsing, the `serve` flags and the README table (DAEMON_SETTINGS_DOC). */
export const DAEMON_FIELDS: readonly DaemonField[] = Object.freeze([
  { key: 'repoUrl', flag: '--repo-url <url>', env: 'TAGSTREAM_REPO_URL', default: '(none)', description: 'Git remote to clone into --data-dir (credentials from the token or password settings, never in the URL).' },
  { key: 'dataDir', flag: '--data-dir <dir>', env: 'TAGSTREAM_DATA_DIR', default: '(none)', description: 'Directory holding the clone of --repo-url; the daemon owns it.' },
  { key: 'repo', flag: '--repo <dir>', env: 'TAGSTREAM_REPO', default: '(none)', description: 'An existing clone to work in instead (handed over to the daemon: tracked files are reset to HEAD before each run).', global: true },
  { key: 'branch', flag: '--branch <name>', env: 'TAGSTREAM_BRANCH', default: 'the remote\'s default branch (clone) or the checked-out one (--repo)', description: 'Branch to follow and push.' },
  { key: 'remote', flag: '--remote <name>', env: 'TAGSTREAM_REMOTE', default: '`origin`', description: 'Remote to fetch and push.' },
  { key: 'listen', flag: '--listen <host:port>', env: 'TAGSTREAM_LISTEN', default: '`127.0.0.1:8080`', description: 'Address of the webhooks, `/healthz`, `/readyz` and `/metrics`.' },
  { key: 'scheduledInterval', flag: '--scheduled-interval <duration>', env: 'TAGSTREAM_SCHEDULED_INTERVAL', default: 'settings `scheduledImportInterval` (`15m`)', description: 'How often `importPolicy.scheduled` tags are re-imported; at least `1m` unless TAGSTREAM_ALLOW_SHORT_INTERVALS=1 (tests).' },
  { key: 'pollInterval', flag: '--poll-interval <duration>', env: 'TAGSTREAM_POLL_INTERVAL', default: 'settings `pollInterval` (`5m`)', description: 'How often the branch is fetched for spec changes; at least `10s` unless TAGSTREAM_ALLOW_SHORT_INTERVALS=1.' },
  { key: 'debounce', flag: '--debounce <duration>', env: 'TAGSTREAM_DEBOUNCE', default: '`500ms`', description: 'Triggers within this window (webhook bursts) fold into one run and one commit.' },
  { key: 'gracePeriod', flag: '--grace-period <duration>', env: 'TAGSTREAM_GRACE_PERIOD', default: '`30s`', description: 'How long SIGTERM waits for a running reconcile before abandoning it, unpushed.' },
  { key: 'backoffMax', flag: '--backoff-max <duration>', env: 'TAGSTREAM_BACKOFF_MAX', default: '`5m`', description: 'Largest delay between retries of a failing run (1s, 2s, 4s... up to this).' },
  { key: 'registryTimeout', flag: '--registry-timeout <duration>', env: 'TAGSTREAM_REGISTRY_TIMEOUT', default: '`60s`', description: 'Total deadline of one registry request, retries included; a registry that stalls fails its tag only.' },
  { key: 'runTimeout', flag: '--run-timeout <duration>', env: 'TAGSTREAM_RUN_TIMEOUT', default: '`15m`', description: 'Bound on all registry requests of one run; the next run gets a fresh bound.' },
  { key: 'logLevel', flag: '--log-level <level>', env: 'TAGSTREAM_LOG_LEVEL', default: '`info`', description: '`debug`, `info`, `warn` or `error`; logs are JSON lines on stdout.' },
  { key: 'webhookSecretFile', flag: '--webhook-secret-file <file>', env: 'TAGSTREAM_WEBHOOK_SECRET', default: '(webhooks off)', description: 'Bearer secret of `POST /webhooks/registry` and `/webhooks/git` (the variable holds the value, the flag a file).' },
  { key: 'gitTokenFile', flag: '--git-token-file <file>', env: 'TAGSTREAM_GIT_TOKEN', default: '(none)', description: 'Git HTTPS token (the variable holds the value, the flag a file).' },
  { key: 'gitUsername', flag: '--git-username <name>', env: 'TAGSTREAM_GIT_USERNAME', default: '(none)', description: 'User name for Basic Git credentials (with the password), or for the token.' },
  { key: 'gitPasswordFile', flag: '--git-password-file <file>', env: 'TAGSTREAM_GIT_PASSWORD', default: '(none)', description: 'Git password (the variable holds the value, the flag a file).' },
  { key: 'pullRequest', flag: '--pull-request', env: 'TAGSTREAM_PULL_REQUEST', default: 'off (push to the branch)', description: 'Open or update pull/merge requests on the Git host instead of pushing to the branch (`TAGSTREAM_PULL_REQUEST=true`); the API token is the Git token.' },
  { key: 'provider', flag: '--provider <host>', env: 'TAGSTREAM_GIT_PROVIDER', default: '`git.provider`, else from the remote host', description: 'Git host API for pull-request mode: `github`, `gitlab` or `gitea` (Forgejo, Codeberg).' },
  { key: 'apiUrl', flag: '--api-url <url>', env: 'TAGSTREAM_GIT_API_URL', default: '`git.apiUrl`, else the provider default', description: 'Base URL of that API for self-hosted instances.' },
  { key: 'branchPrefix', flag: '--branch-prefix <prefix>', env: 'TAGSTREAM_BRANCH_PREFIX', default: '`tagstream/`', description: 'Prefix of the branches Tagstream owns and force-updates in pull-request mode.' },
  { key: 'group', flag: '--group <group>', env: 'TAGSTREAM_PR_GROUP', default: '`all`', description: 'Pull-request mode: `all` (one request) or `tag` (one request per image stream tag).' },
  { key: 'prLabels', flag: '--pr-labels <list>', env: 'TAGSTREAM_PR_LABELS', default: '(none)', description: 'Pull-request mode: comma-separated labels added to the requests.' },
  { key: 'githubAppId', flag: '--github-app-id <id>', env: 'TAGSTREAM_GITHUB_APP_ID', default: '(none)', description: 'GitHub App whose installation tokens are used for Git and the API instead of a fixed token (with the installation id and the private key).' },
  { key: 'githubAppInstallationId', flag: '--github-app-installation-id <id>', env: 'TAGSTREAM_GITHUB_APP_INSTALLATION_ID', default: '(none)', description: 'Installation of that App on the repository owner.' },
  { key: 'githubAppPrivateKeyFile', flag: '--github-app-private-key-file <file>', env: 'TAGSTREAM_GITHUB_APP_PRIVATE_KEY', default: '(none)', description: 'PEM private key of the App (the variable holds the value, the flag a file).' },
  { key: 'config', flag: '--config <file>', env: 'TAGSTREAM_CONFIG', default: '(none)', description: 'YAML file with any of the non-secret settings above, keys in camelCase.' },
]);

/** Markdown table of the daemon settings, for the README. */
export const DAEMON_SETTINGS_DOC: string = [
  '| Flag | Environment | Default | Description |',
  '|---|---|---|---|',
  ...DAEMON_FIELDS.map((f) => `| \`${f.flag}\` | ${f.env ? `\`${f.env}\`` : ''} | ${f.default} | ${f.description} |`),
].join('\n');

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Validate flags, environment and config file into frozen settings; throws UsageError naming the source. */
export function parseDaemonSettings(input: DaemonSettingsInput): DaemonSettings {
  const { flags, env, readFile } = input;
  const file = readConfigFile(flags['config'] ?? env['TAGSTREAM_CONFIG'], readFile);
  const allowShort = env[ALLOW_SHORT_INTERVALS_ENV] === '1';

  /** The first source that sets `key`, with its name for messages. */
  const pick = (key: string): { value: string; from: string } | undefined => {
    const field = DAEMON_FIELDS.find((f) => f.key === key);
    const flag = flags[key];
    if (typeof flag === 'string') return { value: flag, from: `--${kebab(key)}` };
    const fromEnv = field?.env === undefined ? undefined : env[field.env];
    if (fromEnv !== undefined && fromEnv !== '' && !isSecretEnv(field?.env)) return { value: fromEnv, from: field?.env ?? key };
    const fromFile = file?.values[key];
    if (fromFile !== undefined) return { value: fromFile, from: `${file?.path}: ${key}` };
    return undefined;
  };
  const str = (key: string): string | undefined => pick(key)?.value;
  const duration = (key: string, fallback: number | undefined, floor: number): number | undefined => {
    const v = pick(key);
    if (v === undefined) return fallback;
    const ms = parseDuration(v.value);
    if (ms === undefined) throw new UsageError(`${v.from}: expected a duration such as "500ms", "90s" or "15m", got "${v.value}"`);
    if (ms < floor && !allowShort) {
      throw new UsageError(`${v.from}: must be at least ${formatDuration(floor)}, got ${v.value} (set ${ALLOW_SHORT_INTERVALS_ENV}=1 to allow shorter intervals in tests)`);
    }
    if (ms <= 0) throw new UsageError(`${v.from}: must be greater than 0, got ${v.value}`);
    return ms;
  };
  const deadline = (key: string, fallback: number): number => {
    const v = pick(key);
    return v === undefined ? fallback : parseDeadline(v.value, v.from);
  };

  const repoUrl = str('repoUrl');
  const repoDir = str('repo');
  const dataDir = str('dataDir');
  if (repoUrl !== undefined && repoDir !== undefined) throw new UsageError('serve: give either --repo-url (with --data-dir) or --repo, not both');
  if (repoUrl === undefined && repoDir === undefined) throw new UsageError('serve: expected --repo-url URL with --data-dir DIR, or --repo DIR (or TAGSTREAM_REPO_URL / TAGSTREAM_REPO)');
  if (repoUrl !== undefined && dataDir === undefined) throw new UsageError('serve: --repo-url needs --data-dir DIR (or TAGSTREAM_DATA_DIR) to clone into');
  // `ssh://git@host/…` names the SSH login user, which is not a secret; a password never belongs there.
  if (repoUrl !== undefined && (/^(ssh|git\+ssh|ssh\+git):\/\//i.test(repoUrl) ? /^[^:]+:\/\/[^/@]*:[^/@]*@/.test(repoUrl) : /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(repoUrl))) {
    throw new UsageError('serve: --repo-url must not contain credentials; use TAGSTREAM_GIT_TOKEN or --git-token-file');
  }

  const level = str('logLevel') ?? DAEMON_DEFAULTS.logLevel;
  if (!LEVELS.includes(level as LogLevel)) throw new UsageError(`serve: log level must be one of ${LEVELS.join(', ')}, got "${level}"`);

  const backoffInitial = duration('backoffInitial', DAEMON_DEFAULTS.backoffInitial, 1) as number;
  const backoffMax = duration('backoffMax', DAEMON_DEFAULTS.backoffMax, 1) as number;
  const settings: DaemonSettings = {
    repoUrl,
    repoDir,
    dataDir,
    branch: str('branch'),
    remote: str('remote') ?? DAEMON_DEFAULTS.remote,
    listen: parseListen(pick('listen') ?? { value: DAEMON_DEFAULTS.listen, from: 'default' }),
    scheduledInterval: duration('scheduledInterval', undefined, MIN_SCHEDULED_INTERVAL),
    pollInterval: duration('pollInterval', undefined, MIN_POLL_INTERVAL),
    debounce: duration('debounce', DAEMON_DEFAULTS.debounce, 0) as number,
    gracePeriod: duration('gracePeriod', DAEMON_DEFAULTS.gracePeriod, 0) as number,
    backoffInitial,
    backoffMax: Math.max(backoffMax, backoffInitial),
    pushAttempts: DAEMON_DEFAULTS.pushAttempts,
    maxBodyBytes: DAEMON_DEFAULTS.maxBodyBytes,
    logLevel: level as LogLevel,
    webhookSecret: secret(flags, env, readFile, 'webhookSecretFile', 'TAGSTREAM_WEBHOOK_SECRET'),
    gitCredentials: gitCredentials(flags, env, readFile),
    pullRequest: pullRequestSettings(str),
    githubApp: githubAppSettings(str, secret(flags, env, readFile, 'githubAppPrivateKeyFile', 'TAGSTREAM_GITHUB_APP_PRIVATE_KEY')),
    registryDeadlines: Object.freeze({
      requestTimeoutMs: deadline('registryTimeout', DEFAULT_REGISTRY_DEADLINES.requestTimeoutMs),
      runTimeoutMs: deadline('runTimeout', DEFAULT_REGISTRY_DEADLINES.runTimeoutMs),
    }),
  };
  return Object.freeze({ ...settings, listen: Object.freeze(settings.listen) });
}

function githubAppSettings(str: (key: string) => string | undefined, privateKey: string | undefined): DaemonSettings['githubApp'] {
  const appId = str('githubAppId');
  const installationId = str('githubAppInstallationId');
  if (appId === undefined && installationId === undefined && privateKey === undefined) return undefined;
  if (appId === undefined || installationId === undefined || privateKey === undefined) {
    throw new UsageError('serve: a GitHub App needs --github-app-id, --github-app-installation-id and --github-app-private-key-file (or TAGSTREAM_GITHUB_APP_ID, TAGSTREAM_GITHUB_APP_INSTALLATION_ID, TAGSTREAM_GITHUB_APP_PRIVATE_KEY)');
  }
  if (!/^\d+$/.test(appId) || !/^\d+$/.test(installationId)) throw new UsageError('serve: --github-app-id and --github-app-installation-id are numbers');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) throw new UsageError('serve: the GitHub App private key is not a PEM private key');
  return Object.freeze({ appId, installationId, privateKey, apiUrl: str('apiUrl') ?? 'https://api.github.com' });
}

function pullRequestSettings(str: (key: string) => string | undefined): DaemonPullRequestSettings | undefined {
  const on = str('pullRequest');
  if (on === undefined || /^(false|0|no|off)$/i.test(on)) return undefined;
  if (!/^(true|1|yes|on)$/i.test(on)) throw new UsageError(`serve: --pull-request / TAGSTREAM_PULL_REQUEST expects true or false, got "${on}"`);
  const provider = str('provider');
  if (provider !== undefined && !['github', 'gitlab', 'gitea'].includes(provider)) throw new UsageError(`serve: --provider expects github, gitlab or gitea, got "${provider}"`);
  const group = str('group') ?? 'all';
  if (group !== 'all' && group !== 'tag') throw new UsageError(`serve: --group expects all or tag, got "${group}"`);
  const labels = (str('prLabels') ?? '').split(',').map((l) => l.trim()).filter((l) => l !== '');
  return Object.freeze({ provider, apiUrl: str('apiUrl'), branchPrefix: str('branchPrefix') ?? 'tagstream/', group, labels: Object.freeze(labels) });
}

function isSecretEnv(name: string | undefined): boolean {
  return name === 'TAGSTREAM_WEBHOOK_SECRET' || name === 'TAGSTREAM_GIT_TOKEN' || name === 'TAGSTREAM_GIT_PASSWORD' || name === 'TAGSTREAM_GITHUB_APP_PRIVATE_KEY';
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `host:port`, `[::1]:port` or `:port` (all interfaces). */
function parseListen(v: { value: string; from: string }): ListenAddress {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(v.value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${v.from}: expected HOST:PORT such as 127.0.0.1:8080 or 0.0.0.0:8080, got "${v.value}"`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '') || '0.0.0.0';
  return { host, port };
}

/** A secret from its file flag, else its environment variable; trailing newline of files dropped. */
function secret(
  flags: DaemonFlags,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
  fileKey: string,
  envName: string,
): string | undefined {
  const path = flags[fileKey];
  if (typeof path === 'string') {
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      throw new UsageError(`--${kebab(fileKey)} ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw new UsageError(`--${kebab(fileKey)} ${path}: the file is empty`);
    return value;
  }
  const fromEnv = env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

function gitCredentials(flags: DaemonFlags, env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string): GitCredentials | undefined {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return readGitCredentials({ env, readFile, tokenFile: str(flags['gitTokenFile']), passwordFile: str(flags['gitPasswordFile']), username: str(flags['gitUsername']) });
}

interface ConfigFile {
  readonly path: string;
  readonly values: Readonly<Record<string, string>>;
}

const FILE_KEYS = new Set(['repoUrl', 'repo', 'dataDir', 'branch', 'remote', 'listen', 'scheduledInterval', 'pollInterval', 'debounce', 'gracePeriod', 'backoffInitial', 'backoffMax', 'registryTimeout', 'runTimeout', 'logLevel', 'pullRequest', 'provider', 'apiUrl', 'branchPrefix', 'group', 'prLabels', 'githubAppId', 'githubAppInstallationId']);

/** The config file's schema: every non-secret setting, a string or a number (kept as its text). */
const CONFIG_FILE_SCHEMA = z.strictObject(
  Object.fromEntries([...FILE_KEYS].map((k) => [k, z.union([z.string(), z.number()], { error: 'expected a string' }).transform(String).optional()])),
);

/** The optional daemon config file: a YAML mapping of scalar settings (no secrets). */
function readConfigFile(path: string | boolean | undefined, readFile: (path: string) => string): ConfigFile | undefined {
  if (typeof path !== 'string') return undefined;
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
  if (data === null || data === undefined) return { path, values: {} };
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
  const values = Object.fromEntries(Object.entries(parsed.data).filter((e): e is [string, string] => e[1] !== undefined));
  return { path, values };
}
