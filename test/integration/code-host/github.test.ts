import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient, nextLink } from '../../../src/adapters/code-host/github.js';
import { TagstreamError } from '../../../src/errors.js';
import { loadGitHubOpenApi, matchOperation, startGitHubApi, validateRequest, validateSchema, type GitHubApiServer, type OpenApiDocument } from '../../harness/github-api.js';

const TOKEN = 'ghs_testtoken0123456789abcdef';
let doc: OpenApiDocument;
let api: GitHubApiServer;

beforeAll(async () => {
  doc = loadGitHubOpenApi();
  // Enterprise layout (`/api/v3`) and a tiny page size to exercise pagination.
  api = await startGitHubApi({ openapi: doc, token: TOKEN, prefix: '/api/v3', maxPerPage: 2 });
});
afterAll(async () => {
  await api.close();
});

const client = () => createGitHubClient({ apiUrl: api.apiUrl, repository: 'octo/gitops', token: TOKEN, sleep: async () => {}, pacing: { writeMs: 0, searchMs: 0 } });

describe('createGitHubClient against the OpenAPI-checked loopback API', () => {
  it('creates, lists (paginated), updates, comments on and labels pull requests', async () => {
    const gh = client();
    const a = await gh.createPullRequest({ title: 'T1', body: 'B1', head: 'tagstream/main', base: 'main' });
    expect(a).toMatchObject({ number: 1, state: 'open', merged: false, head: 'tagstream/main', base: 'main', title: 'T1', body: 'B1' });
    expect(a.url).toBe(`${api.apiUrl.replace('/api/v3', '')}/octo/gitops/pull/1`);
    for (const h of ['x1', 'x2', 'x3']) await gh.createPullRequest({ title: h, body: '', head: `tagstream/${h}`, base: 'main' });

    const all = await gh.listPullRequests({ state: 'open', base: 'main' });
    expect(all.map((p) => p.number)).toEqual([4, 3, 2, 1]);
    const one = await gh.listPullRequests({ state: 'all', head: 'tagstream/main' });
    expect(one.map((p) => p.number)).toEqual([1]);

    const updated = await gh.updatePullRequest(1, { title: 'T1b', body: 'B1b' });
    expect(updated).toMatchObject({ title: 'T1b', body: 'B1b', state: 'open' });
    await gh.addComment(1, 'closing');
    await gh.addLabels(1, ['dependencies', 'tagstream']);
    const closed = await gh.updatePullRequest(1, { state: 'closed' });
    expect(closed.state).toBe('closed');
    expect(closed.labels).toEqual(['dependencies', 'tagstream']);
    expect(api.pulls[0]!.comments).toEqual(['closing']);
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(api.violations).toEqual([]);
  });

  it('stops following pages at maxPages', async () => {
    const list = await client().listPullRequests({ state: 'all', maxPages: 1 });
    expect(list).toHaveLength(2);
  });

  it('reports GitHub validation errors with status and message, and never the token', async () => {
    const gh = client();
    await gh.createPullRequest({ title: 'dup', body: '', head: 'tagstream/dup', base: 'main' });
    const err = await gh.createPullRequest({ title: 'dup', body: '', head: 'tagstream/dup', base: 'main' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TagstreamError);
    expect((err as TagstreamError).code).toBe('GitHub');
    expect((err as Error).message).toContain('422');
    expect((err as Error).message).toContain('A pull request already exists for octo:tagstream/dup.');
    const bad = await createGitHubClient({ apiUrl: api.apiUrl, repository: 'octo/gitops', token: 'wrong-token-value' }).listPullRequests({ state: 'open' }).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/401: Bad credentials \(is the token set and valid\?\)/);
    expect((bad as Error).message).not.toContain('wrong-token-value');
  });

  it('rejects a malformed repository name', () => {
    expect(() => createGitHubClient({ apiUrl: 'https://api.github.com', repository: 'nope' })).toThrow(/expected "owner\/repo"/);
  });
});

describe('retries', () => {
  let server: Server;
  let url = '';
  let hits: string[] = [];
  let script: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      const status = script.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(status === 200 ? (req.method === 'GET' ? '[]' : JSON.stringify({ number: 1, html_url: 'u', state: 'open', merged_at: null, title: 't', body: 'b', head: { ref: 'h', sha: 's', repo: null }, base: { ref: 'main' } })) : JSON.stringify({ message: status === 429 ? 'You have exceeded a secondary rate limit' : `status ${status}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  // Waits: the shared policy's backoff (base 1 s, doubling, jittered) for 5xx; >= 60 s for a secondary limit.
  const table: { name: string; op: 'list' | 'create'; script: number[]; hits: number; ok: boolean; sleeps: [number, number][] }[] = [
    { name: 'a read retries 502 then succeeds', op: 'list', script: [502, 200], hits: 2, ok: true, sleeps: [[500, 1000]] },
    { name: 'a read gives up after 4 attempts', op: 'list', script: [503, 503, 503, 503], hits: 4, ok: false, sleeps: [[500, 1000], [1000, 2000], [2000, 4000]] },
    { name: 'a write is not repeated after a 502 (it may have been processed)', op: 'create', script: [502], hits: 1, ok: false, sleeps: [] },
    { name: 'a write is repeated after a secondary limit (not processed), 60 s later', op: 'create', script: [429, 200], hits: 2, ok: true, sleeps: [[60_000, 60_000]] },
  ];
  it.each(table)('$name', async (row) => {
    hits = [];
    script = [...row.script];
    const sleeps: number[] = [];
    const gh = createGitHubClient({ apiUrl: url, repository: 'o/r', sleep: async (ms) => void sleeps.push(ms), pacing: { writeMs: 0, searchMs: 0 } });
    const run = row.op === 'list' ? gh.listPullRequests({ state: 'open' }) : gh.createPullRequest({ title: 't', body: 'b', head: 'h', base: 'main' });
    const result = await run.then(
      () => 'ok',
      (e: unknown) => e,
    );
    expect(hits).toHaveLength(row.hits);
    expect(sleeps).toHaveLength(row.sleeps.length);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(row.sleeps[i]![0]);
      expect(ms).toBeLessThanOrEqual(row.sleeps[i]![1]);
    });
    if (row.ok) expect(result).toBe('ok');
    else expect((result as TagstreamError).code).toBe('GitHub');
  });
});

describe('a 2xx answer that is not JSON', () => {
  it('fails with a GitHub error naming the operation and status', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const gh = createGitHubClient({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, repository: 'o/r', token: TOKEN });
      const err = await gh.listPullRequests({ state: 'open' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TagstreamError);
      expect((err as TagstreamError).code).toBe('GitHub');
      expect((err as Error).message).toMatch(/^list pull requests: GitHub answered 200 with a body that is not JSON/);
      expect((err as Error).message).toContain('<html>proxy login</html>');
      expect((err as Error).message).not.toContain(TOKEN);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('nextLink', () => {
  it.each([
    ['<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"', 'https://api.github.com/x?page=2'],
    ['<https://api.github.com/x?page=1>; rel="prev"', undefined],
    [undefined, undefined],
  ])('%s', (header, expected) => {
    expect(nextLink(header)).toBe(expected);
  });
});

describe('the OpenAPI checks themselves', () => {
  it('catch a misspelt body field, a wrong enum and an unknown query parameter', () => {
    const create = matchOperation(doc, 'POST', '/repos/o/r/pulls')!;
    expect(validateRequest(doc, create, new URLSearchParams(), { title: 't', head: 'h', base: 'b', bodyy: 'x' })).toEqual([
      '/repos/{owner}/{repo}/pulls request body: unknown property "bodyy"',
    ]);
    const patch = matchOperation(doc, 'PATCH', '/repos/o/r/pulls/7')!;
    expect(patch.params['pull_number']).toBe('7');
    expect(validateRequest(doc, patch, new URLSearchParams(), { state: 'merged' })[0]).toMatch(/not in enum/);
    const list = matchOperation(doc, 'GET', '/repos/o/r/pulls')!;
    expect(validateRequest(doc, list, new URLSearchParams({ status: 'open' }), undefined)).toEqual(['/repos/{owner}/{repo}/pulls: unknown query parameter "status"']);
    expect(matchOperation(doc, 'POST', '/repos/o/r/pull')).toBeUndefined();
  });

  it('catch a response missing a required field', () => {
    const errors = validateSchema(doc, { $ref: '#/components/schemas/pull-request' }, { number: 1 });
    expect(errors).toContain('$: missing required property "html_url"');
  });
});

describe('closed requests on the tool branches, through the search API (OpenAPI-checked stub)', () => {
  let gh: GitHubApiServer;
  beforeAll(async () => {
    gh = await startGitHubApi({ openapi: doc, token: TOKEN, maxPerPage: 2 });
    // 9 closed-unmerged tool PRs (5 search pages of 2), interleaved with what must not come back:
    // merged tool PRs, a human's closed PR, an open tool PR, a look-alike branch, another base.
    for (let i = 1; i <= 9; i++) {
      gh.addPull({ title: `t${i}`, body: `b${i}`, head: `tagstream/app-${i}`, base: 'main', state: 'closed', closedAt: '2026-01-02T00:00:00Z' });
      gh.addPull({ title: `m${i}`, body: '', head: `tagstream/merged-${i}`, base: 'main', state: 'closed', closedAt: '2026-01-02T00:00:00Z', mergedAt: '2026-01-02T00:00:00Z' });
      gh.addPull({ title: `h${i}`, body: '', head: `feature/${i}`, base: 'main', state: 'closed', closedAt: '2026-01-02T00:00:00Z' });
    }
    gh.addPull({ title: 'open', body: '', head: 'tagstream/open', base: 'main' });
    gh.addPull({ title: 'look-alike', body: '', head: 'tagstreamer/x', base: 'main', state: 'closed', closedAt: '2026-01-02T00:00:00Z' });
    gh.addPull({ title: 'other base', body: '', head: 'tagstream/rel', base: 'release', state: 'closed', closedAt: '2026-01-02T00:00:00Z' });
  });
  afterAll(async () => {
    await gh.close();
  });

  it('finds every closed-unmerged request on the prefix over more than 3 pages, without listing the repository', async () => {
    const client = createGitHubClient({ apiUrl: gh.apiUrl, repository: 'octo/gitops', token: TOKEN, sleep: async () => {}, pacing: { writeMs: 0, searchMs: 0 } });
    const closed = await client.listPullRequests({ state: 'closed', merged: false, base: 'main', headPrefix: 'tagstream/' });
    expect(closed.map((p) => p.head).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `tagstream/app-${i}`).sort());
    expect(closed.every((p) => p.state === 'closed' && !p.merged && p.headRepository === 'octo/gitops' && p.body.startsWith('b'))).toBe(true);
    const searches = gh.requests.filter((r) => r.path === '/search/issues');
    expect(searches.length).toBeGreaterThan(3);
    expect(decodeURIComponent(searches[0]!.query.replace(/\+/g, ' '))).toContain('q=repo:octo/gitops is:pr is:closed is:unmerged base:main head:tagstream');
    // Never the repository-wide listing of closed pull requests.
    expect(gh.requests.some((r) => r.path === '/repos/octo/gitops/pulls' && r.method === 'GET')).toBe(false);
    expect(gh.violations).toEqual([]);
  });

  it('stops at maxPages of search results', async () => {
    const client = createGitHubClient({ apiUrl: gh.apiUrl, repository: 'octo/gitops', token: TOKEN, sleep: async () => {}, pacing: { writeMs: 0, searchMs: 0 } });
    expect(await client.listPullRequests({ state: 'closed', merged: false, headPrefix: 'tagstream/', maxPages: 1 })).toHaveLength(2);
    expect(gh.violations).toEqual([]);
  });
});

describe('rate limits (OpenAPI-checked stub, injected clock)', () => {
  let gh: GitHubApiServer;
  beforeAll(async () => {
    gh = await startGitHubApi({ openapi: doc, token: TOKEN });
  });
  afterAll(async () => {
    await gh.close();
  });
  const make = (sleeps: number[]) => createGitHubClient({ apiUrl: gh.apiUrl, repository: 'octo/gitops', token: TOKEN, sleep: async (ms) => void sleeps.push(ms), pacing: { writeMs: 0, searchMs: 0 } });
  const secondary = (retryAfter?: string) => ({ status: 403, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter } });
  const primary = (resetInS: number) => ({ status: 403, message: 'API rate limit exceeded for installation ID 1.', headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInS) } });

  it('a secondary limit waits what retry-after says, and at least 60 s', async () => {
    const sleeps: number[] = [];
    gh.failNext(secondary('120'), secondary('5'), secondary());
    const pr = await make(sleeps).createPullRequest({ title: 't', body: 'b', head: 'tagstream/a', base: 'main' });
    expect(pr.number).toBe(1);
    expect(sleeps).toEqual([120_000, 60_000, 60_000]);
    // The write was answered "not processed" three times, then made once.
    expect(gh.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([403, 403, 403, 201]);
    expect(gh.violations).toEqual([]);
  });

  it('a secondary limit gives up when the total wait would pass 10 minutes, saying it is a rate limit', async () => {
    const sleeps: number[] = [];
    gh.failNext(secondary('240'), secondary('240'), secondary('240'));
    const err = await make(sleeps).listPullRequests({ state: 'open' }).catch((e: unknown) => e);
    expect(sleeps).toEqual([240_000, 240_000]);
    expect((err as Error).message).toMatch(/^list pull requests: GitHub answered 403: You have exceeded a secondary rate limit.*secondary rate limit \(too many requests in a short time, not a permission problem\)/);
    expect((err as Error).message).not.toContain('does the token have');
  });

  it('an exhausted primary limit that resets soon is waited for', async () => {
    const sleeps: number[] = [];
    gh.failNext(primary(30));
    expect(await make(sleeps).listPullRequests({ state: 'open' })).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(29_000);
    expect(sleeps[0]).toBeLessThanOrEqual(32_000);
  });

  it('an exhausted primary limit that resets in an hour fails now, as a rate limit and not a permission problem', async () => {
    const sleeps: number[] = [];
    gh.failNext(primary(3600));
    const err = await make(sleeps).listPullRequests({ state: 'open' }).catch((e: unknown) => e);
    expect(sleeps).toEqual([]);
    expect(err).toBeInstanceOf(TagstreamError);
    expect((err as TagstreamError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/^list pull requests: GitHub answered 403: API rate limit exceeded for installation ID 1\.: API rate limit exhausted \(not a permission problem\); it resets at \d\d:\d\d:\d\d UTC \(in 3[56]\d\d s\)$/);
    expect((err as Error).message).not.toContain(TOKEN);
  });
});
