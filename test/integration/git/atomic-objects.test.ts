// Objects and refs survive a killed writer: the adapter writes them through temp + fsync + rename,
// replaces an empty loose object (left by a non-atomic writer) instead of trusting it, and repair()
// sweeps empty objects and moves an unreadable branch head back to the remote-tracking head.
// Judged by the real `git fsck` and `git push`.
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { gitCli, startGitServer } from '../../harness/git-server.js';
import type { GitServer } from '../../harness/git-server.js';

const bot = { name: 'tagstream', email: 'bot@example.test' };
let server: GitServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-git-atomic-'));
});
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function fixture(label: string) {
  const url = await server.createBareRepo(`${label}-${++n}.git`, { initialFiles: { 'app.yaml': 'image: a\n' } });
  const dir = join(tmp, `${label}-${n}`);
  const repo = await createGitAdapter().clone({ url, dir });
  return { url, dir, repo };
}

/** An empty loose object file where `oid` would be stored, as a killed non-atomic writer leaves it. */
async function emptyObject(dir: string, oid: string): Promise<string> {
  const file = join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  await mkdir(join(dir, '.git', 'objects', oid.slice(0, 2)), { recursive: true });
  await writeFile(file, '');
  return file;
}

describe('atomic object store', () => {
  it('rewrites an object whose file a killed writer left empty, so the commit pushes and fsck is clean', async () => {
    const { dir, repo } = await fixture('empty-blob');
    await writeFile(join(dir, 'app.yaml'), 'image: b\n');
    const blob = await gitCli(dir, ['hash-object', 'app.yaml']);
    const file = await emptyObject(dir, blob);
    const oid = await repo.commit({ files: ['app.yaml'], message: 'pin b\n', author: bot, timestamp: 1_700_000_000 });
    expect(oid).toMatch(/^[0-9a-f]{40}$/);
    expect((await stat(file)).size).toBeGreaterThan(0);
    await gitCli(dir, ['fsck', '--full', '--no-dangling']);
    await repo.push();
    expect(await gitCli(dir, ['cat-file', '-p', `${oid}:app.yaml`])).toBe('image: b');
  });

  it('leaves no temporaries behind and keeps objects, refs and the index readable by git', async () => {
    const { dir, repo } = await fixture('temps');
    for (let i = 0; i < 5; i++) {
      await writeFile(join(dir, 'app.yaml'), `image: v${i}\n`);
      await repo.commit({ files: ['app.yaml'], message: `v${i}\n`, author: bot, timestamp: 1_700_000_000 + i });
    }
    expect(await readdir(join(dir, '.git', 'tagstream-tmp')).catch(() => [])).toEqual([]);
    expect(await gitCli(dir, ['status', '--porcelain'])).toBe('');
    expect(await gitCli(dir, ['rev-list', '--count', 'HEAD'])).toBe('6');
    await gitCli(dir, ['fsck', '--full', '--strict', '--no-dangling']);
  });

  it('repair() removes empty objects and moves a branch whose head commit is unreadable back to the remote head', async () => {
    const { dir, repo } = await fixture('damaged-head');
    const remoteHead = await repo.headOid();
    await writeFile(join(dir, 'app.yaml'), 'image: c\n');
    const local = (await repo.commit({ files: ['app.yaml'], message: 'pin c\n', author: bot, timestamp: 1_700_000_100 }))!;
    // The commit object is torn (empty), as a SIGKILL during a non-atomic write leaves it.
    await writeFile(join(dir, '.git', 'objects', local.slice(0, 2), local.slice(2)), '');
    await emptyObject(dir, 'ab'.repeat(20));
    await expect(gitCli(dir, ['fsck', '--full'])).rejects.toThrow(/empty|corrupt|invalid/i);

    const result = await repo.repair();
    expect(result.resetBranch).toEqual({ branch: 'main', to: remoteHead });
    expect(result.removedObjects).toContain(`objects/ab/${'ab'.repeat(19)}`);
    expect(await repo.headOid()).toBe(remoteHead);
    await gitCli(dir, ['fsck', '--full', '--no-dangling']);
  });

  it('repair() after a crash removes a truncated (non-empty, short) loose object, so the commit writes it again and pushes', async () => {
    const { dir, repo } = await fixture('truncated');
    await writeFile(join(dir, 'app.yaml'), 'image: t\n'.repeat(50));
    // the blob as a killed writer may leave it: the first half of a valid loose object
    const blob = await gitCli(dir, ['hash-object', '-w', 'app.yaml']);
    const file = join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
    expect((await stat(file)).size).toBeGreaterThan(0);
    await expect(gitCli(dir, ['fsck', '--full'])).rejects.toThrow();

    const result = await repo.repair();
    expect(result.removedObjects).toEqual([`objects/${blob.slice(0, 2)}/${blob.slice(2)}`]);
    const oid = await repo.commit({ files: ['app.yaml'], message: 'pin t\n', author: bot, timestamp: 1_700_000_200 });
    expect(oid).toMatch(/^[0-9a-f]{40}$/);
    await gitCli(dir, ['fsck', '--full', '--no-dangling']);
    await repo.push();
    expect(await gitCli(dir, ['cat-file', '-p', `${oid}:app.yaml`])).toBe('image: t\n'.repeat(50).trimEnd());
  });
});
