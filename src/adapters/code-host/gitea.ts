/**
 * ChangeRequests over the Gitea / Forgejo REST API v1 (pull requests): `https://host/api/v1`.
 * The token goes in `Authorization: token …` only. Gitea's pull listing has no base-branch
 * filter, so the base is filtered here; labels are added by name.
 */
import type { Dispatcher } from 'undici';
import { TagstreamError } from '../../errors.js';
import type { ChangeRequests, ListPullRequestsQuery, NewPullRequest, PullRequest, PullRequestPatch } from '../../ports/change-requests.js';
import { createJsonApi } from './json-api.js';

export interface GiteaClientOptions {
  /** `https://gitea.example.com/api/v1` (Forgejo and Codeberg alike). */
  readonly apiUrl: string;
  /** `owner/repo`. */
  readonly repository: string;
  readonly token?: string | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly now?: (() => number) | undefined;
  readonly userAgent?: string | undefined;
}

/** The fields of Gitea's `PullRequest` we read. */
interface PullJson {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at?: string | null;
  title: string;
  body?: string | null;
  head: { ref: string; sha: string; repo?: { full_name?: string } | null };
  base: { ref: string };
  labels?: { name?: string }[] | null;
}

function toPullRequest(p: PullJson): PullRequest {
  return Object.freeze({
    number: p.number,
    url: p.html_url,
    state: p.state === 'closed' ? 'closed' : 'open',
    merged: p.merged === true || (p.merged_at !== null && p.merged_at !== undefined),
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

/** A Gitea/Forgejo client for one repository's pull requests. */
export function createGiteaClient(options: GiteaClientOptions): ChangeRequests {
  if (!REPO_RE.test(options.repository)) {
    throw new TagstreamError('Config', `Gitea repository ${JSON.stringify(options.repository)}: expected "owner/repo"`);
  }
  const [owner, repo] = options.repository.split('/') as [string, string];
  const repoPath = `repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const api = createJsonApi({
    hostName: 'Gitea',
    errorCode: 'CodeHost',
    apiUrl: options.apiUrl,
    headers: {
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'tagstream',
      ...(options.token ? { authorization: `token ${options.token}` } : {}),
    },
    dispatcher: options.dispatcher,
    sleep: options.sleep,
    now: options.now,
    hint: (status) => (status === 401 ? ' (is TAGSTREAM_GIT_TOKEN set and valid?)' : status === 403 || status === 404 ? ' (does the token have write:repository and write:issue on this repository?)' : ''),
  });
  const repoUrl = (suffix: string, query?: Record<string, string | undefined>) => api.url(`${repoPath}/${suffix}`, query);

  return {
    repository: options.repository,

    async listPullRequests(query: ListPullRequestsQuery): Promise<PullRequest[]> {
      const url = repoUrl('pulls', { state: query.state, limit: '50' });
      const all = (await api.list<PullJson>('list pull requests', url, query.maxPages)).map(toPullRequest);
      return all.filter((pr) => (query.base === undefined || pr.base === query.base) && (query.head === undefined || pr.head === query.head) && (query.headPrefix === undefined || pr.head.startsWith(query.headPrefix)) && (query.merged === undefined || (pr.state === 'closed' && pr.merged === query.merged)));
    },

    async createPullRequest(pr: NewPullRequest): Promise<PullRequest> {
      const res = await api.call(`open pull request ${pr.head} -> ${pr.base}`, 'POST', repoUrl('pulls'), { head: pr.head, base: pr.base, title: pr.title, body: pr.body });
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
