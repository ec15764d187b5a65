/**
 * ChangeRequests over GitHub's REST API (undici). Honours GITHUB_API_URL (GitHub Enterprise puts
 * the API under `/api/v3`), sends the token as a Bearer header only, and turns failures into
 * redacted TagstreamError('GitHub') naming the operation, the HTTP status and GitHub's message.
 * Reads are retried on 5xx/429/network errors; writes only when GitHub says it did not process
 * them (429, secondary rate limit), so a retry cannot open a second PR.
 */
import { request, type Dispatcher } from 'undici';
import { TagstreamError, errorMessage } from '../../errors.js';
import type { ChangeRequests, ListPullRequestsQuery, NewPullRequest, PullRequest, PullRequestPatch } from '../../ports/change-requests.js';

export interface GitHubClientOptions {
  /** `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  readonly apiUrl: string;
  /** `owner/repo`. */
  readonly repository: string;
  readonly token?: string | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  /** Attempts per request (first included); default 3. */
  readonly attempts?: number | undefined;
  /** Injected wait, so tests do not sleep. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
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

/** `rel="next"` target of a Link header. */
export function nextLink(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(',') : (link ?? '');
  for (const part of text.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/** A GitHub REST client for one repository. */
export function createGitHubClient(options: GitHubClientOptions): ChangeRequests {
  if (!REPO_RE.test(options.repository)) {
    throw new TagstreamError('Config', `GitHub repository ${JSON.stringify(options.repository)}: expected "owner/repo"`);
  }
  const api = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
  const [owner, repo] = options.repository.split('/') as [string, string];
  const repoPath = `repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const headers = (hasBody: boolean): Record<string, string> => ({
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': options.userAgent ?? 'tagstream-action',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
  });

  async function call(operation: string, method: 'GET' | 'POST' | 'PATCH', url: URL, body?: unknown): Promise<{ json: unknown; link: string | string[] | undefined }> {
    const write = method !== 'GET';
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      let resHeaders: Record<string, string | string[] | undefined>;
      try {
        const res = await request(url, {
          method,
          headers: headers(body !== undefined),
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher: options.dispatcher,
        });
        status = res.statusCode;
        resHeaders = res.headers;
        text = await res.body.text();
      } catch (e) {
        // The request may or may not have been processed: only reads are safe to repeat.
        if (!write && attempt < attempts) {
          await sleep(backoff(attempt, undefined));
          continue;
        }
        throw new TagstreamError('GitHub', `${operation}: cannot reach the GitHub API at ${api.origin}: ${errorMessage(e)}`, { retryable: true, cause: e });
      }
      if (status >= 200 && status < 300) {
        return { json: parseBody(operation, status, text), link: resHeaders['link'] };
      }
      const message = githubMessage(text);
      const rateLimited = status === 429 || ((status === 403) && (resHeaders['x-ratelimit-remaining'] === '0' || /secondary rate limit/i.test(message)));
      const retryable = rateLimited || (!write && status >= 500);
      if (retryable && attempt < attempts) {
        await sleep(backoff(attempt, resHeaders['retry-after']));
        continue;
      }
      throw new TagstreamError('GitHub', `${operation}: GitHub answered ${status}${message ? `: ${message}` : ''}${hint(status)}`, { retryable });
    }
  }

  const repoUrl = (suffix: string, query?: Record<string, string>) => {
    const url = new URL(`${repoPath}/${suffix}`, api);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  };

  return {
    repository: options.repository,

    async listPullRequests(query: ListPullRequestsQuery): Promise<PullRequest[]> {
      const params: Record<string, string> = { state: query.state, per_page: '100', sort: 'created', direction: 'desc' };
      if (query.base) params['base'] = query.base;
      if (query.head) params['head'] = `${owner}:${query.head}`;
      const out: PullRequest[] = [];
      let url: URL | undefined = repoUrl('pulls', params);
      for (let page = 0; url && page < (query.maxPages ?? 3); page++) {
        const res = await call('list pull requests', 'GET', url);
        out.push(...(res.json as PullJson[]).map(toPullRequest));
        const next = nextLink(res.link);
        // Follow only links to the same API host: a Link header must not redirect the token.
        url = next && new URL(next).origin === api.origin ? new URL(next) : undefined;
      }
      return out;
    },

    async createPullRequest(pr: NewPullRequest): Promise<PullRequest> {
      const res = await call(`open pull request ${pr.head} -> ${pr.base}`, 'POST', repoUrl('pulls'), {
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
      const res = await call(`update pull request #${number}`, 'PATCH', repoUrl(`pulls/${number}`), body);
      return toPullRequest(res.json as PullJson);
    },

    async addComment(number: number, body: string): Promise<void> {
      await call(`comment on #${number}`, 'POST', repoUrl(`issues/${number}/comments`), { body });
    },

    async addLabels(number: number, labels: readonly string[]): Promise<void> {
      if (labels.length === 0) return;
      await call(`label #${number}`, 'POST', repoUrl(`issues/${number}/labels`), { labels: [...labels] });
    },
  };
}

function backoff(attempt: number, retryAfter: string | string[] | undefined): number {
  const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const seconds = header !== undefined ? Number(header) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 60) * 1000;
  return Math.min(1000 * 2 ** (attempt - 1), 10_000);
}

/** A 2xx body; a proxy's HTML page or a cut-off answer becomes an error naming the operation. */
function parseBody(operation: string, status: number, text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TagstreamError('GitHub', `${operation}: GitHub answered ${status} with a body that is not JSON (${errorMessage(e)}): ${JSON.stringify(text.slice(0, 200))}`);
  }
}

function githubMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown; errors?: { message?: unknown; code?: unknown; field?: unknown }[] };
    const details = (j.errors ?? []).map((e) => String(e.message ?? [e.field, e.code].filter(Boolean).join(' '))).filter((s) => s !== '');
    return [typeof j.message === 'string' ? j.message : '', ...details].filter((s) => s !== '').join('; ');
  } catch {
    return text.slice(0, 200);
  }
}

function hint(status: number): string {
  if (status === 401) return ' (is the token input set and valid?)';
  if (status === 403 || status === 404) return ' (does the token have `contents: write` and `pull-requests: write` on this repository?)';
  return '';
}
