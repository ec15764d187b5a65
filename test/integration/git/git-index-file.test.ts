/**
 * Git's index as a witness of file contents, over indexes the git CLI writes (formats 2, 3 and 4;
 * skip-worktree, intent-to-add, assume-unchanged and conflicted entries), a corrupt one, and the
 * stat comparison (changed content, a time set back, a racily clean entry).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitIndexWitness, parseGitIndex, vouchedBlobId } from '../../../src/adapters/git/git-index-file.js';

let dir: string;
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const indexBytes = () => readFileSync(path.join(dir, '.git', 'index'));
const indexMtimeNs = () => statSync(path.join(dir, '.git', 'index'), { bigint: true }).mtimeNs;
/** `git ls-files -s`: path -> blob id of the stage-0 entries. */
const staged = () => new Map(git('-c', 'core.quotePath=false', 'ls-files', '-s').trim().split('\n').filter((l) => / 0\t/.test(l)).map((l) => [l.split('\t')[1]!, l.split(' ')[1]!]));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tagstream-gitindex-'));
  git('init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 2\n', 'deep/c.yaml': 'c: 3\n', 'deep/er/d.json': '{"d":4}\n', 'é.yaml': 'e: 5\n' })) {
    execFileSync('mkdir', ['-p', path.dirname(path.join(dir, name))]);
    writeFileSync(path.join(dir, name), text);
  }
  git('add', '.');
  git('commit', '-qm', 'first');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parseGitIndex', () => {
  it.each([2, 3, 4])('reads format %i as git ls-files does', (version) => {
    git('update-index', '--index-version', String(version));
    // git writes format 3 only when an entry has extended flags (skip-worktree here)
    if (version === 3) git('update-index', '--skip-worktree', 'deep/c.yaml');
    expect(indexBytes().readUInt32BE(4)).toBe(version);
    const entries = parseGitIndex(indexBytes())!;
    const expected = staged();
    if (version === 3) expected.delete('deep/c.yaml');
    expect(new Map([...entries].map(([p, e]) => [p, e.oid]))).toEqual(expected);
    expect(entries.get('deep/er/d.json')?.size).toBe(8);
  });

  it('leaves out entries that do not vouch for the file: skip-worktree, intent-to-add, assume-unchanged, conflicted', () => {
    git('checkout', '-qb', 'other');
    writeFileSync(path.join(dir, 'b.yaml'), 'b: other\n');
    git('commit', '-qam', 'other');
    git('checkout', '-q', 'main');
    writeFileSync(path.join(dir, 'b.yaml'), 'b: main\n');
    git('commit', '-qam', 'main');
    try {
      git('merge', '-q', 'other');
    } catch {
      // the conflict is the point
    }
    git('update-index', '--skip-worktree', 'a.yaml');
    git('update-index', '--assume-unchanged', 'deep/c.yaml');
    writeFileSync(path.join(dir, 'new.yaml'), 'n: 1\n');
    git('add', '-N', 'new.yaml');
    expect(git('ls-files', '-s', 'b.yaml').trim().split('\n')).toHaveLength(3);
    const entries = parseGitIndex(indexBytes())!;
    expect([...entries.keys()].sort()).toEqual(['deep/er/d.json', 'é.yaml']);
  });

  it('refuses a corrupt or truncated index, and takes one written without a checksum (index.skipHash)', () => {
    const bytes = indexBytes();
    const flipped = Buffer.from(bytes);
    flipped[40] = (flipped[40] ?? 0) ^ 0xff;
    expect(parseGitIndex(flipped)).toBeUndefined();
    expect(parseGitIndex(bytes.subarray(0, 60))).toBeUndefined();
    expect(parseGitIndex(Buffer.from('not an index at all, not at all'))).toBeUndefined();
    const unhashed = Buffer.from(bytes);
    unhashed.fill(0, unhashed.length - 20);
    expect(parseGitIndex(unhashed)?.size).toBe(5);
    // a zero trailer does not make a corrupt body acceptable when entries run past the end
    const truncated = Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(20)]);
    expect(parseGitIndex(truncated)).toBeUndefined();
  });
});

describe('vouchedBlobId', () => {
  it('vouches for every file git wrote, and for none once its content or times changed', () => {
    const entries = parseGitIndex(indexBytes())!;
    const at = indexMtimeNs();
    const blob = (p: string) => vouchedBlobId(entries.get(p), lstatSync(path.join(dir, p), { bigint: true }), at);
    for (const [p, oid] of staged()) expect(blob(p), p).toBe(oid);
    // same size, other content
    writeFileSync(path.join(dir, 'a.yaml'), 'a: 9\n');
    expect(blob('a.yaml')).toBeUndefined();
    // mtime set back to the staged one: ctime still moved
    const before = entries.get('b.yaml')!;
    writeFileSync(path.join(dir, 'b.yaml'), 'b: 9\n');
    utimesSync(path.join(dir, 'b.yaml'), before.mtimeSec + before.mtimeNsec / 1e9, before.mtimeSec + before.mtimeNsec / 1e9);
    expect(blob('b.yaml')).toBeUndefined();
    expect(blob('deep/c.yaml')).toBe(staged().get('deep/c.yaml'));
  });

  it('does not vouch for a racily clean entry (the file is not older than the index)', () => {
    const entries = parseGitIndex(indexBytes())!;
    const s = lstatSync(path.join(dir, 'a.yaml'), { bigint: true });
    expect(vouchedBlobId(entries.get('a.yaml'), s, s.mtimeNs + 1n)).toBe(staged().get('a.yaml'));
    expect(vouchedBlobId(entries.get('a.yaml'), s, s.mtimeNs)).toBeUndefined();
  });
});

describe('gitIndexWitness', () => {
  it('answers by path inside the work tree, and nothing for paths that leave it or are not in the index', () => {
    const witness = gitIndexWitness(dir);
    expect(witness.blobId('deep/c.yaml')).toBe(staged().get('deep/c.yaml'));
    expect(witness.blobId('é.yaml')).toBe(staged().get('é.yaml'));
    for (const p of ['../a.yaml', '/etc/passwd', 'deep/../a.yaml', 'missing.yaml', '']) expect(witness.blobId(p), p).toBeUndefined();
    // no index there: no answer
    expect(gitIndexWitness(path.join(dir, 'deep')).blobId('c.yaml')).toBeUndefined();
  });

  it('reads the index on the first question, and a corrupt one answers nothing', () => {
    const witness = gitIndexWitness(dir);
    const bytes = indexBytes();
    const flipped = Buffer.from(bytes);
    flipped[40] = (flipped[40] ?? 0) ^ 0xff;
    writeFileSync(path.join(dir, '.git', 'index'), flipped);
    expect(witness.blobId('a.yaml')).toBeUndefined();
    writeFileSync(path.join(dir, '.git', 'index'), bytes);
    // the answer of the first question stands for the witness's life (one run)
    expect(witness.blobId('a.yaml')).toBeUndefined();
    expect(gitIndexWitness(dir).blobId('a.yaml')).toBe(staged().get('a.yaml'));
  });
});
