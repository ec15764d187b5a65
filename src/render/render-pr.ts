/**
 * Transitional re-export: the pull-request body and its trailers are composed by the pull-request
 * use case and now live in planning/pull-request-body.ts. Kept only for test/e2e/git-hosts.test.ts
 * and test/e2e/daemon-pull-requests.test.ts (edited on other branches at the same time); delete
 * once they import planning/pull-request-body.js.
 */
export { parsePullRequestTrailers } from '../planning/pull-request-body.js';
