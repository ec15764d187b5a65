import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryWorkspace } from '../../../../src/adapters/fs/directory-workspace.js';

describe('directoryWorkspace', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tagstream-dirws-'));
    const files: Record<string, string> = {
      'a.yaml': 'a: 1\n',
      'deep/er/b.yml': 'b: 2\n',
      '.git/config': '[core]\n',
      'node_modules/x/c.yaml': 'c: 3\n',
      'sub/.git/HEAD': 'ref\n',
    };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), text);
    }
    symlinkSync(path.join(dir, 'deep'), path.join(dir, 'link'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists files with POSIX paths, sorted, skipping .git and node_modules at any depth and symlinks', async () => {
    const ws = directoryWorkspace(dir);
    expect(ws.root).toBe(path.resolve(dir));
    expect(await ws.listFiles()).toEqual(['a.yaml', 'deep/er/b.yml']);
  });

  it('skip list is configurable', async () => {
    const ws = directoryWorkspace(dir, { skipDirectories: ['.git'] });
    expect(await ws.listFiles()).toEqual(['a.yaml', 'deep/er/b.yml', 'node_modules/x/c.yaml']);
  });

  it('reads, sizes and checks existence', async () => {
    const ws = directoryWorkspace(dir);
    expect((await ws.readFile('deep/er/b.yml')).toString()).toBe('b: 2\n');
    expect(await ws.size('a.yaml')).toBe(5);
    expect(await ws.exists('a.yaml')).toBe(true);
    expect(await ws.exists('deep')).toBe(true);
    expect(await ws.exists('nope.yaml')).toBe(false);
    await expect(ws.readFile('nope.yaml')).rejects.toThrow(/ENOENT/);
  });

  it('readFiles: the bytes readFile gives, in order; a file over the limit is not read; what readFile refuses is an error with its message', async () => {
    const ws = directoryWorkspace(dir);
    const outside = mkdtempSync(path.join(tmpdir(), 'tagstream-dirws-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.yaml'), 'secret: 1\n');
      symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'escape.yaml'));
      symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'dangling.yaml'));
      const paths = ['a.yaml', 'deep/er/b.yml', 'link/er/b.yml', 'escape.yaml', 'dangling.yaml', 'nope.yaml'];
      const reads = await ws.readFiles!(paths, 1024);
      expect(reads.slice(0, 3)).toEqual([{ bytes: Buffer.from('a: 1\n') }, { bytes: Buffer.from('b: 2\n') }, { bytes: Buffer.from('b: 2\n') }]);
      for (const [i, p] of paths.entries()) {
        if (i < 3) continue;
        const r = reads[i]!;
        expect('error' in r, p).toBe(true);
        const refused = await ws.readFile(p).then(
          () => 'read',
          (e: Error) => e.message,
        );
        expect((r as { error: Error }).error.message, p).toBe(refused);
      }
      expect(String((reads[3] as { error: Error }).error.message)).toMatch(/outside the repository/);
      expect(await ws.readFiles!(['a.yaml', 'deep/er/b.yml'], 4)).toEqual([{ tooLarge: 5 }, { tooLarge: 5 }]);
      // several read chunks, an empty file, the limit exactly, a folder that links outside
      const big = Buffer.alloc(200_000 + 17, 'x');
      writeFileSync(path.join(dir, 'big.yaml'), big);
      writeFileSync(path.join(dir, 'empty.yaml'), '');
      symlinkSync(outside, path.join(dir, 'out'));
      const more = await ws.readFiles!(['big.yaml', 'empty.yaml', 'out/secret.yaml'], big.length);
      expect(more.slice(0, 2)).toEqual([{ bytes: big }, { bytes: Buffer.alloc(0) }]);
      expect((more[2] as { error: Error }).error.message).toBe(await ws.readFile('out/secret.yaml').then(() => 'read', (e: Error) => e.message));
      expect((more[2] as { error: Error }).error.message).toMatch(/outside the repository/);
      expect(await ws.readFiles!(['big.yaml'], big.length - 1)).toEqual([{ tooLarge: big.length }]);
    } finally {
      rmSync(path.join(dir, 'big.yaml'), { force: true });
      rmSync(path.join(dir, 'empty.yaml'), { force: true });
      rmSync(path.join(dir, 'out'), { force: true });
      rmSync(path.join(dir, 'escape.yaml'), { force: true });
      rmSync(path.join(dir, 'dangling.yaml'), { force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('fileStats and readFileNow: a signature per plain file inside the root, nothing for links, folders outside or paths that leave it', async () => {
    const ws = directoryWorkspace(dir);
    const outside = mkdtempSync(path.join(tmpdir(), 'tagstream-dirws-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.yaml'), 'secret: 1\n');
      symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'escape.yaml'));
      symlinkSync(outside, path.join(dir, 'out'));
      const paths = ['a.yaml', 'deep/er/b.yml', 'link/er/b.yml', 'escape.yaml', 'out/secret.yaml', 'nope.yaml', '../x.yaml', 'deep'];
      utimesSync(path.join(dir, 'a.yaml'), 1_790_000_000, 1_790_000_000);
      const stats = await ws.fileStats!(paths);
      const s = statSync(path.join(dir, 'a.yaml'));
      expect(stats[0]).toEqual({ size: 5, signature: `5:${s.mtimeMs}:${s.ctimeMs}:${s.ino}:${s.dev}`, changedMs: Math.max(s.mtimeMs, s.ctimeMs), fineTimes: s.ctimeMs % 1000 !== 0 });
      // through a folder link that stays inside: the same file, the same signature
      expect(stats[2]).toEqual(stats[1]);
      expect(stats.slice(3)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(ws.readFileNow!('a.yaml', 1024)).toEqual({ bytes: Buffer.from('a: 1\n') });
      expect(ws.readFileNow!('a.yaml', 4)).toEqual({ tooLarge: 5 });
      for (const p of ['escape.yaml', 'out/secret.yaml', '../x.yaml', 'nope.yaml']) expect('error' in ws.readFileNow!(p, 1024), p).toBe(true);
      // a rewrite changes the signature even with the same size and mtime
      const before = stats[0]!;
      writeFileSync(path.join(dir, 'a.yaml'), 'a: 2\n');
      utimesSync(path.join(dir, 'a.yaml'), 1_790_000_000, 1_790_000_000);
      const after = (await ws.fileStats!(['a.yaml']))[0]!;
      expect(statSync(path.join(dir, 'a.yaml')).mtimeMs).toBe(s.mtimeMs);
      expect(after.size).toBe(before.size);
      expect(after.signature).not.toBe(before.signature);
      writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
    } finally {
      rmSync(path.join(dir, 'escape.yaml'), { force: true });
      rmSync(path.join(dir, 'out'), { force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('readFileNow checks the folder on every call: a folder that became a link out of the root is refused', () => {
    const ws = directoryWorkspace(dir);
    const outside = mkdtempSync(path.join(tmpdir(), 'tagstream-dirws-outside-'));
    try {
      mkdirSync(path.join(dir, 'moving'));
      writeFileSync(path.join(dir, 'moving', 'c.yaml'), 'c: 1\n');
      writeFileSync(path.join(outside, 'c.yaml'), 'secret: 1\n');
      expect(ws.readFileNow!('moving/c.yaml', 1024)).toEqual({ bytes: Buffer.from('c: 1\n') });
      // between two runs of a long-lived workspace (the daemon's), the folder is swapped for a link
      rmSync(path.join(dir, 'moving'), { recursive: true });
      symlinkSync(outside, path.join(dir, 'moving'));
      const again = ws.readFileNow!('moving/c.yaml', 1024);
      expect('error' in again && String((again as { error: Error }).error.message)).toMatch(/not a plain file inside/);
    } finally {
      rmSync(path.join(dir, 'moving'), { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses paths that leave the root', async () => {
    const ws = directoryWorkspace(dir);
    await expect(ws.readFile('../etc/passwd')).rejects.toThrow(/path must stay inside the workspace: "..\/etc\/passwd"/);
    await expect(ws.writeFile('/tmp/x', 'x')).rejects.toThrow(/inside the workspace/);
    await expect(ws.exists('a/../../x')).resolves.toBe(false);
  });

  it('writes atomically byte-exact, keeps the file mode, creates folders, leaves no temp files', async () => {
    const ws = directoryWorkspace(dir);
    const target = path.join(dir, 'mode.yaml');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o640);
    const bytes = Buffer.from('\uFEFFkey: "1.10"\r\nother: x', 'utf8');
    await ws.writeFile('mode.yaml', bytes);
    expect(readFileSync(target).equals(bytes)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o640);

    await ws.writeFile('new/dir/file.yaml', 'fresh\n');
    expect(readFileSync(path.join(dir, 'new/dir/file.yaml'), 'utf8')).toBe('fresh\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'new/dir'))).toEqual(['file.yaml']);
  });

  it('replaces by rename: a reader holding the old inode still sees the old content', async () => {
    const ws = directoryWorkspace(dir);
    const target = path.join(dir, 'inode.yaml');
    writeFileSync(target, 'before\n');
    const before = statSync(target).ino;
    await ws.writeFile('inode.yaml', 'after\n');
    expect(statSync(target).ino).not.toBe(before);
    expect(readFileSync(target, 'utf8')).toBe('after\n');
  });

  it('cleans up the temp file when the rename fails', async () => {
    const ws = directoryWorkspace(dir);
    mkdirSync(path.join(dir, 'isdir.yaml'), { recursive: true });
    writeFileSync(path.join(dir, 'isdir.yaml', 'keep'), 'x');
    await expect(ws.writeFile('isdir.yaml', 'data')).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.includes('isdir.yaml.') && f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes the temporaries a killed write of a file left, and nothing else', async () => {
    const ws = directoryWorkspace(dir);
    mkdirSync(path.join(dir, 'crash'), { recursive: true });
    writeFileSync(path.join(dir, 'crash', 'app.yaml'), 'a: 1\n');
    writeFileSync(path.join(dir, 'crash', '.app.yaml.0123456789ab.tmp'), 'a: ');
    writeFileSync(path.join(dir, 'crash', '.app.yaml.notours.tmp'), 'keep');
    writeFileSync(path.join(dir, 'crash', '.other.yaml.0123456789ab.tmp'), 'keep');
    expect(await ws.removeTemporaries('crash/app.yaml')).toEqual(['crash/.app.yaml.0123456789ab.tmp']);
    expect(readdirSync(path.join(dir, 'crash')).sort()).toEqual(['.app.yaml.notours.tmp', '.other.yaml.0123456789ab.tmp', 'app.yaml']);
  });
});
