/**
 * The Workspace contract: the same tests run against the in-memory fake
 * (test/unit/contracts/workspace.test.ts) and the directory adapter on a temp dir
 * (test/integration/contracts/workspace.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/ports/workspace.js';

/** Make a workspace holding `files` (repo-relative POSIX paths); `.git/` entries included. */
export type WorkspaceFactory = (files: Record<string, string>) => Promise<Workspace>;

export function workspaceContract(kind: string, create: WorkspaceFactory): void {
  describe(`Workspace contract (${kind})`, () => {
    it('lists every file with POSIX paths, sorted, without .git', async () => {
      const ws = await create({ 'b.yaml': 'b\n', 'a/deep/x.yaml': 'x\n', 'a/y.json': '{}\n', '.git/HEAD': 'ref: refs/heads/main\n' });
      expect(await ws.listFiles()).toEqual(['a/deep/x.yaml', 'a/y.json', 'b.yaml']);
    });

    it('reads bytes exactly and reports sizes; a missing file is ENOENT', async () => {
      const ws = await create({ 'crlf.yaml': 'a: 1\r\nb: "é"\r\n' });
      expect((await ws.readFile('crlf.yaml')).toString('utf8')).toBe('a: 1\r\nb: "é"\r\n');
      expect(await ws.size('crlf.yaml')).toBe(Buffer.byteLength('a: 1\r\nb: "é"\r\n'));
      await expect(ws.readFile('missing.yaml')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(ws.size('missing.yaml')).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('knows files and directories that exist', async () => {
      const ws = await create({ 'apps/web.yaml': 'w\n' });
      expect(await ws.exists('apps/web.yaml')).toBe(true);
      expect(await ws.exists('apps')).toBe(true);
      expect(await ws.exists('apps/db.yaml')).toBe(false);
      expect(await ws.exists('nowhere')).toBe(false);
    });

    it('writes (replacing or creating, parent folders included) and reads back what it wrote', async () => {
      const ws = await create({ 'a.yaml': 'old\n' });
      await ws.writeFile('a.yaml', 'new\n');
      await ws.writeFile('new/dir/b.yaml', Buffer.from('b\n'));
      expect((await ws.readFile('a.yaml')).toString()).toBe('new\n');
      expect((await ws.readFile('new/dir/b.yaml')).toString()).toBe('b\n');
      expect(await ws.listFiles()).toEqual(['a.yaml', 'new/dir/b.yaml']);
    });

    it('returns copies: changing a buffer read does not change the file', async () => {
      const ws = await create({ 'a.yaml': 'abc\n' });
      const bytes = await ws.readFile('a.yaml');
      bytes.write('X');
      expect((await ws.readFile('a.yaml')).toString()).toBe('abc\n');
    });

    it('removes a file; removing a missing one is not an error', async () => {
      const ws = await create({ 'a.yaml': 'a\n', 'b.yaml': 'b\n' });
      await ws.removeFile('a.yaml');
      await ws.removeFile('a.yaml');
      expect(await ws.exists('a.yaml')).toBe(false);
      expect(await ws.listFiles()).toEqual(['b.yaml']);
    });

    it('finds no temporaries after completed writes', async () => {
      const ws = await create({ 'a.yaml': 'a\n' });
      await ws.writeFile('a.yaml', 'b\n');
      expect(await ws.removeTemporaries('a.yaml')).toEqual([]);
      expect(await ws.listFiles()).toEqual(['a.yaml']);
    });
  });
}
