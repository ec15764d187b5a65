/**
 * The Git contract: the same tests run against the in-memory Git (test/unit/contracts/git.test.ts)
 * and the isomorphic-git adapter with a real `git http-backend` remote
 * (test/integration/contracts/git.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isTagstreamError, type TagstreamError } from '../../src/errors.js';
import type { GitRepository } from '../../src/ports/git.js';
import { pushWithRetry } from '../../src/app/push-with-retry.js';

/** A working copy and how to change its files. */
export interface GitCopy {
  readonly repo: GitRepository;
  write(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** A remote whose `main` has one commit holding `files`; each clone() is a new working copy. */
export interface GitRemoteSubject {
  clone(): Promise<GitCopy>;
}

export type GitSubjectFactory = (files: Record<string, string>) => Promise<GitRemoteSubject>;

const author = { name: 'tagstream', email: 'bot@example.test' };

async function rejection(p: Promise<unknown>): Promise<TagstreamError> {
  try {
    await p;
  } catch (e) {
    if (isTagstreamError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

export function gitContract(kind: string, remoteWith: GitSubjectFactory): void {
  describe(`Git contract (${kind})`, () => {
    it('a clone is on main at the remote head, with one commit of history', async () => {
      const copy = await (await remoteWith({ 'a.yaml': 'a: 1\n' })).clone();
      expect(await copy.repo.currentBranch()).toBe('main');
      const head = await copy.repo.headOid();
      expect(await copy.repo.remoteHeadOid()).toBe(head);
      expect((await copy.repo.log()).map((c) => c.oid)).toEqual([head]);
      expect((await copy.repo.readFileAt(head, 'a.yaml'))?.toString()).toBe('a: 1\n');
    });

    it('commits exactly the given files (edits and deletions); log, readFileAt and changedFiles see it', async () => {
      const copy = await (await remoteWith({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n', 'c.yaml': 'c: 1\n' })).clone();
      const base = await copy.repo.headOid();
      await copy.write('a.yaml', 'a: 2\n');
      await copy.remove('b.yaml');
      await copy.write('c.yaml', 'c: 2\n'); // changed but not asked for: stays out of the commit
      const oid = await copy.repo.commit({ files: ['a.yaml', 'b.yaml'], message: 'Move a\n\nTagstream-Move: x\n', author, timestamp: 1_700_000_000 });
      expect(oid).toMatch(/^[0-9a-f]{40}$/);
      expect(await copy.repo.headOid()).toBe(oid);
      const [latest, first] = await copy.repo.log();
      expect({ oid: latest?.oid, message: latest?.message, parents: latest?.parents, author: latest?.author }).toEqual({
        oid,
        message: 'Move a\n\nTagstream-Move: x\n',
        parents: [base],
        author: { ...author, timestamp: 1_700_000_000 },
      });
      expect(first?.oid).toBe(base);
      expect((await copy.repo.log({ depth: 1 })).length).toBe(1);
      expect((await copy.repo.readFileAt(oid!, 'a.yaml'))?.toString()).toBe('a: 2\n');
      expect(await copy.repo.readFileAt(oid!, 'b.yaml')).toBeUndefined();
      expect((await copy.repo.readFileAt(oid!, 'c.yaml'))?.toString()).toBe('c: 1\n');
      expect(await copy.repo.changedFiles(base, oid!)).toEqual(['a.yaml', 'b.yaml']);
      expect(await copy.repo.status(['a.yaml', 'b.yaml', 'c.yaml'])).toEqual({ 'a.yaml': 'unmodified', 'b.yaml': 'absent', 'c.yaml': 'modified' });
    });

    it('a commit that changes nothing returns undefined and keeps HEAD', async () => {
      const copy = await (await remoteWith({ 'a.yaml': 'a: 1\n' })).clone();
      const head = await copy.repo.headOid();
      await copy.write('a.yaml', 'a: 1\n');
      expect(await copy.repo.commit({ files: ['a.yaml'], message: 'nothing', author })).toBeUndefined();
      expect(await copy.repo.headOid()).toBe(head);
    });

    it('reports status: unmodified, modified, deleted, untracked, absent', async () => {
      const copy = await (await remoteWith({ 'same.yaml': 's\n', 'edit.yaml': 'e\n', 'gone.yaml': 'g\n' })).clone();
      await copy.write('edit.yaml', 'e2\n');
      await copy.remove('gone.yaml');
      await copy.write('new.yaml', 'n\n');
      expect(await copy.repo.status(['same.yaml', 'edit.yaml', 'gone.yaml', 'new.yaml', 'none.yaml'])).toEqual({
        'same.yaml': 'unmodified',
        'edit.yaml': 'modified',
        'gone.yaml': 'deleted',
        'new.yaml': 'untracked',
        'none.yaml': 'absent',
      });
    });

    it('reports the status of many files in many folders (more than statusMatrix is handed as paths)', async () => {
      const files: Record<string, string> = { 'top.yaml': 't\n', 'other/keep.yaml': 'k\n' };
      for (let i = 0; i < 90; i++) files[`apps/team-${i}/app.yaml`] = `a: ${i}\n`;
      const copy = await (await remoteWith(files)).clone();
      await copy.write('apps/team-3/app.yaml', 'a: changed\n');
      await copy.remove('apps/team-4/app.yaml');
      await copy.write('apps/team-5/new.yaml', 'n\n');
      await copy.write('apps/team-6/app.yaml.bak', 'b\n'); // shares a prefix with an asked path
      await copy.write('other/keep.yaml', 'k2\n'); // changed, not asked for
      const asked = [...Array.from({ length: 90 }, (_, i) => `apps/team-${i}/app.yaml`), 'apps/team-5/new.yaml', 'apps/team-99/none.yaml', 'top.yaml'];
      const expected: Record<string, string> = {};
      for (const p of asked) expected[p] = 'unmodified';
      Object.assign(expected, { 'apps/team-3/app.yaml': 'modified', 'apps/team-4/app.yaml': 'deleted', 'apps/team-5/new.yaml': 'untracked', 'apps/team-99/none.yaml': 'absent' });
      expect(await copy.repo.status(asked)).toEqual(expected);
    });

    it('pushes a commit that another clone then fetches', async () => {
      const remote = await remoteWith({ 'a.yaml': 'a: 1\n' });
      const [one, two] = [await remote.clone(), await remote.clone()];
      await one.write('a.yaml', 'a: 2\n');
      const oid = await one.repo.commit({ files: ['a.yaml'], message: 'two', author });
      await one.repo.push();
      expect(await one.repo.remoteHeadOid()).toBe(oid);
      expect(await two.repo.fetch()).toBe(oid);
      expect(await two.repo.remoteHeadOid()).toBe(oid);
      expect((await two.repo.readFileAt(oid!, 'a.yaml'))?.toString()).toBe('a: 2\n');
    });

    it('refuses a non-fast-forward push (PushRejected, retryable); the app loop (pushWithRetry) resets, rebuilds on the new head and lands', async () => {
      const remote = await remoteWith({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
      const [one, two] = [await remote.clone(), await remote.clone()];
      await one.write('a.yaml', 'a: 2\n');
      const theirs = await one.repo.commit({ files: ['a.yaml'], message: 'theirs', author });
      await one.repo.push();

      await two.write('b.yaml', 'b: 2\n');
      await two.repo.commit({ files: ['b.yaml'], message: 'ours', author });
      const e = await rejection(two.repo.push());
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: 'PushRejected', retryable: true });

      const heads: string[] = [];
      const result = await pushWithRetry(two.repo, {
        attempts: 3,
        rebuild: async ({ head }) => {
          heads.push(head);
          await two.write('b.yaml', 'b: 3\n');
          return (await two.repo.commit({ files: ['b.yaml'], message: 'ours, again', author })) ? 'committed' : 'nothing-to-commit';
        },
      });
      expect(heads).toEqual([theirs]);
      expect(result.outcome).toBe('pushed');
      expect(result.attempts).toBe(2);
      const [top, below] = await two.repo.log({ depth: 2 });
      expect(top?.oid).toBe(result.head);
      expect(below?.oid).toBe(theirs);
      expect((await two.repo.readFileAt(result.head, 'a.yaml'))?.toString()).toBe('a: 2\n');
      expect((await one.repo.fetch())).toBe(result.head);
    });

    it('pushWithRetry stops when the rebuild finds nothing to commit', async () => {
      const remote = await remoteWith({ 'a.yaml': 'a: 1\n' });
      const [one, two] = [await remote.clone(), await remote.clone()];
      await one.write('a.yaml', 'a: 2\n');
      const theirs = await one.repo.commit({ files: ['a.yaml'], message: 'theirs', author });
      await one.repo.push();
      await two.write('a.yaml', 'a: 2\n');
      await two.repo.commit({ files: ['a.yaml'], message: 'same change', author });
      const result = await pushWithRetry(two.repo, { attempts: 3, rebuild: async () => 'nothing-to-commit' });
      expect(result).toEqual({ outcome: 'nothing-to-commit', head: theirs, attempts: 1 });
      expect(await two.repo.headOid()).toBe(theirs);
    });

    it('resetBranch moves the branch and the tracked files to a commit, dropping a local commit', async () => {
      const remote = await remoteWith({ 'a.yaml': 'a: 1\n' });
      const copy = await remote.clone();
      const base = await copy.repo.headOid();
      await copy.write('a.yaml', 'a: 2\n');
      await copy.repo.commit({ files: ['a.yaml'], message: 'local', author });
      await copy.repo.resetBranch(base);
      expect(await copy.repo.headOid()).toBe(base);
      expect(await copy.repo.status(['a.yaml'])).toEqual({ 'a.yaml': 'unmodified' });
    });

    it('keeps records by name: the run journal and the uncommitted writes do not mix', async () => {
      const copy = await (await remoteWith({ 'a.yaml': 'a\n' })).clone();
      await copy.repo.writeJournal('{"run":1}');
      await copy.repo.writeJournal('{"files":[]}', 'uncommitted');
      expect(await copy.repo.readJournal()).toBe('{"run":1}');
      expect(await copy.repo.readJournal('uncommitted')).toBe('{"files":[]}');
      await copy.repo.writeJournal(undefined);
      expect(await copy.repo.readJournal('uncommitted')).toBe('{"files":[]}');
    });

    it('keeps a journal outside the tree: absent, written, replaced, removed', async () => {
      const copy = await (await remoteWith({ 'a.yaml': 'a\n' })).clone();
      expect(await copy.repo.readJournal()).toBeUndefined();
      await copy.repo.writeJournal('{"run":1}');
      await copy.repo.writeJournal('{"run":2}');
      expect(await copy.repo.readJournal()).toBe('{"run":2}');
      await copy.repo.writeJournal(undefined);
      expect(await copy.repo.readJournal()).toBeUndefined();
      expect(await copy.repo.status(['a.yaml'])).toEqual({ 'a.yaml': 'unmodified' });
    });
  });
}
