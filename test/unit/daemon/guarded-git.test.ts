// The working copy as a daemon run's reconcile sees it: reads pass through (the optional ones the
// holds memo needs included, #16), writes are refused once the run is abandoned.
import { describe, expect, it } from 'vitest';
import { guardedGit } from '../../../src/daemon/guarded-git.js';
import type { GitRepository } from '../../../src/ports/git.js';
import type { IndexCache } from '../../../src/ports/index-cache.js';

const cache: IndexCache = { get: () => undefined, set: () => undefined, setLazily: () => undefined, save: async () => undefined };
const repo = (extra: Partial<GitRepository> = {}): GitRepository =>
  ({
    dir: '/w',
    headOid: async () => 'h1',
    commit: async () => 'c1',
    ...extra,
  }) as unknown as GitRepository;

describe('guardedGit', () => {
  it('passes the index cache and the shallow cut through when the repository has them', async () => {
    const guarded = guardedGit(repo({ indexCache: async () => cache, shallowCommits: async () => ['s1'] }), new AbortController().signal);
    expect(await guarded.indexCache?.()).toBe(cache);
    expect(await guarded.shallowCommits?.()).toEqual(['s1']);
    const plain = guardedGit(repo(), new AbortController().signal);
    expect(plain.indexCache).toBeUndefined();
    expect(plain.shallowCommits).toBeUndefined();
  });

  it('refuses to commit once the run is abandoned', async () => {
    const abort = new AbortController();
    const guarded = guardedGit(repo(), abort.signal);
    expect(await guarded.commit({ files: ['a'], message: 'm', author: { name: 'n', email: 'e@x' } })).toBe('c1');
    abort.abort();
    await expect(guarded.commit({ files: ['a'], message: 'm', author: { name: 'n', email: 'e@x' } })).rejects.toThrow(/run abandoned/);
  });
});
