/**
 * The table of `tagstream serve` settings: each one's flag, environment variable, default and
 * description. It drives the three source readers (daemon-sources.ts), the `serve` flags and
 * `--help` (cli/commands/serve.ts) and the README table (DAEMON_SETTINGS_DOC), so they cannot drift.
 */

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
  /**
   * A Git or webhook credential: read by the secrets reader (the flag names a file, the variable
   * holds the value), never from the config file or a plain flag value.
   */
  readonly credential?: boolean | undefined;
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
  { key: 'webhookSecretFile', flag: '--webhook-secret-file <file>', env: 'TAGSTREAM_WEBHOOK_SECRET', default: '(webhooks off)', description: 'Bearer secret of `POST /webhooks/registry` and `/webhooks/git` (the variable holds the value, the flag a file).', credential: true },
  { key: 'gitTokenFile', flag: '--git-token-file <file>', env: 'TAGSTREAM_GIT_TOKEN', default: '(none)', description: 'Git HTTPS token (the variable holds the value, the flag a file).', credential: true },
  { key: 'gitUsername', flag: '--git-username <name>', env: 'TAGSTREAM_GIT_USERNAME', default: '(none)', description: 'User name for Basic Git credentials (with the password), or for the token.', credential: true },
  { key: 'gitPasswordFile', flag: '--git-password-file <file>', env: 'TAGSTREAM_GIT_PASSWORD', default: '(none)', description: 'Git password (the variable holds the value, the flag a file).', credential: true },
  { key: 'pullRequest', flag: '--pull-request', env: 'TAGSTREAM_PULL_REQUEST', default: 'off (push to the branch)', description: 'Open or update pull/merge requests on the Git host instead of pushing to the branch (`TAGSTREAM_PULL_REQUEST=true`); the API token is the Git token.' },
  { key: 'provider', flag: '--provider <host>', env: 'TAGSTREAM_GIT_PROVIDER', default: '`git.provider`, else from the remote host', description: 'Git host API for pull-request mode: `github`, `gitlab` or `gitea` (Forgejo, Codeberg).' },
  { key: 'apiUrl', flag: '--api-url <url>', env: 'TAGSTREAM_GIT_API_URL', default: '`git.apiUrl`, else the provider default', description: 'Base URL of that API for self-hosted instances.' },
  { key: 'branchPrefix', flag: '--branch-prefix <prefix>', env: 'TAGSTREAM_BRANCH_PREFIX', default: '`tagstream/`', description: 'Prefix of the branches Tagstream owns and force-updates in pull-request mode.' },
  { key: 'group', flag: '--group <group>', env: 'TAGSTREAM_PR_GROUP', default: '`all`', description: 'Pull-request mode: `all` (one request) or `tag` (one request per image stream tag).' },
  { key: 'prLabels', flag: '--pr-labels <list>', env: 'TAGSTREAM_PR_LABELS', default: '(none)', description: 'Pull-request mode: comma-separated labels added to the requests.' },
  { key: 'githubAppId', flag: '--github-app-id <id>', env: 'TAGSTREAM_GITHUB_APP_ID', default: '(none)', description: 'GitHub App whose installation tokens are used for Git and the API instead of a fixed token (with the installation id and the private key).' },
  { key: 'githubAppInstallationId', flag: '--github-app-installation-id <id>', env: 'TAGSTREAM_GITHUB_APP_INSTALLATION_ID', default: '(none)', description: 'Installation of that App on the repository owner.' },
  { key: 'githubAppPrivateKeyFile', flag: '--github-app-private-key-file <file>', env: 'TAGSTREAM_GITHUB_APP_PRIVATE_KEY', default: '(none)', description: 'PEM private key of the App (the variable holds the value, the flag a file).', credential: true },
  { key: 'config', flag: '--config <file>', env: 'TAGSTREAM_CONFIG', default: '(none)', description: 'YAML file with any of the non-secret settings above, keys in camelCase.' },
]);

/** Markdown table of the daemon settings, for the README. */
export const DAEMON_SETTINGS_DOC: string = [
  '| Flag | Environment | Default | Description |',
  '|---|---|---|---|',
  ...DAEMON_FIELDS.map((f) => `| \`${f.flag}\` | ${f.env ? `\`${f.env}\`` : ''} | ${f.default} | ${f.description} |`),
].join('\n');

/** The `--flag` spelling of a camelCase key. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Settings without a flag of their own: set by the config file or by a caller's flags record
 * (tests), never shown in `--help`. `backoffInitial` is the first retry delay (default 1s).
 */
export const UNLISTED_KEYS: readonly string[] = Object.freeze(['backoffInitial']);

/** Keys the config file may set: every setting but the credentials and `config` itself. */
export const FILE_KEYS: readonly string[] = Object.freeze([...DAEMON_FIELDS.filter((f) => !f.credential && f.key !== 'config').map((f) => f.key), ...UNLISTED_KEYS]);
