/**
 * HTTPS credentials for isomorphic-git: the `onAuth` callbacks, and moving userinfo out of remote
 * URLs so credentials never land in `.git/config` or in a message.
 */
import type { AuthCallback, AuthFailureCallback } from 'isomorphic-git';
import type { GitCredentials } from '../../ports/git.js';

/** The user name GitHub accepts with a token (App installation tokens and PATs alike). */
const TOKEN_USERNAME = 'x-access-token';

/** Split `https://user:pass@host/repo.git` into a clean URL and the credentials it carried. */
export function splitCredentialedUrl(url: string): { url: string; credentials: GitCredentials | undefined } {
  // `ssh://git@host/…`: the user is the SSH login, not a credential (keys authenticate SSH).
  if (/^(ssh|git\+ssh|ssh\+git):\/\//i.test(url)) return { url, credentials: undefined };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, credentials: undefined };
  }
  if (parsed.username === '' && parsed.password === '') return { url, credentials: undefined };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const credentials: GitCredentials = password === '' ? { token: username } : { username, password };
  return { url: parsed.toString(), credentials };
}

export interface AuthCallbacks {
  onAuth?: AuthCallback;
  onAuthFailure?: AuthFailureCallback;
  /** Set when the server refused the credentials we offered, so the error can say so. */
  readonly rejected: () => boolean;
}

/**
 * Callbacks offering `credentials` once. A refusal cancels instead of retrying (isomorphic-git
 * would otherwise loop on a callback that always answers the same).
 */
export function authCallbacks(credentials: GitCredentials | undefined): AuthCallbacks {
  let rejected = false;
  if (!credentials) return { rejected: () => false };
  const auth =
    'token' in credentials
      ? { username: credentials.username ?? TOKEN_USERNAME, password: credentials.token }
      : { username: credentials.username, password: credentials.password };
  return {
    onAuth: () => ({ ...auth }),
    onAuthFailure: () => {
      rejected = true;
      return { cancel: true };
    },
    rejected: () => rejected,
  };
}
