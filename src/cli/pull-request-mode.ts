/**
 * `reconcile --pull-request`: the CLI's way into the one pull-request use case (app/pull-request-mode).
 * Resolves the Git host (flags, `.tagstream.yaml`, the remote's host), the token
 * (TAGSTREAM_GIT_TOKEN / TAGSTREAM_GIT_TOKEN_FILE) and the base branch, and gives each proposed
 * branch its own fresh clone so the user's working copy is never moved.
 */
import { readRemoteUrl } from '../adapters/git/remote-url.js';
import type { AppContext } from '../app/app-context.js';
import { proposeChanges, type BaseCheckout, type PullRequestModeResult, type ReconcileFn } from '../app/pull-request-mode.js';
import { resolveCodeHost } from '../config/code-host.js';
import type { ActionGroup } from '../config/action-inputs.js';
import { UsageError } from '../errors.js';
import type { GitCredentials, GitIdentity, GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';
import type { RegistryPort } from '../ports/registry.js';
import type { CliDeps, OpenedRepository } from './context.js';
import type { Clock } from '../ports/clock.js';

export interface CliPullRequestOptions {
  readonly provider?: string | undefined;
  readonly apiUrl?: string | undefined;
  readonly remote?: string | undefined;
  readonly base?: string | undefined;
  readonly branchPrefix: string;
  readonly group: ActionGroup;
  readonly title: string;
  readonly labels: readonly string[];
  readonly author: GitIdentity;
  readonly credentials: GitCredentials | undefined;
}

export interface CliPullRequestContext {
  readonly deps: CliDeps;
  readonly repo: OpenedRepository;
  readonly git: GitRepository;
  readonly registry: RegistryPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly reconcile: ReconcileFn;
}

/** Run pull-request mode on the working copy `c.git`; returns the use case's result and the base. */
export async function runCliPullRequests(c: CliPullRequestContext, o: CliPullRequestOptions): Promise<PullRequestModeResult & { base: string; provider: string }> {
  const hosts = c.deps.gitHosts;
  if (!hosts) throw new UsageError('--pull-request is not available in this build');
  const token = o.credentials && 'token' in o.credentials ? o.credentials.token : undefined;
  if (!token) throw new UsageError('--pull-request needs an API token: set TAGSTREAM_GIT_TOKEN or TAGSTREAM_GIT_TOKEN_FILE (--git-token-file)');
  const remote = o.remote ?? 'origin';
  const remoteUrl = await readRemoteUrl(c.git.dir, remote);
  if (!remoteUrl) throw new UsageError(`--pull-request: the working copy has no remote "${remote}"`);
  const settings = c.repo.settings.git;
  const target = resolveCodeHost({
    provider: o.provider ?? settings.provider,
    apiUrl: o.apiUrl ?? settings.apiUrl,
    remoteUrl,
    providerSource: o.provider !== undefined ? '--provider' : 'git.provider in .tagstream.yaml',
  });
  const base = o.base ?? settings.branch ?? (await c.git.currentBranch());
  if (!base) throw new UsageError('--pull-request: HEAD is detached; name the base branch with --branch');

  const changeRequests = hosts.changeRequests(target, token);
  const planCtx: BaseCheckout = { workspace: c.repo.workspace, settings: c.repo.settings, registry: c.registry, clock: c.clock, log: c.log, git: c.git };
  const disposers: (() => Promise<void>)[] = [];
  try {
    const result = await proposeChanges(
      {
        reconcile: c.reconcile,
        checkout: async () => {
          const { repo, dispose } = await hosts.cloneBase(remoteUrl, base, o.credentials);
          disposers.push(dispose);
          const opened = await c.deps.openRepository(repo.dir);
          const ctx: AppContext = { workspace: opened.workspace, settings: opened.settings, registry: c.registry, clock: c.clock, log: c.log, git: repo };
          return ctx as BaseCheckout;
        },
        changeRequests,
        log: c.log,
      },
      {
        base,
        branchPrefix: o.branchPrefix,
        group: o.group,
        titleTemplate: o.title,
        labels: o.labels,
        author: o.author,
        credentials: o.credentials,
        links: webLinks(target.apiUrl, target.provider, target.repository, remoteUrl),
      },
      planCtx,
    );
    return { ...result, base, provider: target.provider };
  } finally {
    for (const dispose of disposers) await dispose();
  }
}

/** The web origin for file links in the body: the remote's https origin (not the API's). */
function webLinks(apiUrl: string, host: 'github' | 'gitlab' | 'gitea', repository: string, remoteUrl: string) {
  const fromRemote = /^https?:\/\/[^/]+/i.exec(remoteUrl)?.[0];
  const serverUrl = fromRemote ?? (host === 'github' && /api\.github\.com/.test(apiUrl) ? 'https://github.com' : apiUrl.replace(/\/api\/v\d+$/, ''));
  return { serverUrl, repository, host };
}
