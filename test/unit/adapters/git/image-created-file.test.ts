/**
 * The image build-time cache file in .git/tagstream/: hit and miss, round trip, least recently used
 * entries evicted past the bound, no write when nothing was added, bad entries and a missing,
 * corrupt or foreign file read as empty (then rewritten), and a write failure that is only slower.
 */
import { promises as fs, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GIT_TEMP_DIR } from '../../../../src/adapters/git/atomic-git-fs.js';
import { IMAGE_CREATED_FILE, IMAGE_CREATED_MAX_ENTRIES, openImageCreatedFile } from '../../../../src/adapters/git/image-created-file.js';

let gitdir: string;
beforeEach(() => {
  gitdir = mkdtempSync(join(tmpdir(), 'tagstream-image-created-'));
});
afterEach(() => rmSync(gitdir, { recursive: true, force: true }));

const file = () => join(gitdir, IMAGE_CREATED_FILE);
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const key = (c: string) => `registry.example.com/team/app@${digest(c)}`;
const T1 = '2026-12-01T10:00:00Z';
const T2 = '2026-12-02T10:00:00Z';

describe('image created cache file', () => {
  it('misses, then hits in the same instance and in the next run', async () => {
    const a = await openImageCreatedFile(fs, gitdir);
    expect(a.get(key('a'))).toBeUndefined();
    a.set(key('a'), T1);
    expect(a.get(key('a'))).toBe(T1);
    expect(a.get(key('b'))).toBeUndefined();
    await a.save();
    const b = await openImageCreatedFile(fs, gitdir);
    expect(b.get(key('a'))).toBe(T1);
    // the repository is part of the key: another repository's answer is not taken
    expect(b.get(`registry.example.com/other/app@${digest('a')}`)).toBeUndefined();
    // entries a run does not ask for stay (a digest's time never goes stale)
    await b.save();
    expect((await openImageCreatedFile(fs, gitdir)).get(key('a'))).toBe(T1);
  });

  it('keeps at most maxEntries, evicting the least recently used first (also when reading a bigger file)', async () => {
    const a = await openImageCreatedFile(fs, gitdir, { maxEntries: 3 });
    a.set(key('a'), T1);
    a.set(key('b'), T1);
    a.set(key('c'), T1);
    expect(a.get(key('a'))).toBe(T1); // a is now the most recently used
    a.set(key('d'), T2); // evicts b
    expect(a.get(key('b'))).toBeUndefined();
    expect([a.get(key('a')), a.get(key('c')), a.get(key('d'))]).toEqual([T1, T1, T2]);
    await a.save();
    expect(Object.keys(JSON.parse(readFileSync(file(), 'utf8')).entries)).toHaveLength(3);

    const small = await openImageCreatedFile(fs, gitdir, { maxEntries: 2 });
    // the file's order is use order: a, c, d; the first one read goes
    expect([small.get(key('a')), small.get(key('c')), small.get(key('d'))]).toEqual([undefined, T1, T2]);
    expect(IMAGE_CREATED_MAX_ENTRIES).toBe(10_000);
  });

  it('writes only when an entry was added, atomically (a rewrite gives the file a new inode)', async () => {
    const a = await openImageCreatedFile(fs, gitdir);
    await a.save();
    expect(existsSync(file())).toBe(false);
    a.set(key('a'), T1);
    await a.save();
    const inode = statSync(file()).ino;
    const b = await openImageCreatedFile(fs, gitdir);
    expect(b.get(key('a'))).toBe(T1);
    b.set(key('a'), T1); // the same value is no change
    await b.save();
    expect(statSync(file()).ino).toBe(inode);
    b.set(key('b'), T2);
    await b.save();
    expect(statSync(file()).ino).not.toBe(inode);
    // no temporary left behind
    expect(readdirSync(join(gitdir, GIT_TEMP_DIR))).toEqual([]);
  });

  it.each([
    ['not json {'],
    ['[]'],
    ['null'],
    ['"text"'],
    [JSON.stringify({ format: 'something-else/9', entries: { [key('a')]: T1 } })],
    [JSON.stringify({ format: 'tagstream-index-cache/1', entries: { [key('a')]: T1 } })],
    [JSON.stringify({ format: 'tagstream-image-created/1', entries: [key('a'), T1] })],
    [JSON.stringify({ format: 'tagstream-image-created/1', entries: null })],
  ])('reads %s as an empty cache and rewrites it', async (text) => {
    mkdirSync(join(gitdir, 'tagstream'), { recursive: true });
    writeFileSync(file(), text);
    const a = await openImageCreatedFile(fs, gitdir);
    expect(a.get(key('a'))).toBeUndefined();
    a.set(key('a'), T2);
    await a.save();
    expect((await openImageCreatedFile(fs, gitdir)).get(key('a'))).toBe(T2);
  });

  it('drops entries that are not `name@digest` -> a short non-empty string, keeps the good ones', async () => {
    mkdirSync(join(gitdir, 'tagstream'), { recursive: true });
    const entries = {
      [key('a')]: T1,
      'registry.example.com/team/app:latest': T1,
      'registry.example.com/team/app@sha256:short': T1,
      [`@${digest('b')}`]: T1,
      [key('c')]: 42,
      [key('d')]: '',
      [key('e')]: 'x'.repeat(65),
      [key('f')]: null,
    };
    writeFileSync(file(), JSON.stringify({ format: 'tagstream-image-created/1', entries }));
    const a = await openImageCreatedFile(fs, gitdir);
    expect(a.get(key('a'))).toBe(T1);
    for (const k of Object.keys(entries).slice(1)) expect(a.get(k)).toBeUndefined();
    // nor does set accept one
    a.set('no-digest', T1);
    a.set(key('g'), '');
    expect(a.get('no-digest')).toBeUndefined();
    expect(a.get(key('g'))).toBeUndefined();
  });

  it('never throws when the cache cannot be written', async () => {
    writeFileSync(join(gitdir, 'tagstream'), 'a file where the directory should be');
    const a = await openImageCreatedFile(fs, gitdir);
    a.set(key('a'), T1);
    await expect(a.save()).resolves.toBeUndefined();
    expect(a.get(key('a'))).toBe(T1);
  });
});

