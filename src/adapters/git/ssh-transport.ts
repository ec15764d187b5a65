/**
 * The network leg of Git over SSH. isomorphic-git speaks only smart HTTP, so for `git@host:org/repo`
 * and `ssh://` remotes the adapter runs the `git` binary for fetch, push and ls-remote, and keeps
 * isomorphic-git for everything local (index, commits, checkout, history). The git binary brings
 * OpenSSH's own host-key checking, agent support and key formats, which no JavaScript SSH library
 * matches; it is asked to never prompt and to trust only the configured known_hosts file.
 */
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TagstreamError, redact } from '../../errors.js';

/** How to authenticate and which host keys to trust. Verification is always on. */
export interface SshSettings {
  /** Private key file (passphrase-less). Without it the ssh agent (SSH_AUTH_SOCK) or ssh's defaults are used. */
  readonly keyFile?: string | undefined;
  /** known_hosts file the server's host key must be in. */
  readonly knownHostsFile: string;
}

/** No key file, `~/.ssh/known_hosts`: what an adapter built without settings uses (entry points pass config's sshSettings). */
export function defaultSshSettings(): SshSettings {
  return { keyFile: undefined, knownHostsFile: join(homedir(), '.ssh', 'known_hosts') };
}

/** `ssh://…`, `git+ssh://…` or scp-like `[user@]host:path` (no scheme, no slash before the colon). */
export function isSshUrl(url: string): boolean {
  if (/^(ssh|git\+ssh|ssh\+git):\/\//i.test(url)) return true;
  if (url.includes('://')) return false;
  return /^(?:[^@/\s]+@)?[^@/:\s]+:(?!\/\/)/.test(url) && !/^[A-Za-z]:[\\/]/.test(url);
}

/** Host of an SSH remote (for inferring the code host): `git@gitlab.com:org/repo.git` -> `gitlab.com`. */
export function sshHost(url: string): string | undefined {
  if (!isSshUrl(url)) return undefined;
  const m = /^[a-z+]+:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^/:]+)/i.exec(url) ?? /^(?:[^@/]+@)?([^@/:]+):/.exec(url);
  return m?.[1];
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The `GIT_SSH_COMMAND`: batch mode, strict host keys from one file, only the given key. */
export function sshCommand(settings: SshSettings): string {
  const parts = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${quote(settings.knownHostsFile)}`, '-o', 'ConnectTimeout=30'];
  if (settings.keyFile) parts.push('-i', quote(settings.keyFile), '-o', 'IdentitiesOnly=yes');
  return parts.join(' ');
}

export interface SshGitResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** A failed git-over-SSH run, classified. */
function sshFailure(where: string, stderr: string, stdout: string, settings: SshSettings): TagstreamError {
  const text = `${stdout}\n${stderr}`;
  const detail = redact(stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join('; ')) || 'git exited with an error';
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(text)) {
    return new TagstreamError('Git', `${where}: the server's SSH host key is not trusted: it is not in ${settings.knownHostsFile} (set TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE; host keys are always verified)`);
  }
  if (/Permission denied \(|Authentication failed|no supported authentication/i.test(text)) {
    return new TagstreamError('Git', `${where}: authentication failed, the server refused the SSH key${settings.keyFile ? ` ${settings.keyFile}` : ' (no TAGSTREAM_GIT_SSH_KEY_FILE; tried the ssh agent)'}`);
  }
  if (/\[rejected\].*\((non-fast-forward|fetch first)\)/.test(text)) {
    return new TagstreamError('PushRejected', `${where}: rejected, the remote branch has commits this copy does not (not a fast-forward)`, { retryable: true });
  }
  if (/\[remote rejected\].*(failed to update ref|cannot lock ref|failed to lock|stale info)/.test(text)) {
    return new TagstreamError('PushRejected', `${where}: rejected by the server, the branch moved (${detail})`, { retryable: true });
  }
  const transient = /Connection (refused|reset|timed out|closed)|Could not resolve hostname|Network is unreachable|kex_exchange_identification/i.test(text);
  return new TagstreamError('Git', `${where}: ${detail}`, { retryable: transient });
}

/**
 * Run `git ARGS` in `dir` for a network operation over SSH. `where` names the operation and the
 * remote for messages. Hooks are off (isomorphic-git never ran them either) and nothing prompts.
 */
export function runGitOverSsh(dir: string, args: readonly string[], settings: SshSettings, where: string): Promise<SshGitResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_SSH_COMMAND: sshCommand(settings),
    GIT_SSH_VARIANT: 'ssh',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    LANG: 'C',
  };
  delete env['GIT_SSH'];
  return new Promise((resolveRun, reject) => {
    execFile('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolveRun({ stdout, stderr });
      if ((err as { code?: unknown }).code === 'ENOENT') {
        return reject(new TagstreamError('Git', `${where}: SSH remotes need the git binary on PATH (isomorphic-git has no SSH transport)`));
      }
      const failure = sshFailure(where, stderr, stdout, settings);
      reject(Object.assign(failure, { sshStderr: stderr }));
    });
  });
}

/** True when a fetch failed because the remote has no such branch. */
export function isMissingRemoteRef(e: unknown): boolean {
  const stderr = (e as { sshStderr?: unknown }).sshStderr;
  return typeof stderr === 'string' && /couldn't find remote ref/i.test(stderr);
}
