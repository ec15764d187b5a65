// The GitLab and Gitea/Forgejo ChangeRequests clients against loopback APIs whose every request and
// response is validated against the hosts' Swagger descriptions (test/fixtures/code-hosts).
import { afterEach, describe, expect, it } from 'vitest';
import { createGiteaClient } from '../../../src/adapters/code-host/gitea.js';
import { createGitLabClient } from '../../../src/adapters/code-host/gitlab.js';
import { TagstreamError } from '../../../src/errors.js';
import type { ChangeRequests } from '../../../src/ports/change-requests.js';
import { startCodeHostApi, type CodeHostApiServer } from '../../harness/swagger-api.js';

const TOKEN = 'glpat-contractTestToken0123';
const hosts = [
  { kind: 'gitlab' as const, repository: 'platform/apps/gitops', make: (apiUrl: string, token = TOKEN): ChangeRequests => createGitLabClient({ apiUrl, repository: 'platform/apps/gitops', token, sleep: async () => {} }) },
  { kind: 'gitea' as const, repository: 'platform/gitops', make: (apiUrl: string, token = TOKEN): ChangeRequests => createGiteaClient({ apiUrl, repository: 'platform/gitops', token, sleep: async () => {} }) },
];

let api: CodeHostApiServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe.each(hosts)('$kind client', ({ kind, repository, make }) => {
  it('opens, lists, updates, comments on, labels and closes a request', async () => {
    api = await startCodeHostApi({ kind, token: TOKEN, repository });
    const client = make(api.apiUrl);
    const pr = await client.createPullRequest({ title: 'Pin images', body: 'body 1', head: 'tagstream/main', base: 'main' });
    expect(pr).toMatchObject({ number: 1, state: 'open', merged: false, head: 'tagstream/main', base: 'main', body: 'body 1', headRepository: repository });
    expect(pr.url).toMatch(kind === 'gitlab' ? /\/-\/merge_requests\/1$/ : /\/pulls\/1$/);
    expect(await client.listPullRequests({ state: 'open', base: 'main' })).toHaveLength(1);
    expect(await client.listPullRequests({ state: 'open', base: 'other' })).toHaveLength(0);
    const updated = await client.updatePullRequest(1, { title: 'Pin images (2)', body: 'body 2' });
    expect(updated).toMatchObject({ title: 'Pin images (2)', body: 'body 2' });
    await client.addLabels(1, ['images', 'automated']);
    await client.addComment(1, 'closing soon');
    expect(api.requests[0]).toMatchObject({ labels: ['images', 'automated'], comments: ['closing soon'] });
    const closed = await client.updatePullRequest(1, { state: 'closed' });
    expect(closed).toMatchObject({ state: 'closed', merged: false });
    expect(await client.listPullRequests({ state: 'closed', base: 'main', headPrefix: 'tagstream/' })).toHaveLength(1);
    expect(api.violations).toEqual([]);
  });

  it('reads every page of closed requests and keeps only the tool branch prefix', async () => {
    api = await startCodeHostApi({ kind, token: TOKEN, repository, maxPageSize: 2 });
    for (let i = 0; i < 7; i++) api.seed({ title: `t${i}`, body: '', head: i % 2 ? `feature/${i}` : `tagstream/x-${i}`, base: 'main', state: 'closed', merged: false, labels: [] });
    const closed = await make(api.apiUrl).listPullRequests({ state: 'closed', base: 'main', headPrefix: 'tagstream/' });
    expect(closed.map((p) => p.head).sort()).toEqual(['tagstream/x-0', 'tagstream/x-2', 'tagstream/x-4', 'tagstream/x-6']);
    expect(api.calls.filter((c) => c.startsWith('GET')).length).toBe(4);
    expect(api.violations).toEqual([]);
  });

  it('says the token was refused, without the token', async () => {
    api = await startCodeHostApi({ kind, token: TOKEN, repository });
    const err = await make(api.apiUrl, 'wrong-token-value-123').listPullRequests({ state: 'open' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TagstreamError);
    expect((err as Error).message).toMatch(/answered 401.*TAGSTREAM_GIT_TOKEN/);
    expect((err as Error).message).not.toContain('wrong-token-value');
  });

  it('reports a duplicate request as the host says it', async () => {
    api = await startCodeHostApi({ kind, token: TOKEN, repository });
    const client = make(api.apiUrl);
    await client.createPullRequest({ title: 't', body: 'b', head: 'tagstream/main', base: 'main' });
    const err = await client.createPullRequest({ title: 't', body: 'b', head: 'tagstream/main', base: 'main' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/answered 409/);
    expect(api.requests).toHaveLength(1);
  });
});

describe('the stubs catch wrong requests', () => {
  it('an unknown body field, a wrong enum and an unknown query parameter are violations', async () => {
    api = await startCodeHostApi({ kind: 'gitlab', token: TOKEN, repository: 'g/p' });
    const h = { 'private-token': TOKEN, 'content-type': 'application/json' };
    await fetch(`${api.apiUrl}/projects/g%2Fp/merge_requests?state=open`, { headers: h });
    await fetch(`${api.apiUrl}/projects/g%2Fp/merge_requests`, { method: 'POST', headers: h, body: JSON.stringify({ source_branch: 'a', target_branch: 'main', title: 't', body: 'misspelt' }) });
    await fetch(`${api.apiUrl}/projects/g%2Fp/merge_requests?head=x`, { headers: h });
    expect(api.violations.join('\n')).toMatch(/"open" not in enum/);
    expect(api.violations.join('\n')).toMatch(/unknown property "body"/);
    expect(api.violations.join('\n')).toMatch(/unknown query parameter "head"/);
  });
});
