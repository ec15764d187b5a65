// The push that sends only the objects our commits brought, against a real `git http-backend`:
// exactly which objects travel, that the server's receive-pack accepts them (connectivity checked,
// fsck clean), that every case it does not handle is declined before anything is sent and then
// pushed by isomorphic-git, and that a refusal by the server is reported like isomorphic-git's.
import * as nodeFs from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atomicGitFs } from '../../../src/adapters/git/atomic-git-fs.js';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import type { GitContext } from '../../../src/adapters/git/git-context.js';
import { sendNewObjects } from '../../../src/adapters/git/send-new-objects.js';
import { defaultSshSettings } from '../../../src/adapters/git/ssh-transport.js';
import { TagstreamError } from '../../../src/errors.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { GitRepository } from '../../../src/ports/git.js';
import { cloneWorkingCopy, gitCli, startGitServer } from '../../harness/git-server.js';
import type { GitServer } from '../../harness/git-server.js';

const bot = { name: 'tagstream', email: 'bot@example.test' };
const clock = fixedClock('2024-01-02T03:04:05Z');
let server: GitServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-send-objects-'));
});
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const FILES = {
  'apps/a/deploy.yaml': 'image: a:v1\n',
  'apps/b/deploy.yaml': 'image: b:v1\n',
  'base/only.yaml': 'kind: Namespace\n',
  'top.yaml': 'x: 1\n',
};

/** The POST bodies sent to receive-pack, recorded by an HTTP client wrapping isomorphic-git's. */
function recordingHttp(): { http: HttpClient; posts: Buffer[] } {
  const posts: Buffer[] = [];
  const http: HttpClient = {
    async request(req) {
      if (req.method === 'POST' && req.url.endsWith('/git-receive-pack')) {
        const parts: Uint8Array[] = [];
        for await (const chunk of (req.body ?? []) as AsyncIterable<Uint8Array>) parts.push(chunk);
        posts.push(Buffer.concat(parts));
        return nodeHttp.request({ ...req, body: [Buffer.concat(parts)] as never });
      }
      return nodeHttp.request(req);
    },
  };
  return { http, posts };
}

async function setUp(label: string, files: Record<string, string> = FILES, depth?: number) {
  const name = `${label}-${++n}.git`;
  const url = await server.createBareRepo(name, { initialFiles: files });
  const bare = join(server.root, name);
  const { http, posts } = recordingHttp();
  const adapter = createGitAdapter({ clock, http });
  const dir = join(tmp, `${label}-${n}`);
  const repo = await adapter.clone({ url, dir, depth });
  const ctx: GitContext = { fs: atomicGitFs(nodeFs), http, clock, dir, credentials: undefined, ssh: defaultSshSettings(), cache: {} };
  const send = (branch = 'main', force = false) => sendNewObjects(ctx, { url, remote: 'origin', localBranch: branch, remoteBranch: branch, force });
  return { url, bare, repo, dir, posts, send };
}

async function put(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}

async function commitFiles(repo: GitRepository, files: readonly string[], message: string): Promise<string> {
  const oid = await repo.commit({ files, message, author: bot });
  if (!oid) throw new Error('expected a commit');
  return oid;
}

/** The object ids in the pack of a receive-pack request (indexed and listed by the git CLI). */
async function packedObjects(body: Buffer): Promise<string[]> {
  const at = body.indexOf('PACK');
  expect(at).toBeGreaterThan(0);
  const file = join(tmp, `sent-${++n}.pack`);
  await writeFile(file, body.subarray(at));
  await gitCli(tmp, ['index-pack', file]);
  const listing = await gitCli(tmp, ['verify-pack', '-v', file.replace(/\.pack$/, '.idx')]);
  return listing
    .split('\n')
    .filter((l) => /^[0-9a-f]{40} /.test(l))
    .map((l) => l.slice(0, 40))
    .sort();
}

const rev = (dir: string, spec: string): Promise<string> => gitCli(dir, ['rev-parse', spec]);

describe('sendNewObjects over smart HTTP (git http-backend)', () => {
  it('sends each new commit and only the trees and blobs on its changed paths', async () => {
    const { bare, repo, dir, posts, send } = await setUp('chain');
    // Commit 1: an edit deep in apps/, a new folder two levels deep, a folder removed entirely.
    await put(dir, 'apps/a/deploy.yaml', 'image: a@sha256:1111\n');
    await put(dir, 'new/dir/file.yaml', 'image: n:v1\n');
    await unlink(join(dir, 'base/only.yaml'));
    const c1 = await commitFiles(repo, ['apps/a/deploy.yaml', 'new/dir/file.yaml', 'base/only.yaml'], 'one\n');
    // Commit 2 puts apps/a back to the base's blob (which the server has, at another commit).
    await put(dir, 'apps/a/deploy.yaml', 'image: a:v1\n');
    const c2 = await commitFiles(repo, ['apps/a/deploy.yaml'], 'two\n');

    expect(await send()).toBe('sent');
    expect(await gitCli(bare, ['rev-parse', 'main'])).toBe(c2);
    expect(await gitCli(bare, ['fsck', '--strict', '--no-dangling'])).toBe('');
    expect(await repo.remoteHeadOid()).toBe(c2);

    expect(posts).toHaveLength(1);
    const expected = [
      c1,
      `${c1}^{tree}`,
      `${c1}:apps`,
      `${c1}:apps/a`,
      `${c1}:apps/a/deploy.yaml`,
      `${c1}:new`,
      `${c1}:new/dir`,
      `${c1}:new/dir/file.yaml`,
      c2,
      `${c2}^{tree}`,
      `${c2}:apps`,
      `${c2}:apps/a`,
      `${c2}:apps/a/deploy.yaml`,
    ];
    const ids = [...new Set(await Promise.all(expected.map((s) => rev(bare, s))))].sort();
    expect(await packedObjects(posts[0] as Buffer)).toEqual(ids);
    // Untouched trees and blobs did not travel.
    expect(ids).not.toContain(await rev(bare, `${c2}:apps/b`));
    expect(ids).not.toContain(await rev(bare, `${c2}:top.yaml`));
  });

  it('pushes from a shallow clone, whose history ends at the commit the server advertises', async () => {
    const { bare, repo, dir, send } = await setUp('shallow', FILES, 1);
    await put(dir, 'top.yaml', 'x: 2\n');
    const c1 = await commitFiles(repo, ['top.yaml'], 'edit\n');
    expect(await send()).toBe('sent');
    expect(await gitCli(bare, ['rev-parse', 'main'])).toBe(c1);
    expect(await gitCli(bare, ['fsck', '--strict', '--no-dangling'])).toBe('');
  });

  it('creates a new branch on the server, and force-moves it later from a different base', async () => {
    const { bare, repo, dir, posts, send } = await setUp('branch');
    await put(dir, 'top.yaml', 'x: 2\n');
    const c1 = await commitFiles(repo, ['top.yaml'], 'pr\n');
    await gitCli(dir, ['branch', '-f', 'tagstream/pr', c1]);
    expect(await send('tagstream/pr')).toBe('sent');
    expect(await gitCli(bare, ['rev-parse', 'tagstream/pr'])).toBe(c1);

    // The branch is rebuilt on main's parent side: not a fast-forward, so only a forced push sends.
    await gitCli(dir, ['reset', '-q', '--hard', 'origin/main']);
    await put(dir, 'apps/b/deploy.yaml', 'image: b@sha256:2222\n');
    const c2 = await commitFiles(repo, ['apps/b/deploy.yaml'], 'pr again\n');
    await gitCli(dir, ['branch', '-f', 'tagstream/pr', c2]);
    const before = posts.length;
    expect(await send('tagstream/pr')).toBe('declined');
    expect(posts).toHaveLength(before);
    expect(await send('tagstream/pr', true)).toBe('sent');
    expect(await gitCli(bare, ['rev-parse', 'tagstream/pr'])).toBe(c2);
    expect(await gitCli(bare, ['fsck', '--strict', '--no-dangling'])).toBe('');
  });

  it('declines a merge commit without sending anything; the repository then pushes it with isomorphic-git', async () => {
    const { bare, repo, dir, posts, send } = await setUp('merge');
    await gitCli(dir, ['checkout', '-q', '-b', 'side']);
    await put(dir, 'side.yaml', 's: 1\n');
    await gitCli(dir, ['add', 'side.yaml']);
    await gitCli(dir, ['commit', '-q', '-m', 'side']);
    await gitCli(dir, ['checkout', '-q', 'main']);
    await gitCli(dir, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
    const merge = await repo.headOid();
    expect(await send()).toBe('declined');
    expect(posts).toHaveLength(0);
    await repo.push();
    expect(await gitCli(bare, ['rev-parse', 'main'])).toBe(merge);
    expect(await gitCli(bare, ['fsck', '--strict', '--no-dangling'])).toBe('');
  });

  it('declines a push the server has moved past; the repository reports it as a retryable PushRejected', async () => {
    const { url, repo, dir, posts, send } = await setUp('stale');
    const other = await cloneWorkingCopy(url, join(tmp, `other-${++n}`));
    await writeFile(join(other, 'top.yaml'), 'x: other\n');
    await gitCli(other, ['commit', '-q', '-am', 'other']);
    await gitCli(other, ['push', '-q', 'origin', 'main']);
    await put(dir, 'top.yaml', 'x: mine\n');
    await commitFiles(repo, ['top.yaml'], 'mine\n');
    expect(await send()).toBe('declined');
    expect(posts).toHaveLength(0);
    const err = await repo.push().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TagstreamError);
    expect((err as TagstreamError).code).toBe('PushRejected');
    expect((err as TagstreamError).retryable).toBe(true);
  });

  it("reports the server's refusal (a pre-receive hook) the way isomorphic-git does, and leaves the tracking ref", async () => {
    const { bare, repo, dir, posts } = await setUp('hook');
    const hook = join(bare, 'hooks', 'pre-receive');
    await mkdir(dirname(hook), { recursive: true });
    await writeFile(hook, '#!/bin/sh\necho "policy: no bots today" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const base = await repo.headOid();
    await put(dir, 'top.yaml', 'x: 2\n');
    await commitFiles(repo, ['top.yaml'], 'edit\n');
    const err = await repo.push().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(posts).toHaveLength(1); // sent by sendNewObjects, no second attempt
    expect(err).toBeInstanceOf(TagstreamError);
    expect((err as TagstreamError).code).toBe('Git');
    expect((err as Error).message).toMatch(/rejected by the server \(refs\/heads\/main: pre-receive hook declined\)/);
    expect(await gitCli(bare, ['rev-parse', 'main'])).toBe(base);
    expect(await repo.remoteHeadOid()).toBe(base);
  });
});
