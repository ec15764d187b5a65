/**
 * The index cache file in .git/tagstream/: round trip, prune of entries a run did not use, no write
 * when nothing changed, and a missing, corrupt or foreign file read as an empty cache (then rewritten).
 */
import { promises as fs, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INDEX_CACHE_FILE, openIndexCacheFile } from '../../../../src/adapters/git/index-cache-file.js';

let gitdir: string;
beforeEach(() => {
  gitdir = mkdtempSync(join(tmpdir(), 'tagstream-index-cache-'));
});
afterEach(() => rmSync(gitdir, { recursive: true, force: true }));

const file = () => join(gitdir, INDEX_CACHE_FILE);

describe('index cache file', () => {
  it('stores, reads back and prunes what a run did not ask for', async () => {
    const a = await openIndexCacheFile(fs, gitdir);
    expect(a.get('k1')).toBeUndefined();
    a.set('k1', { v: 1 });
    a.set('k2', { v: 2 });
    await a.save();
    const b = await openIndexCacheFile(fs, gitdir);
    expect(b.get('k1')).toEqual({ v: 1 });
    await b.save(); // k2 not asked for: dropped
    const c = await openIndexCacheFile(fs, gitdir);
    expect(c.get('k2')).toBeUndefined();
    expect(c.get('k1')).toEqual({ v: 1 });
  });

  /** A cache file saved holding k = 1, its inode (writes go through temp + rename: a rewrite gives a new one) and the cache opened again. */
  async function savedAndReopened() {
    const a = await openIndexCacheFile(fs, gitdir);
    a.set('k', 1);
    await a.save();
    const inode = statSync(file()).ino;
    const b = await openIndexCacheFile(fs, gitdir);
    expect(b.get('k')).toBe(1);
    return { inode, b };
  }

  it('a lazily set entry alone does not rewrite the file; it is written with the next real change', async () => {
    const { inode, b } = await savedAndReopened();
    b.setLazily('lazy', 2);
    await b.save();
    expect(statSync(file()).ino).toBe(inode);
    const c = await openIndexCacheFile(fs, gitdir);
    expect(c.get('lazy')).toBeUndefined();
    expect(c.get('k')).toBe(1);
    c.setLazily('lazy', 2);
    c.set('k2', 3);
    await c.save();
    const d = await openIndexCacheFile(fs, gitdir);
    expect([d.get('k'), d.get('lazy'), d.get('k2')]).toEqual([1, 2, 3]);
  });

  it('does not rewrite the file when the run used every entry and added none', async () => {
    const { inode, b } = await savedAndReopened();
    await b.save();
    expect(statSync(file()).ino).toBe(inode);
    b.set('k2', 2);
    await b.save();
    expect(statSync(file()).ino).not.toBe(inode);
  });

  it.each([['not json {'], ['[]'], ['null'], [JSON.stringify({ format: 'something-else/9', entries: { k: 1 } })], [JSON.stringify({ format: 'tagstream-index-cache/1', entries: [1, 2] })]])('reads %s as an empty cache and rewrites it', async (text) => {
    mkdirSync(join(gitdir, 'tagstream'), { recursive: true });
    writeFileSync(file(), text);
    const a = await openIndexCacheFile(fs, gitdir);
    expect(a.get('k')).toBeUndefined();
    a.set('k', { ok: true });
    await a.save();
    const b = await openIndexCacheFile(fs, gitdir);
    expect(b.get('k')).toEqual({ ok: true });
  });

  it('never throws when the cache cannot be written', async () => {
    writeFileSync(join(gitdir, 'tagstream'), 'a file where the directory should be');
    const a = await openIndexCacheFile(fs, gitdir);
    a.set('k', 1);
    await expect(a.save()).resolves.toBeUndefined();
  });
});
