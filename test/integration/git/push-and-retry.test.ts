// The git adapter against a real `git http-backend` over HTTP on 127.0.0.1: clone, commit, push,
// non-fast-forward (stale clone and server-side race) as typed PushRejected, pushWithRetry, pushBranch.
import { mkdtemp, readFile, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { TagstreamError } from '../../../src/errors.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { GitRepository } from '../../../src/ports/git.js';
import { cloneWorkingCopy, gitCli, startGitServer } from '../../harness/git-server.js';
import type { GitServer } from '../../harness/git-server.js';
import { pushWithRetry } from '../../../src/app/push-with-retry.js';

const bot = { name: 'tagstream', email: 'bot@example.test' };
let server: GitServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-git-it-'));
});
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A fresh bare repo with one commit; returns its URL and the server-side path. */
async function freshRemote(files: Record<string, string> = { 'values.yaml': 'image: repo/app:v1\n' }): Promise<{ url: string; bare: string }> {
  const name = `app-${++n}.git`;
  const url = await server.createBareRepo(name, { initialFiles: files });
  return { url, bare: join(server.root, name) };
}

const serverHead = (bare: string, ref = 'main'): Promise<string> => gitCli(bare, ['rev-parse', ref]);
const dirFor = (label: string): string => join(tmp, `${label}-${++n}`);

async function caught(p: Promise<unknown>): Promise<TagstreamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TagstreamError);
    return e as TagstreamError;
  }
  throw new Error('expected a rejection');
}

describe('git adapter over smart HTTP', () => {
  const adapter = createGitAdapter({ clock: fixedClock('2024-01-02T03:04:05Z') });

  it('clones, commits the given files (edits and deletions) and pushes to the server', async () => {
    const { url, bare } = await freshRemote({ 'values.yaml': 'image: repo/app:v1\n', 'old.yaml': 'x: 1\n' });
    const repo = await adapter.clone({ url, dir: dirFor('clone') });
    expect(await repo.currentBranch()).toBe('main');
    const base = await repo.headOid();
    expect(await repo.remoteHeadOid()).toBe(base);

    await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app@sha256:aaaa\n');
    await unlink(join(repo.dir, 'old.yaml'));
    await writeFile(join(repo.dir, 'untouched.txt'), 'not part of the commit\n');
    expect(await repo.status(['values.yaml', 'old.yaml', 'untouched.txt', 'nowhere.yaml'])).toEqual({
      'values.yaml': 'modified',
      'old.yaml': 'deleted',
      'untouched.txt': 'untracked',
      'nowhere.yaml': 'absent',
    });

    const oid = await repo.commit({ files: ['values.yaml', 'old.yaml'], message: 'pin digest\n', author: bot });
    expect(oid).toMatch(/^[0-9a-f]{40}$/);
    await repo.push();
    expect(await serverHead(bare)).toBe(oid);
    expect(await gitCli(bare, ['show', 'main:values.yaml'])).toBe('image: repo/app@sha256:aaaa');
    expect(await gitCli(bare, ['ls-tree', '--name-only', 'main'])).toBe('values.yaml');
    // The clock was used for both dates, the committer defaults to the author.
    expect(await gitCli(bare, ['log', '-1', '--format=%an <%ae> %at|%cn %ct', 'main'])).toBe('tagstream <bot@example.test> 1704164645|tagstream 1704164645');
    expect(await gitCli(bare, ['fsck', '--strict'])).toBe('');
    expect(await repo.status(['untouched.txt'])).toEqual({ 'untouched.txt': 'untracked' });
  });

  it('clones an empty repository onto the asked branch and makes its first push', async () => {
    const name = `empty-${++n}.git`;
    const url = await server.createBareRepo(name);
    const repo = await adapter.clone({ url, dir: dirFor('empty'), branch: 'main' });
    expect(await repo.currentBranch()).toBe('main');
    await writeFile(join(repo.dir, 'kustomization.yaml'), 'resources: []\n');
    const oid = await repo.commit({ files: ['kustomization.yaml'], message: 'first', author: bot });
    await repo.push();
    expect(await serverHead(join(server.root, name))).toBe(oid);
  });

  it('reports nothing to commit when the files equal HEAD', async () => {
    const { url } = await freshRemote();
    const repo = await adapter.clone({ url, dir: dirFor('noop') });
    const head = await repo.headOid();
    expect(await repo.commit({ files: ['values.yaml'], message: 'noop', author: bot })).toBeUndefined();
    await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app:v1\n');
    expect(await repo.commit({ files: ['values.yaml'], message: 'noop', author: bot })).toBeUndefined();
    expect(await repo.headOid()).toBe(head);
  });

  it('gives the same commit oid for the same content, parent and timestamp', async () => {
    const { url } = await freshRemote();
    const oids: string[] = [];
    for (const label of ['det-a', 'det-b']) {
      const repo = await createGitAdapter().clone({ url, dir: dirFor(label) });
      await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app:v2\n');
      oids.push((await repo.commit({ files: ['values.yaml'], message: 'bump\n', author: bot, committer: { name: 'c', email: 'c@x' }, timestamp: 1700000000 }))!);
    }
    expect(oids[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(oids[1]).toBe(oids[0]);
    // and it differs when only the timestamp differs
    const repo = await createGitAdapter().clone({ url, dir: dirFor('det-c') });
    await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app:v2\n');
    const other = await repo.commit({ files: ['values.yaml'], message: 'bump\n', author: bot, committer: { name: 'c', email: 'c@x' }, timestamp: 1700000001 });
    expect(other).not.toBe(oids[0]);
  });

  it('rejects a stale clone with a typed, retryable PushRejected; pushWithRetry rebuilds on the new head without forcing', async () => {
    const { url, bare } = await freshRemote({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const A = await adapter.clone({ url, dir: dirFor('A') });
    const B = await adapter.clone({ url, dir: dirFor('B') });

    await writeFile(join(A.dir, 'a.yaml'), 'a: 2\n');
    const oidA = await A.commit({ files: ['a.yaml'], message: 'A\n', author: bot });
    await A.push();

    await writeFile(join(B.dir, 'b.yaml'), 'b: 2\n');
    await B.commit({ files: ['b.yaml'], message: 'B\n', author: bot });
    const err = await caught(B.push());
    expect(err.code).toBe('PushRejected');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('not a fast-forward');
    expect(await serverHead(bare)).toBe(oidA);

    const seen: string[] = [];
    const result = await pushWithRetry(B, {
      attempts: 3,
      rebuild: async ({ head, attempt }) => {
        seen.push(`${attempt}:${head}`);
        // The working copy is at the remote head: A's change is there, B's edit is gone.
        expect(await readFile(join(B.dir, 'a.yaml'), 'utf8')).toBe('a: 2\n');
        expect(await readFile(join(B.dir, 'b.yaml'), 'utf8')).toBe('b: 1\n');
        await writeFile(join(B.dir, 'b.yaml'), 'b: 2\n');
        await B.commit({ files: ['b.yaml'], message: 'B (rebuilt)\n', author: bot });
        return 'committed';
      },
    });
    expect(seen).toEqual([`1:${oidA}`]);
    expect(result.outcome).toBe('pushed');
    expect(result.attempts).toBe(2);
    expect(await serverHead(bare)).toBe(result.head);
    // Both changes are on the remote, A's commit is an ancestor (no force, no lost update).
    expect(await gitCli(bare, ['show', 'main:a.yaml'])).toBe('a: 2');
    expect(await gitCli(bare, ['show', 'main:b.yaml'])).toBe('b: 2');
    expect(await gitCli(bare, ['rev-parse', 'main^'])).toBe(oidA);
    expect(await gitCli(bare, ['log', '--format=%s', 'main'])).toBe('B (rebuilt)\nA\ninitial');
  });

  it('stops when the rebuild finds nothing left to commit', async () => {
    const { url, bare } = await freshRemote();
    const A = await adapter.clone({ url, dir: dirFor('A') });
    const B = await adapter.clone({ url, dir: dirFor('B') });
    for (const [r, who] of [[A, 'A'], [B, 'B']] as const) {
      await writeFile(join(r.dir, 'values.yaml'), 'image: repo/app@sha256:same\n');
      await r.commit({ files: ['values.yaml'], message: `same change by ${who}\n`, author: bot });
    }
    await A.push();
    const result = await pushWithRetry(B, {
      attempts: 3,
      rebuild: async () => ((await B.commit({ files: ['values.yaml'], message: 'again', author: bot })) ? 'committed' : 'nothing-to-commit'),
    });
    expect(result).toEqual({ outcome: 'nothing-to-commit', head: await serverHead(bare), attempts: 1 });
    expect(await B.headOid()).toBe(await serverHead(bare));
  });

  it('gives up after the bounded number of attempts with PushRejected', async () => {
    const { url } = await freshRemote({ 'f.txt': '0\n' });
    const other = await cloneWorkingCopy(url, dirFor('cli'));
    const B = await adapter.clone({ url, dir: dirFor('B') });
    let k = 0;
    // Another writer wins every race: each rebuild is overtaken before it can push.
    const competitor = async (): Promise<void> => {
      await writeFile(join(other, 'f.txt'), `other ${++k}\n`);
      await gitCli(other, ['commit', '-q', '-am', `other ${k}`]);
      await gitCli(other, ['push', '-q', 'origin', 'main']);
    };
    await competitor();
    await writeFile(join(B.dir, 'g.txt'), 'B\n');
    await B.commit({ files: ['g.txt'], message: 'B', author: bot });
    let rebuilds = 0;
    const err = await caught(
      pushWithRetry(B, {
        attempts: 3,
        rebuild: async () => {
          rebuilds++;
          await writeFile(join(B.dir, 'g.txt'), 'B\n');
          await B.commit({ files: ['g.txt'], message: 'B', author: bot });
          await competitor();
          return 'committed';
        },
      }),
    );
    expect(err.code).toBe('PushRejected');
    expect(err.message).toContain('after 3 attempt(s)');
    expect(rebuilds).toBe(2);
    expect(await gitCli(other, ['ls-remote', 'origin', 'refs/heads/main'])).toContain(await gitCli(other, ['rev-parse', 'HEAD']));
  });

  it('handles a server-side race (another writer between ref discovery and receive-pack) as PushRejected, then retries', async () => {
    const { url, bare } = await freshRemote({ 'f.txt': '0\n' });
    const other = await cloneWorkingCopy(url, dirFor('cli'));
    let races = 1;
    let writes = 0;
    const racyHttp: HttpClient = {
      async request(req) {
        if (races > 0 && req.method === 'POST' && req.url.endsWith('/git-receive-pack')) {
          races--;
          await writeFile(join(other, 'f.txt'), `other ${++writes}\n`);
          await gitCli(other, ['commit', '-q', '-am', `other writer ${writes}`]);
          await gitCli(other, ['push', '-q', 'origin', 'main']);
        }
        return nodeHttp.request(req);
      },
    };
    const B = await createGitAdapter({ http: racyHttp }).clone({ url, dir: dirFor('B') });
    await writeFile(join(B.dir, 'g.txt'), 'B\n');
    await B.commit({ files: ['g.txt'], message: 'B', author: bot });
    const err = await caught(B.push());
    expect(err.code).toBe('PushRejected');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/failed to update ref|non-fast-forward/);
    const otherOid = await gitCli(other, ['rev-parse', 'HEAD']);
    expect(await serverHead(bare)).toBe(otherOid);

    races = 1;
    const result = await pushWithRetry(B, {
      attempts: 3,
      rebuild: async () => {
        await writeFile(join(B.dir, 'g.txt'), 'B\n');
        await B.commit({ files: ['g.txt'], message: 'B again', author: bot });
        return 'committed';
      },
    });
    // attempt 1 meets the existing divergence, attempt 2 meets a fresh race, attempt 3 lands.
    expect(result.outcome).toBe('pushed');
    expect(result.attempts).toBe(3);
    expect(await serverHead(bare)).toBe(result.head);
    expect(await gitCli(bare, ['show', 'main:f.txt'])).toBe('other 2');
    expect(await gitCli(bare, ['show', 'main:g.txt'])).toBe('B');
    expect(await gitCli(bare, ['log', '--format=%s', 'main'])).toBe('B again\nother writer 2\nother writer 1\ninitial');
  });

  it('pushBranch creates and force-updates a tool-owned branch, but never force-updates the default branch', async () => {
    const { url, bare } = await freshRemote();
    const repo: GitRepository = await adapter.clone({ url, dir: dirFor('pr') });
    const base = await repo.headOid();
    await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app:v2\n');
    const first = (await repo.commit({ files: ['values.yaml'], message: 'v2', author: bot }))!;
    await repo.pushBranch('tagstream/update', first);
    expect(await serverHead(bare, 'tagstream/update')).toBe(first);
    expect(await serverHead(bare)).toBe(base);

    // A rewritten PR branch (not a descendant) needs force, which is allowed for it.
    await gitCli(repo.dir, ['reset', '-q', '--hard', base]);
    await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app:v3\n');
    const second = (await repo.commit({ files: ['values.yaml'], message: 'v3', author: bot }))!;
    const noForce = await caught(repo.pushBranch('tagstream/update', second));
    expect(noForce.code).toBe('PushRejected');
    await repo.pushBranch('tagstream/update', second, { force: true });
    expect(await serverHead(bare, 'tagstream/update')).toBe(second);

    // The remote's default branch is protected from force even when it is not checked out here.
    await gitCli(repo.dir, ['checkout', '-q', '-b', 'work']);
    const refused = await caught(repo.pushBranch('main', second, { force: true }));
    expect(refused.code).toBe('Git');
    expect(refused.message).toContain("default branch");
    expect(await serverHead(bare)).toBe(base);
    // Whatever the server names as its default (HEAD symref) is protected too.
    await repo.pushBranch('trunk', first);
    await gitCli(bare, ['symbolic-ref', 'HEAD', 'refs/heads/trunk']);
    expect((await caught(repo.pushBranch('trunk', second, { force: true }))).message).toContain('default branch');
    expect(await serverHead(bare, 'trunk')).toBe(first);
    // and the checked-out branch is never pushed through pushBranch
    expect((await caught(repo.pushBranch('work', second))).message).toContain('checked-out branch');
    expect((await caught(repo.pushBranch('refs/heads/x', second))).message).toContain('branch name');
  });

  it('fetch returns the remote head and open() works on an existing working copy', async () => {
    const { url, bare } = await freshRemote();
    const dir = await cloneWorkingCopy(url, dirFor('cli-clone'));
    const repo = await adapter.open(dir);
    const other = await cloneWorkingCopy(url, dirFor('cli-other'));
    await writeFile(join(other, 'values.yaml'), 'image: repo/app:v9\n');
    await gitCli(other, ['commit', '-q', '-am', 'v9']);
    await gitCli(other, ['push', '-q', 'origin', 'main']);
    expect(await repo.fetch()).toBe(await serverHead(bare));
    expect(await repo.remoteHeadOid()).toBe(await serverHead(bare));
    expect(await repo.headOid()).not.toBe(await serverHead(bare));
    expect((await caught(adapter.open(tmp))).message).toContain('not a git working copy');
  });
});
