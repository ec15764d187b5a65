/**
 * Composition root of the GitHub Action: real adapters (directory workspace, isomorphic-git,
 * registry client with `registry-auth`, GitHub REST) around runAction. The reconcile use case is
 * passed in by the bundle entry (entry.ts), which keeps this file testable with a fake.
 */
import { appendFileSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { directoryWorkspace } from '../adapters/fs/directory-workspace.js';
import { createGitAdapter } from '../adapters/git/isomorphic-git-adapter.js';
import { remoteUrlFromConfig } from '../adapters/git/remote-url.js';
import { createGitHubClient } from '../adapters/code-host/github.js';
import { registryClientFor } from '../adapters/registry/from-settings.js';
import { pullSecretFiles, sshSettings } from '../config/environment.js';
import { registryDeadlines } from '../config/registry-deadlines.js';
import type { AppContext } from '../app/app-context.js';
import type { ActionInputs } from '../config/action-inputs.js';
import { loadRepoSettings } from '../config/repo-settings.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { GitPort, GitRepository } from '../ports/git.js';
import type { BaseCheckout, ReconcileFn } from '../app/pull-request-mode.js';
import { runAction } from './run-action.js';
import { WorkflowRunner } from './workflow-commands.js';

export interface MainOptions {
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly writeLine?: ((line: string) => void) | undefined;
  readonly clock?: Clock | undefined;
  readonly git?: GitPort | undefined;
}

/** `url` of `[remote "origin"]` in a working copy's .git/config, when there is one. */
export const originUrl = (gitConfig: string): string | undefined => remoteUrlFromConfig(gitConfig);

/** Run the Action in this process; resolves to the exit code. */
export async function main(reconcile: ReconcileFn, options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const runner = new WorkflowRunner({
    env,
    writeLine: options.writeLine ?? ((line) => void process.stdout.write(`${line}\n`)),
    appendFile: (path, data) => appendFileSync(path, data, 'utf8'),
  });
  const clock = options.clock ?? systemClock;
  const gitPort = options.git ?? createGitAdapter({ clock, ssh: sshSettings(env) });
  const workspaceRoot = env['GITHUB_WORKSPACE'] ?? process.cwd();
  const temps: string[] = [];

  const contextFor = async (inputs: ActionInputs, git: GitRepository): Promise<BaseCheckout> => {
    const workspace = directoryWorkspace(git.dir);
    const settings = await loadRepoSettings(workspace);
    const log = runner.log();
    // registry-auth arrives as an inline docker config, consulted before ~/.docker/config.json.
    const registry = registryClientFor(settings, { env, log, inlineAuth: inputs.registryAuth ?? '', userAgent: 'tagstream-action', cloudIdentities: false,
      deadlines: registryDeadlines(env),
      pullSecretFiles: pullSecretFiles(env),
    });
    const ctx: AppContext = { workspace, settings, registry, clock, log, git };
    return ctx as BaseCheckout;
  };

  const credentialsOf = (inputs: ActionInputs) => (inputs.token ? { token: inputs.token } : undefined);

  try {
    return await runAction({
      env,
      runner,
      reconcile,
      openCheckout: async (inputs) => {
        const dir = nodePath.resolve(workspaceRoot, inputs.path);
        return contextFor(inputs, await gitPort.open(dir, { credentials: credentialsOf(inputs) }));
      },
      cloneBase: async (inputs, base) => {
        const checkout = nodePath.resolve(workspaceRoot, inputs.path);
        const config = await fs.readFile(nodePath.join(checkout, '.git', 'config'), 'utf8').catch(() => '');
        const url = originUrl(config) ?? `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${env['GITHUB_REPOSITORY'] ?? ''}`;
        const dir = await fs.mkdtemp(nodePath.join(env['RUNNER_TEMP'] ?? tmpdir(), 'tagstream-pr-'));
        temps.push(dir);
        return contextFor(inputs, await gitPort.clone({ url, dir, branch: base, credentials: credentialsOf(inputs) }));
      },
      changeRequests: (inputs) => {
        const repository = env['GITHUB_REPOSITORY'];
        if (!repository) return undefined;
        return createGitHubClient({ apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com', repository, token: inputs.token });
      },
    });
  } finally {
    for (const dir of temps) await fs.rm(dir, { recursive: true, force: true });
  }
}
