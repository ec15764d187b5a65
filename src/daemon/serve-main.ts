/**
 * `tagstream serve` as a function: validate settings, build the real adapters, start the HTTP
 * server and the Daemon, and shut down cleanly on SIGTERM/SIGINT (webhooks refused at once, the
 * running reconcile given the grace period, then abandoned before push). Resolves to the exit code.
 * The reconcile use case is passed in by the caller (the CLI's serve command).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { directoryWorkspace } from '../adapters/fs/directory-workspace.js';
import { createChangeRequests } from '../adapters/code-host/index.js';
import { githubAppTokenSource } from '../adapters/code-host/github-app-token.js';
import { createGitAdapter } from '../adapters/git/isomorphic-git-adapter.js';
import { registryClientFor } from '../adapters/registry/from-settings.js';
import { parseDaemonSettings, type DaemonFlags, type DaemonSettings } from '../config/daemon-settings.js';
import { pullSecretFiles, registryIdentities, sshSettings } from '../config/environment.js';
import { loadRepoSettings } from '../config/repo-settings.js';
import { errorMessage } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { startCronTicker } from './cron-ticker.js';
import { Daemon, type DaemonDeps, type ReconcileFn } from './daemon.js';
import { streamSites } from './event-targets.js';
import { startDaemonHttpServer } from './http-server.js';
import { createJsonLog } from './json-log.js';
import { RunScope } from './run-scope.js';
import { readWorkingCopyInventory } from './working-copy-inventory.js';

export interface ServeIO {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly clock: Clock;
  /** Where SIGTERM/SIGINT are heard (the process); tests pass an EventEmitter. */
  readonly signals?: { once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown } | undefined;
}

export interface ServeOptions {
  readonly reconcile: ReconcileFn;
  /** Called once the HTTP server listens (tests read the port). */
  readonly onListening?: ((url: string, daemon: Daemon) => void) | undefined;
  /** Resolves to ask for shutdown (tests); signals do the same. */
  readonly stopWhen?: Promise<unknown> | undefined;
  /**
   * Last resort when an abandoned run does not unwind within the grace period plus 10 s (a hung
   * connection): the process entry point ends the process. The working copy is recovered at the
   * next start, and nothing was pushed: pushes are refused once the run is abandoned.
   */
  readonly forceExit?: ((code: number) => void) | undefined;
}

/** Extra time after the grace period for an abandoned run to unwind before giving up on it. */
const UNWIND_MS = 10_000;

/** Run the daemon until a stop signal; 0 after a clean stop, 2 for bad settings. */
export async function runServe(flags: DaemonFlags, io: ServeIO, options: ServeOptions): Promise<number> {
  let settings: DaemonSettings;
  try {
    settings = parseDaemonSettings({ flags: absolutize(flags, io.cwd), env: io.env, readFile: (p) => readFileSync(resolve(io.cwd, p), 'utf8') });
  } catch (e) {
    io.stderr.write(`error: ${errorMessage(e)}\n`);
    return 2;
  }
  const secrets = [settings.webhookSecret, tokenOf(settings)].filter((s): s is string => s !== undefined);
  const runScope = new RunScope();
  const log = createJsonLog({ write: (l) => io.stdout.write(l), level: settings.logLevel, clock: io.clock, secrets, context: () => runScope.fields() });
  const readInventory = readWorkingCopyInventory;
  const deps: DaemonDeps = {
    settings,
    git: createGitAdapter({ clock: io.clock, ssh: sshSettings(io.env) }),
    changeRequests: (target, token) => createChangeRequests(target, { token }),
    gitToken: settings.githubApp ? githubAppTokenSource(settings.githubApp) : undefined,
    workspaceFor: (dir) => directoryWorkspace(dir),
    loadRepoSettings,
    async listStreams(workspace, repoSettings, repo) {
      return streamSites(await readInventory(workspace, repoSettings, repo));
    },
    readInventory,
    createRegistry: (repoSettings, registryLog) => registryClientFor(repoSettings, {
        env: io.env,
        log: registryLog,
        deadlines: settings.registryDeadlines,
        pullSecretFiles: pullSecretFiles(io.env),
        identities: registryIdentities(io.env),
      }),
    reconcile: options.reconcile,
    clock: io.clock,
    log,
    startTicker: (onTick) => startCronTicker(onTick, log),
    runScope,
  };
  const daemon = new Daemon(deps);
  let server;
  try {
    server = await startDaemonHttpServer(
      {
        ready: () => daemon.ready,
        notReadyReason: () => daemon.notReadyReason,
        stopping: () => daemon.stopping,
        metricsText: () => daemon.metricsText(),
        registryPushed: (hints) => daemon.registryPushed(hints),
        gitPushed: (ref) => daemon.gitPushed(ref),
        webhookAccepted: () => {
          daemon.metrics.webhooksReceived += 1;
        },
      },
      { host: settings.listen.host, port: settings.listen.port, webhookSecret: settings.webhookSecret, maxBodyBytes: settings.maxBodyBytes, log },
    );
  } catch (e) {
    log.error('cannot listen', { address: `${settings.listen.host}:${settings.listen.port}`, error: errorMessage(e) });
    return 1;
  }
  log.info('listening', {
    url: server.url,
    repo: settings.repoDir ?? settings.repoUrl,
    branch: settings.branch,
    webhooks: settings.webhookSecret !== undefined,
  });
  daemon.start();
  options.onListening?.(server.url, daemon);

  const signalled = new Promise<string>((resolveSignal) => {
    io.signals?.once('SIGTERM', () => resolveSignal('SIGTERM'));
    io.signals?.once('SIGINT', () => resolveSignal('SIGINT'));
    void options.stopWhen?.then(() => resolveSignal('stop'));
  });
  const why = await signalled;
  log.info('shutting down', { signal: why, gracePeriodMs: settings.gracePeriod });
  const stopped = daemon.stop(settings.gracePeriod);
  const outcome = await Promise.race([stopped, sleep(settings.gracePeriod + UNWIND_MS).then(() => 'timeout' as const)]);
  await server.close();
  if (outcome === 'timeout') {
    log.error('the abandoned run did not unwind; exiting anyway (the working copy is recovered at the next start)', {});
    options.forceExit?.(0);
  }
  log.info('bye', { outcome });
  return 0;
}

function tokenOf(settings: DaemonSettings): string | undefined {
  const c = settings.gitCredentials;
  if (c === undefined) return undefined;
  return 'token' in c ? c.token : c.password;
}

/** Directory flags are relative to the caller's cwd. */
function absolutize(flags: DaemonFlags, cwd: string): DaemonFlags {
  const out: Record<string, string | boolean | undefined> = { ...flags };
  for (const k of ['repo', 'dataDir']) {
    const v = out[k];
    if (typeof v === 'string') out[k] = resolve(cwd, v);
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => {
    const t = setTimeout(r, ms);
    t.unref();
  });
}
