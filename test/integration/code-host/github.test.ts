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

const client = () => createGitHubClient({ apiUrl: api.apiUrl, repository: 'octo/gitops', token: TOKEN, sleep: async () => {} });

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
      res.end(status === 200 ? '[]' : JSON.stringify({ message: `status ${status}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const table: { name: string; op: 'list' | 'create'; script: number[]; hits: number; ok: boolean }[] = [
    { name: 'a read retries 502 then succeeds', op: 'list', script: [502, 200], hits: 2, ok: true },
    { name: 'a read gives up after 3 attempts', op: 'list', script: [503, 503, 503], hits: 3, ok: false },
    { name: 'a write is not repeated after a 502 (it may have been processed)', op: 'create', script: [502], hits: 1, ok: false },
    { name: 'a write is repeated after 429 (not processed)', op: 'create', script: [429, 200], hits: 2, ok: true },
  ];
  it.each(table)('$name', async (row) => {
    hits = [];
    script = [...row.script];
    const sleeps: number[] = [];
    const gh = createGitHubClient({ apiUrl: url, repository: 'o/r', sleep: async (ms) => void sleeps.push(ms) });
    const run = row.op === 'list' ? gh.listPullRequests({ state: 'open' }) : gh.createPullRequest({ title: 't', body: 'b', head: 'h', base: 'main' });
    const result = await run.then(
      () => 'ok',
      (e: unknown) => e,
    );
    expect(hits).toHaveLength(row.hits);
    if (row.ok) expect(result === 'ok' || typeof result === 'object').toBe(true);
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
