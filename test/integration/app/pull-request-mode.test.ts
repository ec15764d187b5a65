/**
 * Pull-request mode through runAction, with a fake reconcile and Git remote and the real
 * OpenAPI-checked loopback GitHub API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/code-host/github.js';
import { inputEnvName } from '../../../src/config/action-inputs.js';
import { closedPullRequestHolds } from '../../../src/app/pull-request-mode.js';
import { runAction } from '../../../src/action/run-action.js';
import { WorkflowRunner } from '../../../src/action/workflow-commands.js';
import { loadGitHubOpenApi, startGitHubApi, type GitHubApiServer, type OpenApiDocument } from '../../harness/github-api.js';
import { fakeCheckout, fakeReconcile, FakeRemote } from '../../unit/action/fake-gitops.js';
import type { ChangeRequests, PullRequest } from '../../../src/ports/change-requests.js';

const TOKEN = 'ghs_unit0123456789token';
const D = (c: string) => `sha256:${c.repeat(64)}`;
let doc: OpenApiDocument;
beforeAll(() => {
  doc = loadGitHubOpenApi();
});

interface Run {
  code: number;
  lines: string[];
  outputs: Record<string, string>;
  summary: string;
  checkouts: number;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

async function run(
  api: GitHubApiServer,
  remote: FakeRemote,
  registry: Map<string, string>,
  inputs: Record<string, string> = {},
  unreachable: ReadonlySet<string> = new Set(),
  wrap: (gh: ChangeRequests) => ChangeRequests = (gh) => gh,
): Promise<Run> {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  const env: Record<string, string> = {
    GITHUB_OUTPUT: '/out',
    GITHUB_STEP_SUMMARY: '/summary',
    GITHUB_REPOSITORY: 'octo/gitops',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_API_URL: api.apiUrl,
    ...Object.fromEntries(Object.entries({ token: TOKEN, 'pr-labels': 'images', ...inputs }).map(([k, v]) => [inputEnvName(k), v])),
  };
  const runner = new WorkflowRunner({ env, writeLine: (l) => lines.push(l), appendFile: (p, d) => void (files[p] = (files[p] ?? '') + d) });
  const { reconcile } = fakeReconcile(remote, registry, unreachable);
  let checkouts = 0;
  const code = await runAction({
    env,
    runner,
    reconcile,
    openCheckout: async () => (checkouts++, fakeCheckout(remote)),
    cloneBase: async () => (checkouts++, fakeCheckout(remote)),
    changeRequests: (parsed) => wrap(createGitHubClient({ apiUrl: api.apiUrl, repository: 'octo/gitops', token: parsed.token, sleep: async () => {} })),
  });
  return { code, lines, outputs: parseOutputs(files['/out'] ?? ''), summary: files['/summary'] ?? '', checkouts };
}

describe('pull-request mode, group all', () => {
  let api: GitHubApiServer;
  const remote = new FakeRemote({ 'shop/frontend:1.4': D('a') });
  const registry = new Map([
    ['shop/frontend:1.4', D('b')],
    ['shop/worker:latest', D('c')],
  ]);
  beforeAll(async () => {
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: async (b) => remote.branches.get(b) });
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await api.close();
  });

  it('opens one PR from tagstream/main with the plan and the labels', async () => {
    const r = await run(api, remote, registry);
    expect(r.code).toBe(0);
    expect(api.pulls).toHaveLength(1);
    const pr = api.pulls[0]!;
    expect(pr).toMatchObject({ number: 1, head: 'tagstream/main', base: 'main', state: 'open', labels: ['images'] });
    expect(pr.body).toContain(`Tagstream-Move: shop/frontend:1.4 ${D('a')} -> ${D('b')}`);
    expect(pr.body).toContain(`Tagstream-Move: shop/worker:latest - -> ${D('c')}`);
    expect(remote.pushes).toEqual([{ branch: 'tagstream/main', oid: remote.branches.get('tagstream/main'), force: true }]);
    expect(r.outputs).toMatchObject({ changed: 'true', 'pull-request-number': '1', 'pull-request-url': `${api.apiUrl}/octo/gitops/pull/1`, 'commit-sha': remote.branches.get('tagstream/main') });
    expect(JSON.parse(r.outputs['plan']!).moves).toHaveLength(2);
    expect(r.summary).toContain('Pull request [#1]');
    expect(r.checkouts).toBe(2); // the job's checkout (plan) + one clone (the branch)
    expect(r.lines).toContain('::add-mask::' + TOKEN);
    expect(r.lines.filter((l) => l.includes(TOKEN))).toEqual(['::add-mask::' + TOKEN]);
  });

  it('re-running with the same moves touches neither the branch nor the PR', async () => {
    const before = remote.pushes.length;
    const r = await run(api, remote, registry);
    expect(r.code).toBe(0);
    expect(remote.pushes.length).toBe(before);
    expect(api.pulls).toHaveLength(1);
    expect(r.summary).toContain('unchanged');
    expect(r.checkouts).toBe(1); // the job's checkout only: no clone when nothing is rebuilt
    expect(api.requests.filter((q) => q.method !== 'GET')).toHaveLength(2); // the first run's create + labels only
  });

  it('a newer digest for a tag updates the same PR and force-pushes the branch', async () => {
    registry.set('shop/frontend:1.4', D('d'));
    const r = await run(api, remote, registry);
    expect(r.code).toBe(0);
    expect(api.pulls).toHaveLength(1);
    expect(api.pulls[0]!.body).toContain(`-> ${D('d')}`);
    expect(api.pulls[0]!.body).not.toContain(`-> ${D('b')}`);
    expect(remote.pushes.at(-1)).toMatchObject({ branch: 'tagstream/main', force: true });
    expect(remote.tree(remote.branches.get('tagstream/main')!)['shop/frontend:1.4']).toBe(D('d'));
    expect(r.summary).toContain('updated');
  });

  it('closes the PR with a comment once its moves are on the base branch', async () => {
    remote.mergeToMain('tagstream/main');
    const r = await run(api, remote, registry);
    expect(r.code).toBe(0);
    const pr = api.pulls[0]!;
    expect(pr.state).toBe('closed');
    expect(pr.comments[0]).toMatch(/^Closing: `shop\/frontend:1.4`, `shop\/worker:latest` are already on `main`/);
    expect(pr.body).toMatch(/\nTagstream-Closed: nothing left to propose on main\n$/);
    expect(r.outputs).toMatchObject({ changed: 'false', 'pull-request-number': '' });
  });

  it('a PR the tool closed itself does not hold its digests', () => {
    const asPort = api.pulls.map((p) => ({ number: p.number, url: '', state: p.state, merged: p.mergedAt !== null, title: p.title, body: p.body, head: p.head, headRepository: 'octo/gitops', headSha: p.headSha, base: p.base, labels: p.labels }) satisfies PullRequest);
    expect(closedPullRequestHolds(asPort, 'octo/gitops', 'tagstream/').size).toBe(0);
  });
});

describe('pull-request mode, closed without merging', () => {
  let api: GitHubApiServer;
  const remote = new FakeRemote({ 'shop/frontend:1.4': D('a') });
  const registry = new Map([['shop/frontend:1.4', D('b')]]);
  beforeAll(async () => {
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: async (b) => remote.branches.get(b) });
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await api.close();
  });

  it('does not propose a digest again after a human closed its PR, but proposes a newer one', async () => {
    await run(api, remote, registry);
    api.closePull(1, false);
    const held = await run(api, remote, registry);
    expect(held.code).toBe(0);
    expect(api.pulls).toHaveLength(1);
    const plan = JSON.parse(held.outputs['plan']!);
    expect(plan.held).toEqual([{ stream: 'shop/frontend', tag: '1.4', image: D('b'), heldBy: '#1', reason: 'pull-request-closed' }]);
    expect(held.summary).toContain('proposed in #1, closed without merging');

    registry.set('shop/frontend:1.4', D('e'));
    const newer = await run(api, remote, registry);
    expect(newer.code).toBe(0);
    expect(api.pulls).toHaveLength(2);
    expect(api.pulls[1]).toMatchObject({ number: 2, state: 'open', head: 'tagstream/main' });
    expect(api.pulls[1]!.body).toContain(`-> ${D('e')}`);
  });

  it('ignores closed PRs of other branches, forks and bodies Tagstream did not write', () => {
    const body = `<!-- tagstream:pull-request -->\nTagstream-Move: shop/web:1 - -> ${D('f')}\n`;
    const pr = (over: Partial<PullRequest>): PullRequest => ({ number: 9, url: '', state: 'closed', merged: false, title: '', body, head: 'tagstream/main', headRepository: 'octo/gitops', headSha: '', base: 'main', labels: [], ...over });
    const holds = closedPullRequestHolds(
      [pr({}), pr({ number: 10, head: 'feature/x' }), pr({ number: 11, headRepository: 'fork/gitops' }), pr({ number: 12, body: body.replace('<!-- tagstream:pull-request -->\n', '') }), pr({ number: 13, merged: true })],
      'octo/gitops',
      'tagstream/',
    );
    expect([...holds.entries()]).toEqual([['shop/web:1', [{ image: D('f'), heldBy: '#9' }]]]);
  });
});

describe('pull-request mode, group tag', () => {
  let api: GitHubApiServer;
  const remote = new FakeRemote({ 'shop/frontend:1.4': D('a') });
  const registry = new Map([
    ['shop/frontend:1.4', D('b')],
    ['shop/worker:latest', D('c')],
  ]);
  beforeAll(async () => {
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: async (b) => remote.branches.get(b) });
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await api.close();
  });

  it('opens one PR per stream:tag, each branch on the base with only its move', async () => {
    const r = await run(api, remote, registry, { group: 'tag', 'pr-title': 'images: {tags}' });
    expect(r.code).toBe(0);
    expect(api.pulls.map((p) => [p.head, p.title])).toEqual([
      ['tagstream/shop-frontend-1.4', 'images: shop/frontend:1.4'],
      ['tagstream/shop-worker-latest', 'images: shop/worker:latest'],
    ]);
    const main = remote.branches.get('main')!;
    for (const [branch, key] of [['tagstream/shop-frontend-1.4', 'shop/worker:latest'], ['tagstream/shop-worker-latest', 'shop/frontend:1.4']] as const) {
      const head = remote.branches.get(branch)!;
      expect(remote.commits.get(head)!.parents).toEqual([main]);
      expect(remote.tree(head)[key]).toBe(remote.tree(main)[key]);
    }
    // The job's checkout for the plan, then a fresh clone per branch.
    expect(r.checkouts).toBe(3);
    expect(r.outputs['pull-request-number']).toBe('1');
  });

  it('keeps a PR open when its tag could not be checked this run', async () => {
    const r = await run(api, remote, registry, { group: 'tag', 'pr-title': 'images: {tags}', 'fail-on-error': 'false' }, new Set(['shop/frontend:1.4']));
    expect(r.code).toBe(0);
    expect(api.pulls.map((p) => p.state)).toEqual(['open', 'open']);
    expect(r.lines).toContain('::warning::pull request #1 left open: this run could not check all of its tags');
  });

  it('closes only the PR of the tag that landed', async () => {
    remote.mergeToMain('tagstream/shop-worker-latest');
    await run(api, remote, registry, { group: 'tag', 'pr-title': 'images: {tags}' });
    expect(api.pulls.map((p) => p.state)).toEqual(['open', 'closed']);
  });
});

describe('pull-request mode, racing another run', () => {
  let api: GitHubApiServer;
  const remote = new FakeRemote({});
  beforeAll(async () => {
    api = await startGitHubApi({ openapi: doc, token: TOKEN });
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await api.close();
  });

  it('updates the PR another run opened between our list and our create', async () => {
    const registry = new Map([['shop/a:1', D('a')]]);
    // The other run's PR lands just before our POST, which GitHub then refuses with 422.
    const r = await run(api, remote, registry, {}, new Set(), (gh) => ({
      ...gh,
      repository: gh.repository,
      createPullRequest: async (pr) => {
        api.addPull({ head: pr.head, base: pr.base, title: 'other run', body: '<!-- tagstream:pull-request -->\nother' });
        return gh.createPullRequest(pr);
      },
    }));
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(api.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pulls')).map((q) => q.status)).toEqual([422]);
    expect(api.pulls).toHaveLength(1);
    expect(api.pulls[0]!.body).toContain(`Tagstream-Move: shop/a:1 - -> ${D('a')}`);
    expect(r.summary).toContain('updated');
  });
});

describe('inputs and failures', () => {
  let api: GitHubApiServer;
  beforeAll(async () => {
    api = await startGitHubApi({ openapi: doc, token: TOKEN });
  });
  afterAll(async () => {
    await api.close();
  });

  it('an invalid mode fails the step with a clear error and writes no outputs', async () => {
    const r = await run(api, new FakeRemote({}), new Map(), { mode: 'push' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['::error::input "mode": expected one of pull-request, commit, dry-run, got "push"']);
    expect(r.outputs).toEqual({});
  });

  it('pull-request mode without a token is refused', async () => {
    const r = await run(api, new FakeRemote({}), new Map([['a/b:c', D('1')]]), { token: '' });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe('::error::input "token": pull-request mode needs a token with contents: write and pull-requests: write');
  });

  it('a GitHub API failure fails the step, with the status and without the token', async () => {
    const r = await run(api, new FakeRemote({}), new Map([['a/b:c', D('1')]]), { token: 'ghs_wrong_token_value' });
    expect(r.code).toBe(1);
    const last = r.lines.at(-1)!;
    expect(last).toMatch(/^::error::search closed pull requests: GitHub answered 401: Bad credentials/);
    expect(last).not.toContain('ghs_wrong_token_value');
  });
});
