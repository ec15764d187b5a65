/**
 * ChangeRequests over GitHub's REST API through Octokit (github-octokit.ts: retry, throttling and
 * pagination plugins on the shared retry policy). Honours GITHUB_API_URL (GitHub Enterprise puts the
 * API under `/api/v3`), sends the token as a Bearer header only, and turns failures into redacted
 * TagstreamError('GitHub') naming the operation, the HTTP status and GitHub's message.
 *
 * Closed requests on the tool's branches are found with the search API (`is:pr is:closed
 * head:<prefix>`), not by listing every closed pull request of the repository: the search answers
 * numbers and bodies but no head branch or head repository, so each hit is read once more
 * (`GET /pulls/{n}`) and checked against the prefix. Search results are capped at 1,000 and may lag
 * a closing by a few seconds; `merged: false` keeps the hits to requests closed without merging.
 */
import type { Dispatcher } from 'undici';
import { TagstreamError } from '../../errors.js';
import type { ChangeRequests, ListPullRequestsQuery, NewPullRequest, PullRequest, PullRequestPatch } from '../../ports/change-requests.js';
import { CODE_HOST_RETRY_POLICY, type RetryPolicy } from '../http/retry-policy.js';
import { createGitHubOctokit, gitHubError, notJsonError, WRITE_ONCE, type GitHubOctokit } from './github-octokit.js';

export { nextLink } from './json-api.js';

export interface GitHubClientOptions {
  /** `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  readonly apiUrl: string;
  /** `owner/repo`. */
  readonly repository: string;
  readonly token?: string | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  /** Attempts per request (first included); default the policy's (4). */
  readonly attempts?: number | undefined;
  /** Injected wait and clock, so tests do not sleep. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly now?: (() => number) | undefined;
  readonly userAgent?: string | undefined;
  /** Retry policy; default CODE_HOST_RETRY_POLICY. */
  readonly policy?: RetryPolicy | undefined;
  /** Spacing of writes and searches; default GitHub's 1 s / 2 s (tests pass 0). */
  readonly pacing?: { readonly writeMs: number; readonly searchMs: number } | undefined;
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
  const now = options.now ?? Date.now;
  const basePolicy = options.policy ?? CODE_HOST_RETRY_POLICY;
  const octokit: GitHubOctokit = createGitHubOctokit({
    apiUrl: options.apiUrl,
    token: options.token,
    policy: options.attempts === undefined ? basePolicy : { ...basePolicy, attempts: Math.max(1, options.attempts) },
    dispatcher: options.dispatcher,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    userAgent: options.userAgent,
    pacing: options.pacing,
  });
  const origin = new URL(options.apiUrl).origin;

  let lastLink = '';
  /** One request; its JSON answer, or a TagstreamError. */
  async function call<T>(operation: string, route: string, params: Record<string, unknown>): Promise<T> {
    let res: { status: number; data: unknown; headers: { link?: string } };
    try {
      // Octokit sends parameters a route does not name as query parameters: owner/repo only where named.
      res = await octokit.request(route, route.includes('{owner}') ? { owner, repo, ...params } : params);
    } catch (e) {
      throw gitHubError(operation, e, options.apiUrl, now());
    }
    lastLink = res.headers.link ?? '';
    if (typeof res.data !== 'object' || res.data === null) throw notJsonError(operation, res.status, res.data);
    return res.data as T;
  }

  /** Every page (at most `maxPages`) of a listing, following `Link: rel="next"` on the API's origin only. */
  async function pages<T>(operation: string, route: string, params: Record<string, unknown>, maxPages = 1000): Promise<T[]> {
    const out: T[] = [];
    let count = 0;
    try {
      for await (const page of octokit.paginate.iterator(route, { owner, repo, per_page: 100, ...params })) {
        if (!Array.isArray(page.data)) throw notJsonError(operation, page.status, page.data);
        out.push(...(page.data as T[]));
        const next = /<([^<>]+)>;\s*rel="next"/.exec(page.headers.link ?? '')?.[1];
        // A Link header must not send the token to another host.
        if (++count >= maxPages || next === undefined || new URL(next, options.apiUrl).origin !== origin) break;
      }
    } catch (e) {
      throw gitHubError(operation, e, options.apiUrl, now());
    }
    return out;
  }

  /** Closed requests on branches starting with `prefix`, through the search API (see the file comment). */
  async function searchClosed(query: ListPullRequestsQuery, prefix: string): Promise<PullRequest[]> {
    // `head:` matches branch names beginning with a word: search with the prefix's words, check the exact prefix below.
    const headWords = prefix.replace(/[^A-Za-z0-9_.-]+$/, '');
    const q = [
      `repo:${owner}/${repo}`,
      'is:pr',
      'is:closed',
      query.merged === false ? 'is:unmerged' : query.merged === true ? 'is:merged' : '',
      query.base !== undefined ? `base:${query.base}` : '',
      headWords !== '' ? `head:${headWords}` : '',
    ].filter((t) => t !== '');
    // Paged by hand: the pagination plugin unwraps a search answer by taking its first key other than
    // the counts, and GitHub's schema now also requires `search_type`, which may come before `items`.
    const hits: { number: number }[] = [];
    for (let page = 1; page <= (query.maxPages ?? 10); page++) {
      const res = await call<{ items?: { number: number }[] }>('search closed pull requests', 'GET /search/issues', { q: q.join(' '), sort: 'created', order: 'desc', per_page: 100, page });
      if (!Array.isArray(res.items)) throw notJsonError('search closed pull requests', 200, JSON.stringify(res));
      hits.push(...res.items);
      if (!lastLink.includes('rel="next"')) break;
    }
    const out: PullRequest[] = [];
    for (const hit of hits) {
      const pr = toPullRequest(await call<PullJson>(`read pull request #${hit.number}`, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: hit.number }));
      if (pr.state !== 'closed' || !pr.head.startsWith(prefix)) continue;
      if ((query.base !== undefined && pr.base !== query.base) || (query.head !== undefined && pr.head !== query.head)) continue;
      if (query.merged !== undefined && pr.merged !== query.merged) continue;
      out.push(pr);
    }
    return out;
  }

  return {
    repository: options.repository,

    async listPullRequests(query: ListPullRequestsQuery): Promise<PullRequest[]> {
      if (query.state === 'closed' && query.headPrefix !== undefined) return searchClosed(query, query.headPrefix);
      const params = { state: query.state, sort: 'created', direction: 'desc', ...(query.base ? { base: query.base } : {}), ...(query.head ? { head: `${owner}:${query.head}` } : {}) };
      const all = (await pages<PullJson>('list pull requests', 'GET /repos/{owner}/{repo}/pulls', params, query.maxPages)).map(toPullRequest);
      return all.filter((pr) => (query.headPrefix === undefined || pr.head.startsWith(query.headPrefix)) && (query.merged === undefined || (pr.state === 'closed' && pr.merged === query.merged)));
    },

    async createPullRequest(pr: NewPullRequest): Promise<PullRequest> {
      const body = { title: pr.title, body: pr.body, head: pr.head, base: pr.base, maintainer_can_modify: false, ...WRITE_ONCE };
      return toPullRequest(await call<PullJson>(`open pull request ${pr.head} -> ${pr.base}`, 'POST /repos/{owner}/{repo}/pulls', body));
    },

    async updatePullRequest(number: number, patch: PullRequestPatch): Promise<PullRequest> {
      const body: Record<string, unknown> = { pull_number: number, ...WRITE_ONCE };
      if (patch.title !== undefined) body['title'] = patch.title;
      if (patch.body !== undefined) body['body'] = patch.body;
      if (patch.state !== undefined) body['state'] = patch.state;
      return toPullRequest(await call<PullJson>(`update pull request #${number}`, 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', body));
    },

    async addComment(number: number, body: string): Promise<void> {
      await call(`comment on #${number}`, 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: number, body, ...WRITE_ONCE });
    },

    async addLabels(number: number, labels: readonly string[]): Promise<void> {
      if (labels.length === 0) return;
      await call(`label #${number}`, 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { issue_number: number, labels: [...labels], ...WRITE_ONCE });
    },
  };
}
