/**
 * GitHub App installation tokens for the daemon (`@octokit/auth-app`): a JWT signed with the App's
 * private key buys an installation token (1 hour), which serves both Git over HTTPS and the REST
 * API. auth-app caches the token and mints a new one shortly before it expires; the daemon asks
 * once per run. Failures become redacted TagstreamError('GitHub').
 */
import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import { TagstreamError, errorMessage, redact } from '../../errors.js';

export interface GitHubAppOptions {
  readonly appId: string;
  /** PEM private key of the App. */
  readonly privateKey: string;
  readonly installationId: string;
  /** `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  readonly apiUrl: string;
}

/** A function returning a valid installation token (cached by auth-app until near expiry). */
export function githubAppTokenSource(options: GitHubAppOptions): () => Promise<string> {
  const auth = createAppAuth({
    appId: options.appId,
    privateKey: options.privateKey,
    installationId: options.installationId,
    request: request.defaults({ baseUrl: options.apiUrl.replace(/\/+$/, ''), headers: { 'user-agent': 'tagstream' } }),
  });
  return async () => {
    try {
      const result = await auth({ type: 'installation' });
      return result.token;
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      throw new TagstreamError('GitHub', `GitHub App ${options.appId}: cannot get an installation token for installation ${options.installationId}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${redact(errorMessage(e))}`, {
        retryable: typeof status !== 'number' || status >= 500 || status === 429,
      });
    }
  };
}
