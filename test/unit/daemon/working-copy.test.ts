import { describe, expect, it, vi } from 'vitest';
import { syncToRemote } from '../../../src/daemon/working-copy.js';
import { FakeRepo } from './fake-git.js';

function repo(local: string[], remote: string[]): FakeRepo {
  const r = new FakeRepo('/w');
  r.local = local;
  r.remote = remote;
  return r;
}

describe('syncToRemote', () => {
  it.each<[string, string[], string[], boolean, string, string[]]>([
    ['up to date', ['a', 'b'], ['a', 'b'], false, 'up-to-date', ['a', 'b']],
    ['behind: fast-forward (user repo)', ['a'], ['a', 'b', 'c'], false, 'fast-forwarded', ['a', 'b', 'c']],
    ['behind: fast-forward (data dir)', ['a'], ['a', 'b'], true, 'fast-forwarded', ['a', 'b']],
    ['diverged in the data dir: reset to the remote', ['a', 'x'], ['a', 'b'], true, 'reset', ['a', 'b']],
    ['diverged in a user repo: left for the reconcile to replay', ['a', 'x'], ['a', 'b'], false, 'diverged', ['a', 'x']],
    ['ahead in a user repo: left for the reconcile to push', ['a', 'b', 'x'], ['a', 'b'], false, 'ahead', ['a', 'b', 'x']],
  ])('%s', async (_name, local, remote, owned, outcome, after) => {
    const r = repo(local, remote);
    const reclone = vi.fn();
    const result = await syncToRemote(r, { remote: 'origin', branch: 'main', reclone: owned ? reclone : undefined });
    expect(result.outcome).toBe(outcome);
    expect(result.head).toBe(remote[remote.length - 1]);
    expect(r.local).toEqual(after);
    expect(r.remote).toEqual(remote); // never pushes anything
    expect(reclone).not.toHaveBeenCalled();
  });

  it('ahead in the data dir: clones again instead of pushing a commit of an unfinished run', async () => {
    const r = repo(['a', 'b', 'stale'], ['a', 'b']);
    const fresh = repo(['a', 'b'], ['a', 'b']);
    const result = await syncToRemote(r, { remote: 'origin', branch: 'main', reclone: async () => fresh });
    expect(result).toEqual({ repo: fresh, head: 'b', outcome: 'recloned' });
    expect(r.remote).toEqual(['a', 'b']);
  });

  it('a remote without the branch is an error', async () => {
    const r = repo(['a'], []);
    await expect(syncToRemote(r, { remote: 'origin', branch: 'main' })).rejects.toThrow(/the remote has no such branch/);
  });
});
