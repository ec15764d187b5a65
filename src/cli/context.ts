/**
 * What command modules receive: the I/O, the collaborators the composition root built, and a
 * place to record the exit code. Commands parse flags, call one app function and print.
 */
import type { RepoSettings } from '../config/repo-settings.js';
import type { CodeHostTarget } from '../config/code-host.js';
import type { ChangeRequests } from '../ports/change-requests.js';
import type { GitCredentials, GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';
import type { RegistryPort } from '../ports/registry.js';
import type { Workspace } from '../ports/workspace.js';
import type { CliIO } from './io.js';

export interface OpenedRepository {
  readonly workspace: Workspace;
  readonly settings: RepoSettings;
}

/** Collaborators built by the composition root (fakes in tests). */
export interface CliDeps {
  /** Open the repository at an absolute directory and load its settings. */
  openRepository(dir: string): Promise<OpenedRepository>;
  /** A registry client honouring the repository's settings (insecure registries, mirrors). */
  createRegistry(settings: RepoSettings | undefined, log: Log): RegistryPort;
  /** The Git working copy at `dir`, or undefined when `dir` is not the root of one. */
  openGit(dir: string): Promise<GitRepository | undefined>;
  /** Pull-request mode: fresh clones of the base branch and the Git host client. */
  readonly gitHosts?: GitHostDeps | undefined;
}

export interface GitHostDeps {
  /** Clone `url` at `branch` into a new temporary directory; `dispose` removes it. */
  cloneBase(url: string, branch: string, credentials: GitCredentials | undefined): Promise<{ readonly repo: GitRepository; dispose(): Promise<void> }>;
  changeRequests(target: CodeHostTarget, token: string): ChangeRequests;
}

export interface CommandContext {
  readonly io: CliIO;
  readonly deps: CliDeps;
  /** Record the process exit code (the highest wins). */
  setExitCode(code: number): void;
}
