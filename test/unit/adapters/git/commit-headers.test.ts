/**
 * commitHeader: a commit's tree and parents, read once per working copy (isomorphic-git inflates
 * the whole commit, message included, on every readCommit). Remembered per copy (its cache
 * object), bounded, forgotten by repair; a commit that cannot be read rejects.
 */
import * as nodeFs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitHeader, forgetCommitHeaders, MAX_COMMIT_HEADERS } from '../../../../src/adapters/git/commit-headers.js';
import type { GitContext } from '../../../../src/adapters/git/git-context.js';
import { systemClock } from '../../../../src/ports/clock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tagstream-commit-headers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fs = nodeFs;
const author = { name: 't', email: 't@example.test', timestamp: 1_700_000_000, timezoneOffset: 0 };
const ctxOf = (): GitContext => ({ fs, dir, cache: {}, clock: systemClock, credentials: undefined, http: {} as GitContext['http'], ssh: {} as GitContext['ssh'] });

async function commits(n: number): Promise<string[]> {
  await git.init({ fs, dir, defaultBranch: 'main' });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const blob = await git.writeBlob({ fs, dir, blob: Buffer.from(`n: ${i}\n`) });
    const tree = await git.writeTree({ fs, dir, tree: [{ mode: '100644', path: 'a.yaml', oid: blob, type: 'blob' }] });
    out.push(await git.commit({ fs, dir, message: `c${i}\n\n${'Tagstream-Move: x\n'.repeat(50)}`, author, tree, parent: out.slice(-1) }));
  }
  return out;
}

const looseObject = (oid: string) => join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));

describe('commitHeader', () => {
  it("answers a commit's tree and parents, as readCommit does", async () => {
    const [first, second] = await commits(2);
    const { commit } = await git.readCommit({ fs, dir, oid: second! });
    expect(await commitHeader(ctxOf(), second!)).toEqual({ tree: commit.tree, parent: [first] });
    expect((await commitHeader(ctxOf(), first!)).parent).toEqual([]);
  });

  it('reads a commit once per working copy; another copy, or the same after repair forgot it, reads again', async () => {
    const [oid] = await commits(1);
    const ctx = ctxOf();
    const header = await commitHeader(ctx, oid!);
    rmSync(looseObject(oid!));
    // remembered: the object is not read again
    expect(await commitHeader(ctx, oid!)).toBe(header);
    // another working copy (its own cache object) reads it, and it is gone
    await expect(commitHeader(ctxOf(), oid!)).rejects.toThrow();
    forgetCommitHeaders(ctx);
    await expect(commitHeader(ctx, oid!)).rejects.toThrow();
  });

  it(`keeps at most ${MAX_COMMIT_HEADERS} commits, forgetting the oldest read`, async () => {
    const oids = await commits(MAX_COMMIT_HEADERS + 1);
    const ctx = ctxOf();
    for (const oid of oids) await commitHeader(ctx, oid);
    rmSync(looseObject(oids[0]!));
    rmSync(looseObject(oids[1]!));
    await expect(commitHeader(ctx, oids[0]!)).rejects.toThrow();
    expect((await commitHeader(ctx, oids[1]!)).parent).toEqual([oids[0]]);
  });
});
