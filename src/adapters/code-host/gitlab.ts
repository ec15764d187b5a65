/**
 * ChangeRequests over GitLab's REST API v4 (merge requests): gitlab.com or a self-hosted
 * `https://host/api/v4`. The project is its path (`group/sub/project`, URL-encoded as `:id`), the
 * token goes in `PRIVATE-TOKEN` only. Same retry policy and redaction as the other hosts.
 * A port "pull request" is a merge request: `number` is its `iid`, `body` its `description`,
 * closing is `state_event: close`, labels are added with `add_labels`.
 */
import type { Dispatcher } from 'undici';
import { TagstreamError } from '../../errors.js';
import type { ChangeRequests, ListPullRequestsQuery, NewPullRequest, PullRequest, PullRequestPatch } from '../../ports/change-requests.js';
import { createJsonApi } from './json-api.js';

export interface GitLabClientOptions {
  /** `https://gitlab.com/api/v4` or `https://gitlab.example.com/api/v4`. */
  readonly apiUrl: string;
  /** Project path, `group/sub/project`. */
  readonly repository: string;
  readonly token?: string | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly now?: (() => number) | undefined;
  readonly userAgent?: string | undefined;
}

/** The fields of `API_Entities_MergeRequestBasic` we read. */
interface MergeRequestJson {
  iid: number;
  project_id: number;
  source_project_id: number;
  web_url: string;
  state: string;
  merged_at: string | null;
  title: string;
  description: string | null;
  source_branch: string;
  target_branch: string;
  sha: string | null;
  labels?: (string | { name?: string })[];
}

const PROJECT_RE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;

/** A GitLab client for one project's merge requests. */
export function createGitLabClient(options: GitLabClientOptions): ChangeRequests {
  if (!PROJECT_RE.test(options.repository)) {
    throw new TagstreamError('Config', `GitLab project ${JSON.stringify(options.repository)}: expected a project path "group/project"`);
  }
  const api = createJsonApi({
    hostName: 'GitLab',
    errorCode: 'CodeHost',
    apiUrl: options.apiUrl,
    headers: {
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'tagstream',
      ...(options.token ? { 'private-token': options.token } : {}),
    },
    dispatcher: options.dispatcher,
    sleep: options.sleep,
    now: options.now,
    hint: (status) =>
      status === 401 ? ' (is TAGSTREAM_GIT_TOKEN set and valid?)' : status === 403 || status === 404 ? ' (does the token have the `api` scope and Developer access to this project?)' : '',
  });
  const project = `projects/${encodeURIComponent(options.repository)}`;

  const toPullRequest = (mr: MergeRequestJson): PullRequest =>
    Object.freeze({
      number: mr.iid,
      url: mr.web_url,
      state: mr.state === 'opened' || mr.state === 'locked' ? 'open' : 'closed',
      merged: mr.state === 'merged' || (mr.merged_at !== null && mr.merged_at !== undefined),
      title: mr.title,
      body: mr.description ?? '',
      head: mr.source_branch,
      // A fork's branch is not ours even when its name matches.
      headRepository: mr.source_project_id === mr.project_id ? options.repository : `project ${mr.source_project_id}`,
      headSha: mr.sha ?? '',
      base: mr.target_branch,
      labels: Object.freeze((mr.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((n) => n !== '')),
    });

  const put = async (operation: string, iid: number, body: Record<string, unknown>): Promise<PullRequest> =>
    toPullRequest((await api.call(operation, 'PUT', api.url(`${project}/merge_requests/${iid}`), body)).json as MergeRequestJson);

  return {
    repository: options.repository,

    async listPullRequests(query: ListPullRequestsQuery): Promise<PullRequest[]> {
      // GitLab's `closed` means closed without merging; merged requests are `merged`.
      const state = query.state === 'open' ? 'opened' : query.state === 'closed' && query.merged === true ? 'merged' : query.state;
      const url = api.url(`${project}/merge_requests`, {
        state,
        target_branch: query.base,
        source_branch: query.head,
        order_by: 'created_at',
        sort: 'desc',
        per_page: '100',
      });
      const all = (await api.list<MergeRequestJson>('list merge requests', url, query.maxPages)).map(toPullRequest);
      return query.headPrefix === undefined ? all : all.filter((mr) => mr.head.startsWith(query.headPrefix as string));
    },

    async createPullRequest(pr: NewPullRequest): Promise<PullRequest> {
      const res = await api.call(`open merge request ${pr.head} -> ${pr.base}`, 'POST', api.url(`${project}/merge_requests`), {
        source_branch: pr.head,
        target_branch: pr.base,
        title: pr.title,
        description: pr.body,
        remove_source_branch: true,
      });
      return toPullRequest(res.json as MergeRequestJson);
    },

    async updatePullRequest(number: number, patch: PullRequestPatch): Promise<PullRequest> {
      const body: Record<string, unknown> = {};
      if (patch.title !== undefined) body['title'] = patch.title;
      if (patch.body !== undefined) body['description'] = patch.body;
      if (patch.state !== undefined) body['state_event'] = patch.state === 'closed' ? 'close' : 'reopen';
      return put(`update merge request !${number}`, number, body);
    },

    async addComment(number: number, body: string): Promise<void> {
      await api.call(`comment on merge request !${number}`, 'POST', api.url(`${project}/merge_requests/${number}/notes`), { body });
    },

    async addLabels(number: number, labels: readonly string[]): Promise<void> {
      if (labels.length === 0) return;
      await put(`label merge request !${number}`, number, { add_labels: [...labels] });
    },
  };
}
