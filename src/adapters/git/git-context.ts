/**
 * The collaborators every isomorphic-git call needs, bundled once per working copy.
 */
import type * as nodeFs from 'node:fs';
import type { HttpClient } from 'isomorphic-git';
import type { Clock } from '../../ports/clock.js';
import type { GitCredentials } from '../../ports/git.js';
import { TagstreamError } from '../../errors.js';
import type { SshSettings } from './ssh-transport.js';

export interface GitContext {
  readonly fs: typeof nodeFs;
  readonly http: HttpClient;
  readonly clock: Clock;
  /** Absolute working tree directory. */
  readonly dir: string;
  readonly credentials: GitCredentials | undefined;
  /** Key and known_hosts for SSH remotes (the network leg runs the git binary). */
  readonly ssh: SshSettings;
  /** isomorphic-git's per-repository object cache (parsed packfiles). */
  readonly cache: object;
}

/**
 * Check a caller-given path is repo-relative and stays inside the working copy; returns it with
 * POSIX separators and without a leading `./`.
 */
export function repoPath(path: string): string {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const parts = p.split('/');
  if (p === '' || p.startsWith('/') || parts.some((s) => s === '..' || s === '' || s === '.') || parts[0] === '.git') {
    throw new TagstreamError('Git', `${JSON.stringify(path)}: expected a repo-relative file path inside the working copy`);
  }
  return p;
}
