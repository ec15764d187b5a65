/**
 * Settings of `tagstream serve`: the three sources (daemon-sources.ts: flags over `TAGSTREAM_*`
 * environment over the config file) merged into one layer of text, validated once by one zod
 * schema into a frozen DaemonSettings. Messages name where the bad value was written
 * (`--debounce: …`, `TAGSTREAM_POLL_INTERVAL: …`, `daemon.yaml: listen: …`). Secrets come from the
 * environment or from files (`--git-token-file`, `--webhook-secret-file`), never from flags, so
 * they do not show up in `ps`. Intervals left unset fall back to the repository's
 * `.tagstream.yaml` (`scheduledImportInterval`, `pollInterval`) at run time.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { GitCredentials } from '../ports/git.js';
import type { LogLevel } from '../ports/log.js';
import { formatDuration, parseDuration } from './duration.js';
import {
  ALLOW_SHORT_INTERVALS_ENV,
  envLayer,
  fileLayer,
  flagLayer,
  mergeLayers,
  readDaemonSecrets,
  type DaemonFlags,
  type Environment,
  type ReadFile,
  type SettingsLayer,
} from './daemon-sources.js';
import { DEFAULT_REGISTRY_DEADLINES, deadlineMs, deadlineProblem, type RegistryDeadlines } from './registry-deadlines.js';
import { MIN_POLL_INTERVAL, MIN_SCHEDULED_INTERVAL } from './repo-settings.js';

export { DAEMON_FIELDS, DAEMON_SETTINGS_DOC, type DaemonField } from './daemon-fields.js';
export type { DaemonFlags } from './daemon-sources.js';

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

export interface DaemonSettingsInput {
  readonly flags: DaemonFlags;
  readonly env: Environment;
  /** Reads secret and config files; injected so the parser stays pure. */
  readonly readFile: ReadFile;
}

const MINUTE = 60_000;

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

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Issue param: the message is whole (`serve: …`), not prefixed with where the value was written. */
const WHOLE = { whole: true };

/** Validate flags, environment and config file into frozen settings; throws UsageError naming the source. */
export function parseDaemonSettings(input: DaemonSettingsInput): DaemonSettings {
  const { flags, env, readFile } = input;
  const layer = mergeLayers(flagLayer(flags), envLayer(env), fileLayer(flags, env, readFile));
  const secrets = readDaemonSecrets(flags, env, readFile);
  const raw = Object.fromEntries(Object.entries(layer).map(([key, v]) => [key, v.value]));
  const parsed = daemonSettingsSchema(env[ALLOW_SHORT_INTERVALS_ENV] === '1').safeParse({ ...raw, ...secrets });
  if (!parsed.success) throw new UsageError(messageOf(parsed.error.issues[0]!, layer));
  return parsed.data;
}

/** `--debounce: expected …`: a field's problem prefixed with where its value was written. */
function messageOf(issue: z.core.$ZodIssue, layer: SettingsLayer): string {
  const key = issue.path[0];
  const whole = issue.code === 'custom' && (issue.params as { whole?: boolean } | undefined)?.whole === true;
  if (whole || key === undefined) return issue.message;
  return `${layer[String(key)]?.from ?? String(key)}: ${issue.message}`;
}

/** The one schema of the merged settings: each field's text, then the checks across fields. */
function daemonSettingsSchema(allowShort: boolean) {
  const text = z.string().optional();
  const duration = (floor: number) =>
    z.string().transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) return problem(ctx, `expected a duration such as "500ms", "90s" or "15m", got "${value}"`);
      if (ms < floor && !allowShort) return problem(ctx, `must be at least ${formatDuration(floor)}, got ${value} (set ${ALLOW_SHORT_INTERVALS_ENV}=1 to allow shorter intervals in tests)`);
      if (ms <= 0) return problem(ctx, `must be greater than 0, got ${value}`);
      return ms;
    });
  const deadline = z.string().transform((value, ctx) => deadlineMs(value) ?? problem(ctx, deadlineProblem(value)));
  return z
    .object({
      repoUrl: text,
      repo: text,
      dataDir: text,
      branch: text,
      remote: z.string().default(DAEMON_DEFAULTS.remote),
      logLevel: z
        .string()
        .superRefine((level, ctx) => {
          if (!LEVELS.includes(level as LogLevel)) problem(ctx, `serve: log level must be one of ${LEVELS.join(', ')}, got "${level}"`, true);
        })
        .default(DAEMON_DEFAULTS.logLevel),
      backoffInitial: duration(1).default(DAEMON_DEFAULTS.backoffInitial),
      backoffMax: duration(1).default(DAEMON_DEFAULTS.backoffMax),
      listen: z.string().default(DAEMON_DEFAULTS.listen).transform(listenAddress),
      scheduledInterval: duration(MIN_SCHEDULED_INTERVAL).optional(),
      pollInterval: duration(MIN_POLL_INTERVAL).optional(),
      debounce: duration(0).default(DAEMON_DEFAULTS.debounce),
      gracePeriod: duration(0).default(DAEMON_DEFAULTS.gracePeriod),
      registryTimeout: deadline.default(DEFAULT_REGISTRY_DEADLINES.requestTimeoutMs),
      runTimeout: deadline.default(DEFAULT_REGISTRY_DEADLINES.runTimeoutMs),
      pullRequest: text,
      provider: text,
      apiUrl: text,
      branchPrefix: text,
      group: text,
      prLabels: text,
      githubAppId: text,
      githubAppInstallationId: text,
      // already read by readDaemonSecrets
      webhookSecret: text,
      gitCredentials: z.custom<GitCredentials>().optional(),
      githubAppPrivateKey: text,
    })
    .transform((s, ctx): DaemonSettings => {
      const whole = (message: string) => problem(ctx, message, true);
      if (s.repoUrl !== undefined && s.repo !== undefined) return whole('serve: give either --repo-url (with --data-dir) or --repo, not both');
      if (s.repoUrl === undefined && s.repo === undefined) return whole('serve: expected --repo-url URL with --data-dir DIR, or --repo DIR (or TAGSTREAM_REPO_URL / TAGSTREAM_REPO)');
      if (s.repoUrl !== undefined && s.dataDir === undefined) return whole('serve: --repo-url needs --data-dir DIR (or TAGSTREAM_DATA_DIR) to clone into');
      if (s.repoUrl !== undefined && hasCredentials(s.repoUrl)) return whole('serve: --repo-url must not contain credentials; use TAGSTREAM_GIT_TOKEN or --git-token-file');
      const pullRequest = pullRequestSettings(s);
      if (typeof pullRequest === 'string') return whole(pullRequest);
      const githubApp = githubAppSettings(s, s.githubAppPrivateKey);
      if (typeof githubApp === 'string') return whole(githubApp);
      return Object.freeze({
        repoUrl: s.repoUrl,
        repoDir: s.repo,
        dataDir: s.dataDir,
        branch: s.branch,
        remote: s.remote,
        listen: Object.freeze(s.listen),
        scheduledInterval: s.scheduledInterval,
        pollInterval: s.pollInterval,
        debounce: s.debounce,
        gracePeriod: s.gracePeriod,
        backoffInitial: s.backoffInitial,
        backoffMax: Math.max(s.backoffMax, s.backoffInitial),
        pushAttempts: DAEMON_DEFAULTS.pushAttempts,
        maxBodyBytes: DAEMON_DEFAULTS.maxBodyBytes,
        logLevel: s.logLevel as LogLevel,
        webhookSecret: s.webhookSecret,
        gitCredentials: s.gitCredentials,
        pullRequest,
        githubApp,
        registryDeadlines: Object.freeze({ requestTimeoutMs: s.registryTimeout, runTimeoutMs: s.runTimeout }),
      });
    });
}

/** Record a problem of the value being parsed and give zod's "no value". */
function problem(ctx: z.RefinementCtx, message: string, whole = false): never {
  ctx.addIssue({ code: 'custom', message, ...(whole ? { params: WHOLE } : {}) });
  return z.NEVER;
}

/** `ssh://git@host/…` names the SSH login user, which is not a secret; a password never belongs there. */
function hasCredentials(repoUrl: string): boolean {
  return /^(ssh|git\+ssh|ssh\+git):\/\//i.test(repoUrl) ? /^[^:]+:\/\/[^/@]*:[^/@]*@/.test(repoUrl) : /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(repoUrl);
}

type TextSettings = Readonly<Partial<Record<'githubAppId' | 'githubAppInstallationId' | 'apiUrl' | 'pullRequest' | 'provider' | 'group' | 'prLabels' | 'branchPrefix', string>>>;

/** The App settings, undefined when none is set, or what is wrong with them. */
function githubAppSettings(s: TextSettings, privateKey: string | undefined): DaemonSettings['githubApp'] | string {
  const { githubAppId: appId, githubAppInstallationId: installationId } = s;
  if (appId === undefined && installationId === undefined && privateKey === undefined) return undefined;
  if (appId === undefined || installationId === undefined || privateKey === undefined) {
    return 'serve: a GitHub App needs --github-app-id, --github-app-installation-id and --github-app-private-key-file (or TAGSTREAM_GITHUB_APP_ID, TAGSTREAM_GITHUB_APP_INSTALLATION_ID, TAGSTREAM_GITHUB_APP_PRIVATE_KEY)';
  }
  if (!/^\d+$/.test(appId) || !/^\d+$/.test(installationId)) return 'serve: --github-app-id and --github-app-installation-id are numbers';
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) return 'serve: the GitHub App private key is not a PEM private key';
  return Object.freeze({ appId, installationId, privateKey, apiUrl: s.apiUrl ?? 'https://api.github.com' });
}

/** Pull-request mode's settings, undefined when off, or what is wrong with them. */
function pullRequestSettings(s: TextSettings): DaemonPullRequestSettings | undefined | string {
  const on = s.pullRequest;
  if (on === undefined || /^(false|0|no|off)$/i.test(on)) return undefined;
  if (!/^(true|1|yes|on)$/i.test(on)) return `serve: --pull-request / TAGSTREAM_PULL_REQUEST expects true or false, got "${on}"`;
  const provider = s.provider;
  if (provider !== undefined && !['github', 'gitlab', 'gitea'].includes(provider)) return `serve: --provider expects github, gitlab or gitea, got "${provider}"`;
  const group = s.group ?? 'all';
  if (group !== 'all' && group !== 'tag') return `serve: --group expects all or tag, got "${group}"`;
  const labels = (s.prLabels ?? '').split(',').map((l) => l.trim()).filter((l) => l !== '');
  return Object.freeze({ provider, apiUrl: s.apiUrl, branchPrefix: s.branchPrefix ?? 'tagstream/', group, labels: Object.freeze(labels) });
}

/** `host:port`, `[::1]:port` or `:port` (all interfaces). */
function listenAddress(value: string, ctx: z.RefinementCtx): ListenAddress {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) return problem(ctx, `expected HOST:PORT such as 127.0.0.1:8080 or 0.0.0.0:8080, got "${value}"`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '') || '0.0.0.0';
  return { host, port };
}
