// History reading (log, readFileAt, changedFiles) including a revert made with the real git CLI,
// and crash recovery of a working copy (stale locks, half-applied edits, stray staged files).
import { mkdir, mkdtemp, readFile, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { gitCli, startGitServer } from '../../harness/git-server.js';
import type { GitServer } from '../../harness/git-server.js';

const bot = { name: 'tagstream', email: 'bot@example.test' };
let server: GitServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-git-hist-'));
});
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const dirFor = (label: string): string => join(tmp, `${label}-${++n}`);
const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

describe('fetch', () => {
  it('returns the remote head, and undefined for a branch the remote does not have', async () => {
    const url = await server.createBareRepo(`fetch-${++n}.git`, { initialFiles: { 'README.md': 'hi\n' } });
    const repo = await createGitAdapter().clone({ url, dir: dirFor('fetch') });
    expect(await repo.fetch()).toBe(await repo.headOid());
    expect(await repo.fetch({ branch: 'tagstream/main' })).toBeUndefined();
  });
});

describe('history', () => {
  it('log, readFileAt and changedFiles see adapter commits and a `git revert` made by a user', async () => {
    const url = await server.createBareRepo(`hist-${++n}.git`, {
      initialFiles: { 'apps/web/deploy.yaml': 'image: web:v1\n', 'apps/api/deploy.yaml': 'image: api:v1\n', 'README.md': 'hi\n' },
    });
    const repo = await createGitAdapter().clone({ url, dir: dirFor('hist') });
    const initial = await repo.headOid();

    await writeFile(join(repo.dir, 'apps/web/deploy.yaml'), 'image: web@sha256:1111\n');
    await mkdir(join(repo.dir, 'apps/new'), { recursive: true });
    await writeFile(join(repo.dir, 'apps/new/is.yaml'), 'kind: ImageStream\n');
    const pin = (await repo.commit({
      files: ['apps/web/deploy.yaml', 'apps/new/is.yaml'],
      message: 'Pin web\n\nTagstream-Change: web\n',
      author: bot,
      timestamp: 1700000100,
    }))!;
    await repo.push();

    // A user reverts the bot's commit with the git CLI and pushes; the adapter fetches it.
    await gitCli(repo.dir, ['revert', '--no-edit', 'HEAD'], { GIT_COMMITTER_DATE: '2023-11-15T00:00:00Z', GIT_AUTHOR_DATE: '2023-11-15T00:00:00Z' });
    const revert = await gitCli(repo.dir, ['rev-parse', 'HEAD']);

    const log = await repo.log({ depth: 2 });
    expect(log.map((c) => c.oid)).toEqual([revert, pin]);
    expect(log[0]!.message).toMatch(/^Revert "Pin web"\n\nThis reverts commit [0-9a-f]{40}\.\n$/);
    expect(log[0]!.message).toContain(pin);
    expect(log[0]!.parents).toEqual([pin]);
    expect(log[0]!.author).toEqual({ name: 'Test User', email: 'user@example.test', timestamp: 1700006400 });
    expect(log[0]!.committerTimestamp).toBe(1700006400);
    expect(log[1]).toEqual({
      oid: pin,
      message: 'Pin web\n\nTagstream-Change: web\n',
      parents: [initial],
      author: { ...bot, timestamp: 1700000100 },
      committerTimestamp: 1700000100,
    });
    expect((await repo.log()).map((c) => c.oid)).toEqual([revert, pin, initial]);
    expect((await repo.log({ ref: 'main', depth: 1 }))[0]!.oid).toBe(revert);

    expect((await repo.readFileAt(pin, 'apps/web/deploy.yaml'))?.toString()).toBe('image: web@sha256:1111\n');
    expect((await repo.readFileAt(initial, 'apps/web/deploy.yaml'))?.toString()).toBe('image: web:v1\n');
    expect((await repo.readFileAt(revert, 'apps/web/deploy.yaml'))?.toString()).toBe('image: web:v1\n');
    expect(await repo.readFileAt(initial, 'apps/new/is.yaml')).toBeUndefined();
    expect(await repo.readFileAt(initial, 'no/such/file')).toBeUndefined();

    expect(await repo.changedFiles(initial, pin)).toEqual(['apps/new/is.yaml', 'apps/web/deploy.yaml']);
    expect(await repo.changedFiles(pin, revert)).toEqual(['apps/new/is.yaml', 'apps/web/deploy.yaml']);
    expect(await repo.changedFiles(initial, revert)).toEqual([]);
    await expect(repo.readFileAt(pin, '../etc/passwd')).rejects.toThrow(/repo-relative/);
  });
});

describe('commit', () => {
  it('commits every file of a large change (staged in several batches) with a consistent index', async () => {
    // More files than one staging batch (isomorphic-git deflates all files of one add() at once).
    const files = Array.from({ length: 130 }, (_, i) => `apps/team-${i % 7}/app-${i}.yaml`);
    const url = await server.createBareRepo(`many-${++n}.git`, { initialFiles: { 'README.md': 'hi\n', [files[0]!]: 'image: a\n' } });
    const repo = await createGitAdapter().clone({ url, dir: dirFor('many') });
    for (const f of files) {
      await mkdir(join(repo.dir, f, '..'), { recursive: true });
      await writeFile(join(repo.dir, f), `image: ${f}@sha256:1111\n`);
    }
    const oid = await repo.commit({ files, message: 'Pin all\n', author: bot, timestamp: 1700000100 });
    expect(oid).toBe(await gitCli(repo.dir, ['rev-parse', 'HEAD']));
    const tree = (await gitCli(repo.dir, ['ls-tree', '-r', '--name-only', 'HEAD'])).split('\n');
    expect(tree.sort()).toEqual(['README.md', ...files].sort());
    for (const f of [files[0]!, files[64]!, files[129]!]) expect(await gitCli(repo.dir, ['show', `HEAD:${f}`])).toBe(`image: ${f}@sha256:1111`);
    expect(await gitCli(repo.dir, ['status', '--porcelain'])).toBe('');
  });
});

describe('recovery', () => {
  it('removes a stale index.lock and resets tracked files and the index to HEAD, keeping untracked files', async () => {
    const url = await server.createBareRepo(`rec-${++n}.git`, { initialFiles: { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' } });
    const adapter = createGitAdapter({ clock: fixedClock('2030-01-01T00:00:00Z') });
    const repo = await adapter.clone({ url, dir: dirFor('rec') });
    const head = await repo.headOid();

    // The state a run killed mid-way leaves: an edit, a deletion, a staged new file, an untracked file, a lock.
    await writeFile(join(repo.dir, 'a.yaml'), 'a: half-written');
    await unlink(join(repo.dir, 'b.yaml'));
    await writeFile(join(repo.dir, 'staged.yaml'), 's: 1\n');
    await gitCli(repo.dir, ['add', 'staged.yaml']);
    await writeFile(join(repo.dir, 'notes.txt'), 'mine\n');
    await writeFile(join(repo.dir, '.git', 'index.lock'), '');
    await writeFile(join(repo.dir, '.git', 'refs', 'heads', 'main.lock'), '');
    await expect(gitCli(repo.dir, ['commit', '-q', '-am', 'x'])).rejects.toThrow(/index\.lock/);

    const result = await repo.recover();
    expect([...result.removedLocks].sort()).toEqual(['index.lock', 'refs/heads/main.lock']);
    expect([...result.restoredPaths].sort()).toEqual(['a.yaml', 'b.yaml', 'staged.yaml']);
    expect(await exists(join(repo.dir, '.git', 'index.lock'))).toBe(false);
    expect(await readFile(join(repo.dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(await readFile(join(repo.dir, 'b.yaml'), 'utf8')).toBe('b: 1\n');
    expect(await readFile(join(repo.dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(repo.dir, 'staged.yaml'), 'utf8')).toBe('s: 1\n');
    // The real git CLI agrees: nothing tracked is dirty, the former staged file is untracked again.
    expect(await gitCli(repo.dir, ['status', '--porcelain'])).toBe('?? notes.txt\n?? staged.yaml'.trim());
    expect(await repo.headOid()).toBe(head);

    // and the copy is usable again
    await writeFile(join(repo.dir, 'a.yaml'), 'a: 2\n');
    expect(await repo.commit({ files: ['a.yaml'], message: 'after recovery', author: bot })).toMatch(/^[0-9a-f]{40}$/);
    await repo.push();
  });

  it('keeps a lock younger than lockStaleAfterMs and rebuilds a torn index', async () => {
    const url = await server.createBareRepo(`rec-${++n}.git`, { initialFiles: { 'a.yaml': 'a: 1\n' } });
    const now = new Date('2030-01-01T00:00:00Z');
    const repo = await createGitAdapter({ clock: fixedClock(now.toISOString()) }).clone({ url, dir: dirFor('rec2') });
    const lock = join(repo.dir, '.git', 'index.lock');
    await writeFile(lock, '');
    await utimes(lock, now, new Date(now.getTime() - 5_000));
    expect((await repo.recover({ lockStaleAfterMs: 60_000 })).removedLocks).toEqual([]);
    expect(await exists(lock)).toBe(true);
    expect((await repo.recover({ lockStaleAfterMs: 1_000 })).removedLocks).toEqual(['index.lock']);

    await writeFile(join(repo.dir, '.git', 'index'), 'DIRC torn');
    await writeFile(join(repo.dir, 'a.yaml'), 'a: torn\n');
    const result = await repo.recover();
    expect(result.restoredPaths).toEqual(['a.yaml']);
    expect(await readFile(join(repo.dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(await gitCli(repo.dir, ['status', '--porcelain'])).toBe('');
  });
});
