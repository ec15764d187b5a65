/**
 * `serve --pull-request`: one daemon run through the one pull-request use case
 * (app/pull-request-mode). The daemon's working copy is the plan checkout (it stays on the followed
 * branch); each proposed branch is built in a fresh clone of the base that is removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRemoteUrl } from '../adapters/git/remote-url.js';
import type { AppContext } from '../app/app-context.js';
import { proposeChanges, type BaseCheckout, type PullRequestModeResult } from '../app/pull-request-mode.js';
import { resolveCodeHost } from '../config/code-host.js';
import { UsageError } from '../errors.js';
import type { GitIdentity, GitRepository } from '../ports/git.js';
import type { DaemonDeps } from './daemon-deps.js';

export interface DaemonProposal {
  readonly importNow: readonly string[];
  readonly scheduledDue: boolean;
  readonly author: GitIdentity;
  readonly base: string | undefined;
}

/** Plan on the daemon's working copy, then open, update or close the tool's requests. */
export async function proposeDaemonChanges(deps: DaemonDeps, ctx: AppContext, repo: GitRepository, run: DaemonProposal): Promise<PullRequestModeResult> {
  const { settings } = deps;
  const pr = settings.pullRequest;
  if (!pr) throw new UsageError('serve: pull-request mode is off');
  const credentials = settings.gitCredentials;
  const token = credentials && 'token' in credentials ? credentials.token : undefined;
  if (!token) throw new UsageError('serve --pull-request needs an API token: TAGSTREAM_GIT_TOKEN or --git-token-file');
  if (!deps.changeRequests) throw new UsageError('serve --pull-request: no Git host client in this build');
  const remoteUrl = await readRemoteUrl(repo.dir, settings.remote);
  if (!remoteUrl) throw new UsageError(`serve --pull-request: the working copy has no remote "${settings.remote}"`);
  const target = resolveCodeHost({ provider: pr.provider ?? ctx.settings.git.provider, apiUrl: pr.apiUrl ?? ctx.settings.git.apiUrl, remoteUrl, providerSource: '--provider' });
  const base = run.base ?? (await repo.currentBranch());
  if (!base) throw new UsageError('serve --pull-request: the working copy is on a detached HEAD; set --branch');
  const temps: string[] = [];
  const reconcileFor = (c: AppContext, o: Parameters<DaemonDeps['reconcile']>[1]) => deps.reconcile(c, { ...o, importNow: run.importNow, scheduledDue: run.scheduledDue }, deps.inventoryOptions);
  try {
    return await proposeChanges(
      {
        reconcile: reconcileFor,
        checkout: async () => {
          const dir = await mkdtemp(join(tmpdir(), 'tagstream-pr-'));
          temps.push(dir);
          const clone = await deps.git.clone({ url: remoteUrl, dir, branch: base, credentials });
          const workspace = deps.workspaceFor(clone.dir);
          return { ...ctx, workspace, settings: await deps.loadRepoSettings(workspace), git: clone } as BaseCheckout;
        },
        changeRequests: deps.changeRequests(target, token),
        log: ctx.log,
      },
      { base, branchPrefix: pr.branchPrefix, group: pr.group, titleTemplate: '', labels: pr.labels, author: run.author, credentials, links: undefined },
      { ...ctx, git: repo } as BaseCheckout,
    );
  } finally {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  }
}
