/**
 * ChangeRequests over GitHub's REST API. Honours GITHUB_API_URL (GitHub Enterprise puts the API
 * under `/api/v3`), sends the token as a Bearer header only, and turns failures into redacted
 * TagstreamError('GitHub') naming the operation, the HTTP status and GitHub's message. Retries
 * follow the shared policy (json-api.ts): secondary rate limits wait at least 60 s, an exhausted
 * primary limit waits for `x-ratelimit-reset` when it is near and otherwise fails saying it is a
 * rate limit; writes are repeated only when GitHub says it did not process them.
 */
import type { Dispatcher } from 'undici';
import { TagstreamError } from '../../errors.js';
import type { ChangeRequests, ListPullRequestsQuery, NewPullRequest, PullRequest, PullRequestPatch } from '../../ports/change-requests.js';
import { CODE_HOST_RETRY_POLICY } from '../http/retry-policy.js';
import { createJsonApi } from './json-api.js';

export { nextLink } from './json-api.js';

export interface GitHubClientOptions {
  /** `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  readonly apiUrl: string;
  /** `owner/repo`. */
  readonly repository: string;
  readonly token?: string | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  /** Attempts per request (first included); default 3. */
  readonly attempts?: number | undefined;
  /** Injected wait and clock, so tests do not sleep. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly now?: (() => number) | undefined;
  readonly userAgent?: string | undefined;
}

interface PullJson {
  number: number;
  html_url: string;
  state: string;
  merged_at: string | null;
  title: string;
  body: string | null;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string };
  labels?: { name?: string }[];
}

function toPullRequest(p: PullJson): PullRequest {
  return Object.freeze({
    number: p.number,
    url: p.html_url,
    state: p.state === 'closed' ? 'closed' : 'open',
    merged: p.merged_at !== null && p.merged_at !== undefined,
    title: p.title,
    body: p.body ?? '',
    head: p.head.ref,
    headRepository: p.head.repo?.full_name ?? null,
    headSha: p.head.sha,
    base: p.base.ref,
    labels: Object.freeze((p.labels ?? []).map((l) => l.name ?? '').filter((n) => n !== '')),
  });
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** A GitHub REST client for one repository. */
export function createGitHubClient(options: GitHubClientOptions): ChangeRequests {
  if (!REPO_RE.test(options.repository)) {
    throw new TagstreamError('Config', `GitHub repository ${JSON.stringify(options.repository)}: expected "owner/repo"`);
  }
  const [owner, repo] = options.repository.split('/') as [string, string];
  const repoPath = `repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const api = createJsonApi({
    hostName: 'GitHub',
    errorCode: 'GitHub',
    apiUrl: options.apiUrl,
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': options.userAgent ?? 'tagstream',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    dispatcher: options.dispatcher,
    policy: { ...CODE_HOST_RETRY_POLICY, attempts: Math.max(1, options.attempts ?? 3) },
    sleep: options.sleep,
    now: options.now,
    hint,
  });
  const repoUrl = (suffix: string, query?: Record<string, string | undefined>) => api.url(`${repoPath}/${suffix}`, query);

  return {
    repository: options.repository,

    async listPullRequests(query: ListPullRequestsQuery): Promise<PullRequest[]> {
      const url = repoUrl('pulls', {
        state: query.state,
        per_page: '100',
        sort: 'created',
        direction: 'desc',
        base: query.base,
        head: query.head ? `${owner}:${query.head}` : undefined,
      });
      const all = (await api.list<PullJson>('list pull requests', url, query.maxPages)).map(toPullRequest);
      return query.headPrefix === undefined ? all : all.filter((pr) => pr.head.startsWith(query.headPrefix as string));
    },

    async createPullRequest(pr: NewPullRequest): Promise<PullRequest> {
      const res = await api.call(`open pull request ${pr.head} -> ${pr.base}`, 'POST', repoUrl('pulls'), {
        title: pr.title,
        body: pr.body,
        head: pr.head,
        base: pr.base,
        maintainer_can_modify: false,
      });
      return toPullRequest(res.json as PullJson);
    },

    async updatePullRequest(number: number, patch: PullRequestPatch): Promise<PullRequest> {
      const body: Record<string, string> = {};
      if (patch.title !== undefined) body['title'] = patch.title;
      if (patch.body !== undefined) body['body'] = patch.body;
      if (patch.state !== undefined) body['state'] = patch.state;
      const res = await api.call(`update pull request #${number}`, 'PATCH', repoUrl(`pulls/${number}`), body);
      return toPullRequest(res.json as PullJson);
    },

    async addComment(number: number, body: string): Promise<void> {
      await api.call(`comment on #${number}`, 'POST', repoUrl(`issues/${number}/comments`), { body });
    },

    async addLabels(number: number, labels: readonly string[]): Promise<void> {
      if (labels.length === 0) return;
      await api.call(`label #${number}`, 'POST', repoUrl(`issues/${number}/labels`), { labels: [...labels] });
    },
  };
}

function hint(status: number): string {
  if (status === 401) return ' (is the token set and valid?)';
  if (status === 403 || status === 404) return ' (does the token have `contents: write` and `pull-requests: write` on this repository?)';
  return '';
}
