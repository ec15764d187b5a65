/** One ChangeRequests client for the chosen Git host. */
import type { Dispatcher } from 'undici';
import type { CodeHostTarget } from '../../config/code-host.js';
import type { ChangeRequests } from '../../ports/change-requests.js';
import { createGitHubClient } from './github.js';
import { createGitLabClient } from './gitlab.js';
import { createGiteaClient } from './gitea.js';

export interface ChangeRequestsOptions {
  readonly token?: string | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly userAgent?: string | undefined;
}

export function createChangeRequests(target: CodeHostTarget, options: ChangeRequestsOptions = {}): ChangeRequests {
  const common = { apiUrl: target.apiUrl, repository: target.repository, ...options };
  switch (target.provider) {
    case 'github':
      return createGitHubClient(common);
    case 'gitlab':
      return createGitLabClient(common);
    case 'gitea':
      return createGiteaClient(common);
  }
}
