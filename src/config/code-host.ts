/**
 * Which Git host API serves pull-request mode, and for which repository: from `--provider` /
 * `--api-url` (or `.tagstream.yaml` `git.provider` / `git.apiUrl`), else inferred from the remote
 * URL of a well-known host. Self-hosted hosts need the provider; their API URL defaults to the
 * provider's path on the remote's host.
 */
import { UsageError } from '../errors.js';

export type CodeHostProvider = 'github' | 'gitlab' | 'gitea';
export const CODE_HOST_PROVIDERS: readonly CodeHostProvider[] = ['github', 'gitlab', 'gitea'];

export interface CodeHostTarget {
  readonly provider: CodeHostProvider;
  readonly apiUrl: string;
  /** `owner/repo`, or GitLab's project path `group/sub/project`. */
  readonly repository: string;
}

/** Public hosts whose provider and API URL are known. */
const WELL_KNOWN: Readonly<Record<string, { provider: CodeHostProvider; apiUrl: string }>> = {
  'github.com': { provider: 'github', apiUrl: 'https://api.github.com' },
  'gitlab.com': { provider: 'gitlab', apiUrl: 'https://gitlab.com/api/v4' },
  'codeberg.org': { provider: 'gitea', apiUrl: 'https://codeberg.org/api/v1' },
  'gitea.com': { provider: 'gitea', apiUrl: 'https://gitea.com/api/v1' },
};

const API_PATH: Readonly<Record<CodeHostProvider, string>> = { github: '/api/v3', gitlab: '/api/v4', gitea: '/api/v1' };

/** Host, web origin and repository path of an HTTP(S) or SSH remote URL. */
export function parseRemoteUrl(url: string): { host: string; origin: string; path: string } | undefined {
  let m = /^[a-z+]+:\/\/(?:[^@/]+@)?([^/:]+)(?::(\d+))?\/(.+)$/i.exec(url);
  let scheme = /^(https?):/i.exec(url)?.[1]?.toLowerCase();
  if (!m) {
    // scp-like `git@host:org/repo.git`
    m = /^(?:[^@/]+@)?([^@/:]+):(?!\/\/)()(.+)$/.exec(url);
    scheme = undefined;
  }
  if (!m) return undefined;
  const host = m[1]!.toLowerCase();
  const port = scheme && m[2] ? `:${m[2]}` : '';
  const path = m[3]!.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (!path.includes('/')) return undefined;
  return { host, origin: `${scheme ?? 'https'}://${host}${port}`, path };
}

export interface CodeHostInput {
  readonly provider?: string | undefined;
  readonly apiUrl?: string | undefined;
  /** The remote the branches are pushed to. */
  readonly remoteUrl: string;
  /** Where the values came from, for messages (`--provider`, `git.provider`). */
  readonly providerSource?: string | undefined;
}

/** Resolve the host; throws UsageError naming what to set when it cannot be told. */
export function resolveCodeHost(input: CodeHostInput): CodeHostTarget {
  const remote = parseRemoteUrl(input.remoteUrl);
  if (!remote) throw new UsageError(`pull-request mode: cannot tell the repository from the remote URL ${JSON.stringify(input.remoteUrl)} (expected https://host/owner/repo or git@host:owner/repo)`);
  if (input.provider !== undefined && !CODE_HOST_PROVIDERS.includes(input.provider as CodeHostProvider)) {
    throw new UsageError(`${input.providerSource ?? '--provider'}: expected github, gitlab or gitea, got "${input.provider}"`);
  }
  const known = WELL_KNOWN[remote.host];
  const provider = (input.provider as CodeHostProvider | undefined) ?? known?.provider;
  if (!provider) {
    throw new UsageError(`pull-request mode: ${remote.host} is not a well-known Git host; set --provider github|gitlab|gitea (or git.provider in .tagstream.yaml), and --api-url when the API is not at ${remote.origin}/api/…`);
  }
  const apiUrl = input.apiUrl ?? (known && known.provider === provider ? known.apiUrl : `${remote.origin}${API_PATH[provider]}`);
  if (!/^https?:\/\/[^\s/@]+/.test(apiUrl)) throw new UsageError(`--api-url: expected an http(s) URL without credentials, got "${apiUrl}"`);
  return { provider, apiUrl: apiUrl.replace(/\/+$/, ''), repository: remote.path };
}
