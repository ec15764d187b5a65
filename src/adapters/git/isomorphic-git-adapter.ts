/**
 * The GitPort over isomorphic-git: open a working copy or clone one. fs, http and the clock are
 * injected (tests wrap http to inject races); defaults are Node's fs and isomorphic-git's node http.
 */
import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { MisconfigurationError, TagstreamError, redact } from '../../errors.js';
import { systemClock } from '../../ports/clock.js';
import type { Clock } from '../../ports/clock.js';
import type { GitCloneOptions, GitOpenOptions, GitPort, GitRepository } from '../../ports/git.js';
import { atomicGitFs } from './atomic-git-fs.js';
import { authCallbacks, splitCredentialedUrl } from './git-auth.js';
import type { GitContext } from './git-context.js';
import { toGitError } from './git-errors.js';
import { IsomorphicGitRepository } from './isomorphic-git-repository.js';
import { defaultSshSettings, isSshUrl, runGitOverSsh, type SshSettings } from './ssh-transport.js';

export interface GitAdapterOptions {
  readonly fs?: typeof nodeFs | undefined;
  readonly http?: HttpClient | undefined;
  /** Commit timestamps when the caller gives none; lock ages in recovery. */
  readonly clock?: Clock | undefined;
  /** Key and known_hosts for SSH remotes; default: the agent and `~/.ssh/known_hosts`. */
  readonly ssh?: SshSettings | undefined;
}

/** Build the git adapter. */
export function createGitAdapter(options: GitAdapterOptions = {}): GitPort {
  // Objects, refs and the index are written atomically whatever fs the caller injects.
  const fs = atomicGitFs(options.fs ?? nodeFs);
  const http = options.http ?? nodeHttp;
  const clock = options.clock ?? systemClock;
  const ssh = options.ssh ?? defaultSshSettings();
  const context = (dir: string, credentials: GitContext['credentials']): GitContext => ({ fs, http, clock, dir, credentials, ssh, cache: {} });

  /**
   * Clone over SSH: an isomorphic-git repository whose one fetch runs the git binary, then a local
   * checkout. Same result as git.clone: one branch, no tags, `origin` tracking it.
   */
  async function cloneOverSsh(url: string, dir: string, branch: string | undefined, depth: number | undefined): Promise<void> {
    const where = `clone into ${dir} (${redact(url)})`;
    await fs.promises.mkdir(dir, { recursive: true });
    await git.init({ fs, dir, defaultBranch: branch ?? 'main' });
    await git.setConfig({ fs, dir, path: 'remote.origin.url', value: url });
    await git.setConfig({ fs, dir, path: 'remote.origin.fetch', value: '+refs/heads/*:refs/remotes/origin/*' });
    let wanted = branch;
    if (!wanted) {
      const { stdout } = await runGitOverSsh(dir, ['ls-remote', '--symref', 'origin', 'HEAD'], ssh, where);
      wanted = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(stdout)?.[1] ?? 'main';
      await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${wanted}`, symbolic: true, force: true });
    }
    const { stdout } = await runGitOverSsh(dir, ['ls-remote', '--heads', 'origin', `refs/heads/${wanted}`], ssh, where);
    if (stdout.trim() === '') {
      if (branch) throw new MisconfigurationError(`${where}: the remote has no branch ${branch}`);
      return; // an empty repository
    }
    const depthArgs = depth ? [`--depth=${depth}`] : [];
    await runGitOverSsh(dir, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...depthArgs, 'origin', `+refs/heads/${wanted}:refs/remotes/origin/${wanted}`], ssh, where);
    const oid = await git.resolveRef({ fs, dir, ref: `refs/remotes/origin/${wanted}` });
    await git.writeRef({ fs, dir, ref: `refs/heads/${wanted}`, value: oid, force: true });
    await git.setConfig({ fs, dir, path: `branch.${wanted}.remote`, value: 'origin' });
    await git.setConfig({ fs, dir, path: `branch.${wanted}.merge`, value: `refs/heads/${wanted}` });
    await git.checkout({ fs, dir, ref: wanted, force: true });
  }

  return {
    async open(dir: string, openOptions: GitOpenOptions = {}): Promise<GitRepository> {
      const abs = resolve(dir);
      const isRepo = await fs.promises.stat(resolve(abs, '.git')).then(
        () => true,
        () => false,
      );
      if (!isRepo) throw new TagstreamError('Git', `${abs}: not a git working copy (expected a .git directory)`);
      return new IsomorphicGitRepository(context(abs, openOptions.credentials));
    },

    async clone(cloneOptions: GitCloneOptions): Promise<GitRepository> {
      const dir = resolve(cloneOptions.dir);
      const { url, credentials: fromUrl } = splitCredentialedUrl(cloneOptions.url);
      const credentials = cloneOptions.credentials ?? fromUrl;
      const existing = await fs.promises.readdir(dir).catch(() => undefined);
      if (existing && existing.length > 0) throw new TagstreamError('Git', `clone into ${dir}: the directory is not empty`);
      const auth = authCallbacks(credentials);
      try {
        if (isSshUrl(url)) await cloneOverSsh(url, dir, cloneOptions.branch, cloneOptions.depth);
        else await git.clone({
          fs,
          http,
          dir,
          url,
          ref: cloneOptions.branch,
          singleBranch: true,
          noTags: true,
          depth: cloneOptions.depth,
          onAuth: auth.onAuth,
          onAuthFailure: auth.onAuthFailure,
        });
      } catch (e) {
        // Leave nothing half-cloned behind: the next attempt must find an empty directory.
        if (existing) await Promise.all(((await fs.promises.readdir(dir).catch(() => [])) as string[]).map((n) => fs.promises.rm(resolve(dir, n), { recursive: true, force: true })));
        else await fs.promises.rm(dir, { recursive: true, force: true });
        if (cloneOptions.branch && (e as { code?: unknown } | undefined)?.code === 'NotFoundError') {
          throw new MisconfigurationError(`clone into ${dir} (${redact(url)}): the remote has no branch ${cloneOptions.branch}`, e);
        }
        throw toGitError(e, { operation: `clone into ${dir}`, remoteUrl: url, credentialsRejected: auth.rejected() });
      }
      // An empty remote gives isomorphic-git's own default branch (master): point HEAD at the asked one.
      const unborn = await git.resolveRef({ fs, dir, ref: 'HEAD' }).then(
        () => false,
        () => true,
      );
      if (unborn) await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${cloneOptions.branch ?? 'main'}`, symbolic: true, force: true });
      return new IsomorphicGitRepository(context(dir, credentials));
    },
  };
}
