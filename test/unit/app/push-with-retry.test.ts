// The push-retry loop (app layer, #11.5) over the in-memory git fake: push; when refused as a
// non-fast-forward, fetch, reset to the remote head, let the use case rebuild, push again.
import { describe, expect, it } from 'vitest';
import { pushWithRetry } from '../../../src/app/push-with-retry.js';
import { TagstreamError } from '../../../src/errors.js';
import { FakeRepo } from '../daemon/fake-git.js';

/** A clone with one local commit while someone else pushed `r1`. */
function raced(): FakeRepo {
  const repo = new FakeRepo('/work/repo');
  repo.local = ['c0', 'l1'];
  repo.remote = ['c0', 'r1'];
  return repo;
}

describe('pushWithRetry', () => {
  it('pushes at once when the remote did not move; the rebuild step is not called', async () => {
    const repo = new FakeRepo('/work/repo');
    repo.local = ['c0', 'l1'];
    const result = await pushWithRetry(repo, { attempts: 3, rebuild: async () => expect.fail('no rebuild') });
    expect(result).toEqual({ outcome: 'pushed', head: 'l1', attempts: 1 });
    expect(repo.remote).toEqual(['c0', 'l1']);
    expect(repo.fetched).toBe(0);
  });

  it('on a refused push resets to the fetched head, rebuilds there and pushes the rebuilt commit', async () => {
    const repo = raced();
    const rebuilds: { head: string; attempt: number; local: string[] }[] = [];
    const result = await pushWithRetry(repo, {
      attempts: 3,
      rebuild: async (c) => {
        rebuilds.push({ ...c, local: [...repo.local] });
        await repo.commit();
        return 'committed';
      },
    });
    expect(rebuilds).toEqual([{ head: 'r1', attempt: 1, local: ['c0', 'r1'] }]);
    expect(repo.resets).toEqual(['r1']);
    expect(result).toEqual({ outcome: 'pushed', head: 'local1', attempts: 2 });
    // a fast-forward of the remote: its commit stays, the local one was rebuilt on top
    expect(repo.remote).toEqual(['c0', 'r1', 'local1']);
  });

  it('stops when the rebuild finds nothing left to do, without pushing', async () => {
    const repo = raced();
    const result = await pushWithRetry(repo, { attempts: 3, rebuild: async () => 'nothing-to-commit' });
    expect(result).toEqual({ outcome: 'nothing-to-commit', head: 'r1', attempts: 1 });
    expect(repo.pushes).toBe(0);
    expect(repo.local).toEqual(['c0', 'r1']);
  });

  it('gives up after the allowed attempts with a retryable PushRejected, never forcing', async () => {
    const repo = raced();
    let n = 0;
    const rebuild = async () => {
      await repo.commit();
      repo.remote = [...repo.remote, `other${++n}`]; // someone pushes again every time
      return 'committed' as const;
    };
    const error = await pushWithRetry(repo, { attempts: 3, branch: 'main', rebuild }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TagstreamError);
    expect((error as TagstreamError).code).toBe('PushRejected');
    expect((error as TagstreamError).retryable).toBe(true);
    expect((error as TagstreamError).message).toContain('push main to origin: still rejected after 3 attempt(s)');
    expect(n).toBe(2);
    expect(repo.pushes).toBe(0);
    expect(repo.remote).toEqual(['c0', 'r1', 'other1', 'other2']);
  });

  it('passes other push errors through untouched, without fetching', async () => {
    const repo = raced();
    const denied = new TagstreamError('Git', 'push main to origin: 403 Forbidden');
    repo.push = async () => {
      throw denied;
    };
    await expect(pushWithRetry(repo, { attempts: 3, rebuild: async () => 'committed' })).rejects.toBe(denied);
    expect(repo.fetched).toBe(0);
  });

  it('fails clearly when the remote branch disappears while retrying, and on a detached HEAD', async () => {
    const repo = raced();
    repo.fetch = async () => undefined;
    await expect(pushWithRetry(repo, { attempts: 3, rebuild: async () => 'committed' })).rejects.toThrow('the remote branch disappeared while retrying');
    const detached = raced();
    detached.currentBranch = async () => undefined as unknown as string;
    await expect(pushWithRetry(detached, { attempts: 3, rebuild: async () => 'committed' })).rejects.toThrow('HEAD is detached');
  });
});
