/**
 * What pull-request mode needs from a Git host: find, open, update and close change requests
 * (GitHub and Gitea/Forgejo pull requests, GitLab merge requests) on one repository, comment on
 * and label them. Implemented in adapters/code-host; loopback servers checked against each host's
 * published API description serve the tests.
 */

export interface PullRequest {
  readonly number: number;
  /** Web page of the PR (`html_url`). */
  readonly url: string;
  readonly state: 'open' | 'closed';
  /** Closed by merging (`merged_at` set). */
  readonly merged: boolean;
  readonly title: string;
  readonly body: string;
  /** Head branch name (no `refs/heads/`). */
  readonly head: string;
  /** `owner/repo` the head branch lives in (null when that fork was deleted). */
  readonly headRepository: string | null;
  readonly headSha: string;
  readonly base: string;
  readonly labels: readonly string[];
}

export interface ListPullRequestsQuery {
  readonly state: 'open' | 'closed' | 'all';
  /** Base branch name. */
  readonly base?: string | undefined;
  /** Head branch name in this repository. */
  readonly head?: string | undefined;
  /** Only requests whose head branch starts with this (the tool's branch prefix). */
  readonly headPrefix?: string | undefined;
  /** Closed requests only: those merged (true) or closed without merging (false). */
  readonly merged?: boolean | undefined;
  /** Stop after this many pages (newest first); default every page. */
  readonly maxPages?: number | undefined;
}

export interface NewPullRequest {
  readonly title: string;
  readonly body: string;
  readonly head: string;
  readonly base: string;
}

export interface PullRequestPatch {
  readonly title?: string | undefined;
  readonly body?: string | undefined;
  readonly state?: 'open' | 'closed' | undefined;
}

export interface ChangeRequests {
  /** `owner/repo` (GitLab: the project path `group/sub/project`) the requests go to. */
  readonly repository: string;
  listPullRequests(query: ListPullRequestsQuery): Promise<PullRequest[]>;
  createPullRequest(request: NewPullRequest): Promise<PullRequest>;
  updatePullRequest(number: number, patch: PullRequestPatch): Promise<PullRequest>;
  addComment(number: number, body: string): Promise<void>;
  addLabels(number: number, labels: readonly string[]): Promise<void>;
}
