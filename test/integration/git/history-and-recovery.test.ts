// History reading (log, readFileAt, changedFiles) including a revert made with the real git CLI,
// and crash recovery of a working copy (stale locks, half-applied edits, stray staged files).
import * as nodeFs from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { cloneWorkingCopy, gitCli, startGitServer } from '../../harness/git-server.js';
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

  // #16: a daemon fetches before every run; when the remote has nothing new, the ref advertisement
  // answers (one request) and no pack is negotiated. A moved remote is still fetched.
  it('asks once and negotiates no pack when the remote has nothing new; fetches what is new', async () => {
    const url = await server.createBareRepo(`fetch-${++n}.git`, { initialFiles: { 'README.md': 'hi\n' } });
    const repo = await createGitAdapter().clone({ url, dir: dirFor('fetch') });
    const head = await repo.headOid();
    const before = server.requests.length;
    expect(await repo.fetch()).toBe(head);
    const asked = server.requests.slice(before);
    expect(asked).toEqual([expect.stringMatching(/^GET \/fetch-\d+\.git\/info\/refs\?service=git-upload-pack$/)]);

    // someone pushes: the next fetch brings the commit and moves the tracking ref
    const other = await cloneWorkingCopy(url, dirFor('other'));
    await writeFile(join(other, 'README.md'), 'changed\n');
    await gitCli(other, ['commit', '-q', '-am', 'change']);
    await gitCli(other, ['push', '-q', 'origin', 'main']);
    const pushed = await gitCli(other, ['rev-parse', 'HEAD']);
    const during = server.requests.length;
    expect(await repo.fetch()).toBe(pushed);
    expect(server.requests.slice(during).some((r) => r.startsWith('POST ') && r.endsWith('/git-upload-pack'))).toBe(true);
    expect(await repo.remoteHeadOid()).toBe(pushed);
    expect((await repo.readFileAt(pushed, 'README.md'))?.toString()).toBe('changed\n');
    // and with the new commit held, asking again is one request again
    const again = server.requests.length;
    expect(await repo.fetch()).toBe(pushed);
    expect(server.requests.slice(again)).toHaveLength(1);
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

  it('puts back a big half-written change with one index write, whatever state each file was left in', async () => {
    const initialFiles: Record<string, string> = {};
    for (let i = 0; i < 120; i++) initialFiles[`apps/team-${i}/app.yaml`] = `a: ${i}\n`;
    const url = await server.createBareRepo(`rec-${++n}.git`, { initialFiles });
    // counts the index being replaced (the atomic fs writes it to a temporary and renames it over)
    let indexWrites = 0;
    const counting = {
      ...nodeFs,
      promises: {
        ...nodeFs.promises,
        rename: (from: nodeFs.PathLike, to: nodeFs.PathLike) => {
          if (String(to).endsWith(`${join('.git', 'index')}`)) indexWrites++;
          return nodeFs.promises.rename(from, to);
        },
      },
    } as typeof nodeFs;
    const repo = await createGitAdapter({ clock: fixedClock('2030-01-01T00:00:00Z'), fs: counting }).clone({ url, dir: dirFor('rec-big') });
    const path = (i: number) => `apps/team-${i}/app.yaml`;
    for (let i = 0; i < 100; i++) await writeFile(join(repo.dir, path(i)), `a: half-written ${i}`);
    // staged, then edited again; staged, then put back as in HEAD; deleted; a new file staged
    await writeFile(join(repo.dir, path(100)), 'a: staged\n');
    await gitCli(repo.dir, ['add', path(100)]);
    await writeFile(join(repo.dir, path(100)), 'a: edited after staging\n');
    await writeFile(join(repo.dir, path(101)), 'a: staged\n');
    await gitCli(repo.dir, ['add', path(101)]);
    await writeFile(join(repo.dir, path(101)), 'a: 101\n');
    await unlink(join(repo.dir, path(102)));
    await writeFile(join(repo.dir, 'apps/new.yaml'), 'n: 1\n');
    await gitCli(repo.dir, ['add', 'apps/new.yaml']);

    indexWrites = 0;
    const result = await repo.recover();
    const expected = [...Array.from({ length: 103 }, (_, i) => path(i)), 'apps/new.yaml'].sort();
    expect([...result.restoredPaths].sort()).toEqual(expected);
    // one rewrite for the new file's entry, one for the checkout: not one per file
    expect(indexWrites).toBeLessThanOrEqual(3);
    for (let i = 0; i < 120; i++) if (i !== 102) expect(await readFile(join(repo.dir, path(i)), 'utf8')).toBe(`a: ${i}\n`);
    expect(await readFile(join(repo.dir, path(102)), 'utf8')).toBe('a: 102\n');
    // the real git CLI agrees: nothing staged, nothing tracked dirty, the new file untracked again
    expect(await gitCli(repo.dir, ['status', '--porcelain'])).toBe('?? apps/new.yaml');
    expect(await gitCli(repo.dir, ['diff', '--cached', '--name-only'])).toBe('');
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

  /**
   * A working copy one commit ahead of a remote that moved (the state a rejected push leaves), and
   * an adapter over an fs that fails (as a kill would stop it) where `failAt` says.
   */
  async function divergedCopy(label: string, failAt: (op: 'writeFile' | 'rename', path: string) => boolean) {
    const url = await server.createBareRepo(`reset-${++n}.git`, { initialFiles: { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' } });
    let armed = false;
    const fail = (op: 'writeFile' | 'rename', path: unknown) => {
      if (armed && failAt(op, String(path))) throw Object.assign(new Error(`killed at ${op} ${String(path)}`), { code: 'EKILLED' });
    };
    const promises = {
      ...nodeFs.promises,
      writeFile: (async (file: string, data: string | Uint8Array, options?: unknown) => {
        fail('writeFile', file);
        return nodeFs.promises.writeFile(file, data, options as nodeFs.WriteFileOptions);
      }) as typeof nodeFs.promises.writeFile,
      rename: (async (from: string, to: string) => {
        fail('rename', to);
        return nodeFs.promises.rename(from, to);
      }) as typeof nodeFs.promises.rename,
    };
    const repo = await createGitAdapter({ fs: { ...nodeFs, promises } }).clone({ url, dir: dirFor(label) });
    await writeFile(join(repo.dir, 'a.yaml'), 'a: mine\n');
    const mine = (await repo.commit({ files: ['a.yaml'], message: 'mine\n', author: bot }))!;
    const other = await cloneWorkingCopy(url, dirFor(`${label}-other`));
    await writeFile(join(other, 'b.yaml'), 'b: theirs\n');
    await writeFile(join(other, 'NOTES.md'), 'theirs\n');
    await gitCli(other, ['add', '-A']);
    await gitCli(other, ['-c', 'user.name=x', '-c', 'user.email=x@example.test', 'commit', '-q', '-m', 'theirs']);
    await gitCli(other, ['push', '-q', 'origin', 'main']);
    const theirs = (await repo.fetch())!;
    armed = true;
    await expect(repo.resetBranch(theirs)).rejects.toThrow(/^reset main to /);
    return { dir: repo.dir, mine, theirs, reopened: await createGitAdapter().open(repo.dir) };
  }

  it('completes a resetBranch interrupted after the branch moved (mid-checkout): repair and recover', async () => {
    for (const how of ['repair', 'recover'] as const) {
      const { dir, theirs, reopened } = await divergedCopy(`reset-${how}`, (op, path) => op === 'writeFile' && !/[\\/]\.git[\\/]/.test(path));
      // the half-done reset: the branch moved, the working tree and the index did not
      expect(await gitCli(dir, ['rev-parse', 'HEAD'])).toBe(theirs);
      expect(await gitCli(dir, ['status', '--porcelain'])).not.toBe('');
      const finished = how === 'repair' ? (await reopened.repair()).finishedReset : (await reopened.recover()).finishedReset;
      expect(finished, how).toEqual({ branch: 'main', to: theirs });
      expect(await gitCli(dir, ['status', '--porcelain', '--untracked-files=all']), how).toBe('');
      expect(await readFile(join(dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
      expect(await readFile(join(dir, 'NOTES.md'), 'utf8')).toBe('theirs\n');
      expect(await exists(join(dir, '.git', 'tagstream-reset.json'))).toBe(false);
      // done once: a later repair finds nothing to finish
      expect((await reopened.repair()).finishedReset).toBeUndefined();
    }
  });

  it('forgets a resetBranch interrupted before the branch moved: the copy stays as it was', async () => {
    const { dir, mine, reopened } = await divergedCopy('reset-before', (op, path) => op === 'rename' && /[\\/]refs[\\/]heads[\\/]main$/.test(path));
    expect(await exists(join(dir, '.git', 'tagstream-reset.json'))).toBe(true);
    expect((await reopened.repair()).finishedReset).toBeUndefined();
    expect(await gitCli(dir, ['rev-parse', 'HEAD'])).toBe(mine);
    expect(await readFile(join(dir, 'a.yaml'), 'utf8')).toBe('a: mine\n');
    expect(await gitCli(dir, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(await exists(join(dir, '.git', 'tagstream-reset.json'))).toBe(false);
  });
});
