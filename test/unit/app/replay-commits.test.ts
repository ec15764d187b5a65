// Which local commits a push retry replays: the user's own and Tagstream's that carry earlier
// writes (no new plan re-creates a verb's change); Tagstream's plain moves are planned again.
import { describe, expect, it } from 'vitest';
import { hasUnpushedTagstreamCommit, localCommits } from '../../../src/app/replay-commits.js';
import type { GitCommitInfo, GitRepository } from '../../../src/ports/git.js';

const commit = (oid: string, message: string, parent?: string): GitCommitInfo => ({
  oid,
  message,
  parents: parent ? [parent] : [],
  author: { name: 'a', email: 'a@example.test', timestamp: 0 },
  committerTimestamp: 0,
});

/** A history, newest first, on top of `remote`; `others`: histories of other refs (newest first, by their head). */
function history(commits: GitCommitInfo[], others: GitCommitInfo[][] = []): GitRepository {
  const log = async ({ ref }: { ref?: string } = {}) => (ref === undefined || ref === 'HEAD' ? commits : (others.find((h) => h[0]!.oid === ref) ?? []));
  return { headOid: async () => commits[0]!.oid, log } as unknown as GitRepository;
}

describe('localCommits', () => {
  const remote = commit('r0', 'base\n');
  const user = commit('u1', 'Edit the app\n', 'r0');
  const move = commit('t1', 'tagstream: pin default/web:1 to sha256:aaaa\n\nTagstream-Move: default/web:1 - -> sha256:aaaa\n', 'u1');
  const carried = commit('t2', 'tagstream: commit what tagstream wrote earlier (1 file)\n\nTagstream-Earlier-Write: apps/web.yaml\n', 't1');

  it('keeps the user commits and the ones carrying earlier writes, oldest first; drops plain moves', async () => {
    const local = await localCommits(history([carried, move, user, remote]), 'r0');
    expect(local.map((c) => c.oid)).toEqual(['u1', 't2']);
  });

  it('counts a commit carrying earlier writes as Tagstream\'s for the push an interrupted run left', async () => {
    expect(await hasUnpushedTagstreamCommit(history([carried, user, remote]), 'r0')).toBe(true);
    expect(await hasUnpushedTagstreamCommit(history([user, remote]), 'r0')).toBe(false);
  });

  // The remote-tracking head moved (a fetch, e.g. by a push retry killed before its reset): the
  // local commits end where HEAD meets the remote's history, not at the root.
  const root = commit('r-root', 'first\n');
  const base = commit('r0', 'base\n', 'r-root');
  const theirs = commit('r1', 'Concurrent change\n', 'r0');
  const pin = commit('t1', 'tagstream: pin default/web:1 to sha256:aaaa\n\nTagstream-Move: default/web:1 - -> sha256:aaaa\n', 'r0');
  const mine = commit('u1', 'Edit the app\n', 't1');
  it('stops at the commit HEAD shares with a remote head that is not its ancestor', async () => {
    const diverged = history([mine, pin, base, root], [[theirs, base, root]]);
    expect((await localCommits(diverged, 'r1')).map((c) => c.oid)).toEqual(['u1']);
    expect(await hasUnpushedTagstreamCommit(diverged, 'r1')).toBe(true);
    expect(await localCommits(history([pin, base, root], [[theirs, base, root]]), 'r1')).toEqual([]);
    expect(await hasUnpushedTagstreamCommit(history([base, root], [[theirs, base, root]]), 'r1')).toBe(false);
  });

  it('reads no history when HEAD is the remote head', async () => {
    let logs = 0;
    const atRemote = { headOid: async () => 'r0', log: async () => (logs++, [base, root]) } as unknown as GitRepository;
    expect(await localCommits(atRemote, 'r0')).toEqual([]);
    expect(await hasUnpushedTagstreamCommit(atRemote, 'r0')).toBe(false);
    expect(logs).toBe(0);
    // the same answers as the walk gives
    expect(await localCommits(history([base, root]), 'r0')).toEqual([]);
    expect(await hasUnpushedTagstreamCommit(history([base, root]), 'r0')).toBe(false);
  });
});
