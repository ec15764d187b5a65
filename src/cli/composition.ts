/**
 * The composition root: real adapters for the CLI (directory workspace, repo settings, inventory,
 * registry client with Docker credentials). Everything else receives these through CliDeps.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryWorkspace } from '../adapters/fs/directory-workspace.js';
import { createChangeRequests } from '../adapters/code-host/index.js';
import { createGitAdapter } from '../adapters/git/isomorphic-git-adapter.js';
import { registryClientFor } from '../adapters/registry/from-settings.js';
import { pullSecretFiles, registryIdentities, sshSettings } from '../config/environment.js';
import { registryDeadlines } from '../config/registry-deadlines.js';
import { loadRepoSettings } from '../config/repo-settings.js';
import { TagstreamError } from '../errors.js';
import type { CliDeps } from './context.js';

/** Production collaborators; `env` feeds credential discovery (DOCKER_CONFIG, HOME). */
export function defaultDeps(env: Readonly<Record<string, string | undefined>>): CliDeps {
  return {
    async openRepository(dir) {
      await assertDirectory(dir);
      const workspace = directoryWorkspace(dir);
      return { workspace, settings: await loadRepoSettings(workspace) };
    },
    createRegistry: (settings, log) =>
      registryClientFor(settings, { env, log, deadlines: registryDeadlines(env), pullSecretFiles: pullSecretFiles(env), identities: registryIdentities(env) }),
    async openGit(dir) {
      if (!existsSync(join(dir, '.git'))) return undefined;
      return createGitAdapter({ ssh: sshSettings(env) }).open(dir);
    },
    gitHosts: {
      async cloneBase(url, branch, credentials) {
        const dir = await mkdtemp(join(tmpdir(), 'tagstream-pr-'));
        const dispose = () => rm(dir, { recursive: true, force: true });
        try {
          const repo = await createGitAdapter({ ssh: sshSettings(env) }).clone({ url, dir, branch, credentials });
          return { repo, dispose };
        } catch (e) {
          await dispose();
          throw e;
        }
      },
      changeRequests: (target, token) => createChangeRequests(target, { token }),
    },
  };
}

/** One clear line for a `--repo` that is not a directory (not `ENOENT ... scandir`). */
async function assertDirectory(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : 'it cannot be read';
    throw new TagstreamError('Config', `cannot use ${dir} as the repository: ${why}`);
  }
  if (!isDirectory) throw new TagstreamError('Config', `cannot use ${dir} as the repository: not a directory`);
}
