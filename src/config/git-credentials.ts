/**
 * Git push credentials, read the same way by every entry point (CLI, daemon, Action): from files
 * or the environment, never from a plain flag (it would show in `ps` and shell history).
 *
 * Token: `--git-token-file`, else `TAGSTREAM_GIT_TOKEN_FILE`, else `TAGSTREAM_GIT_TOKEN`.
 * Password: `--git-password-file`, else `TAGSTREAM_GIT_PASSWORD_FILE`, else `TAGSTREAM_GIT_PASSWORD`,
 * with `--git-username` / `TAGSTREAM_GIT_USERNAME`. A file's surrounding whitespace is dropped.
 */
import { UsageError } from '../errors.js';
import type { GitCredentials } from '../ports/git.js';

export interface GitCredentialSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
  /** `--git-token-file` */
  readonly tokenFile?: string | undefined;
  /** `--git-password-file` */
  readonly passwordFile?: string | undefined;
  /** `--git-username` */
  readonly username?: string | undefined;
}

/** A secret from a file (flag, then `<ENV>_FILE`) or the environment variable itself. */
function secret(src: GitCredentialSources, flag: string, flagValue: string | undefined, envName: string): string | undefined {
  const fileEnv = `${envName}_FILE`;
  const file = flagValue ?? (src.env[fileEnv] || undefined);
  if (file !== undefined) {
    const from = flagValue !== undefined ? `--${flag}` : fileEnv;
    let text: string;
    try {
      text = src.readFile(file);
    } catch (e) {
      throw new UsageError(`${from} ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const value = text.trim();
    if (value === '') throw new UsageError(`${from} ${file}: the file is empty`);
    return value;
  }
  const value = src.env[envName];
  return value === undefined || value === '' ? undefined : value;
}

/** The push credentials the sources name, or undefined (anonymous). */
export function readGitCredentials(src: GitCredentialSources): GitCredentials | undefined {
  const token = secret(src, 'git-token-file', src.tokenFile, 'TAGSTREAM_GIT_TOKEN');
  const username = src.username ?? (src.env['TAGSTREAM_GIT_USERNAME'] || undefined);
  if (token !== undefined) return username === undefined ? { token } : { token, username };
  const password = secret(src, 'git-password-file', src.passwordFile, 'TAGSTREAM_GIT_PASSWORD');
  if (password === undefined) return undefined;
  if (username === undefined) throw new UsageError('a git password needs TAGSTREAM_GIT_USERNAME or --git-username');
  return { username, password };
}
