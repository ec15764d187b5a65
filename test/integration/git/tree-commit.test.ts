// A commit built from HEAD's tree and the changed blobs (the adapter's commit) equals the one
// isomorphic-git makes through the index (add/remove, then commit): same commit id, so same tree;
// and the index it leaves matches the working tree (`git status` clean), as staging would.
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { gitCli } from '../../harness/git-server.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-tree-commit-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const author = { name: 'Tagstream', email: 'tagstream@example.invalid' };
const TIMESTAMP = 1_765_000_000;

async function put(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}

/** A repository with nested folders, committed with the git CLI. */
async function seed(dir: string): Promise<void> {
  await gitCli(tmp, ['init', '-q', '-b', 'main', dir]);
  await put(dir, 'root.yaml', 'a: 1\n');
  await put(dir, 'apps/shop/api.yaml', 'image: x:1\n');
  await put(dir, 'apps/shop/web.yaml', 'image: y:1\n');
  await put(dir, 'apps/shop/deep/job.yaml', 'image: z:1\n');
  await put(dir, 'apps/other/only.yaml', 'image: o:1\n');
  await put(dir, 'streams/a.yaml', 'kind: ImageStream\n');
  await put(dir, 'tool.sh', '#!/bin/sh\n');
  await chmod(join(dir, 'tool.sh'), 0o755);
  await gitCli(dir, ['add', '-A']);
  await gitCli(dir, ['-c', 'user.name=Seed', '-c', 'user.email=seed@example.invalid', 'commit', '-q', '-m', 'seed']);
}

/** The same changes in any working copy: edits in nested folders, a new folder, deletions (one empties a folder). */
async function change(dir: string): Promise<string[]> {
  await put(dir, 'apps/shop/api.yaml', 'image: x@sha256:1\n');
  await put(dir, 'apps/shop/deep/job.yaml', 'image: z@sha256:2\n');
  await put(dir, 'streams/new/b.yaml', 'kind: ImageStream\nname: b\n');
  await put(dir, 'tool.sh', '#!/bin/sh\necho\n');
  await unlink(join(dir, 'apps/other/only.yaml'));
  await unlink(join(dir, 'root.yaml'));
  await put(dir, 'untouched-but-changed.yaml', 'not committed\n');
  return ['apps/shop/api.yaml', 'apps/shop/deep/job.yaml', 'streams/new/b.yaml', 'tool.sh', 'apps/other/only.yaml', 'root.yaml', 'apps/shop/web.yaml'];
}

describe('commit from trees', () => {
  it('makes the commit staging through the index makes, and leaves the index as staging would', async () => {
    const viaTrees = join(tmp, 'trees');
    const viaIndex = join(tmp, 'index');
    await seed(viaTrees);
    // the same seed commit (two seeds made a second apart would differ)
    await gitCli(tmp, ['clone', '-q', viaTrees, viaIndex]);
    const files = await change(viaTrees);
    await change(viaIndex);

    const repo = await createGitAdapter({ clock: fixedClock('2026-12-06T00:00:00Z') }).open(viaTrees);
    const ours = await repo.commit({ files, message: 'Move\n\nTagstream-Move: x\n', author, timestamp: TIMESTAMP });

    const fs = nodeFs;
    const present = files.filter((f) => fs.existsSync(join(viaIndex, f)));
    await git.add({ fs, dir: viaIndex, filepath: present, force: true });
    for (const f of files.filter((p) => !present.includes(p))) await git.remove({ fs, dir: viaIndex, filepath: f });
    const signature = { ...author, timestamp: TIMESTAMP, timezoneOffset: 0 };
    const theirs = await git.commit({ fs, dir: viaIndex, message: 'Move\n\nTagstream-Move: x\n', author: signature, committer: signature });

    expect(ours).toBe(theirs);
    // only the file left out of the commit differs from HEAD; the index holds what was committed
    expect(await gitCli(viaTrees, ['status', '--porcelain'])).toBe('?? untouched-but-changed.yaml');
    expect(await gitCli(viaTrees, ['ls-files', '-s'])).toBe(await gitCli(viaIndex, ['ls-files', '-s']));
    expect(await gitCli(viaTrees, ['fsck', '--strict'])).toBe('');
  });

  it('returns undefined and keeps HEAD when the files equal HEAD', async () => {
    const dir = join(tmp, 'same');
    await seed(dir);
    const repo = await createGitAdapter().open(dir);
    const head = await repo.headOid();
    expect(await repo.commit({ files: ['apps/shop/api.yaml', 'root.yaml'], message: 'nothing', author })).toBeUndefined();
    expect(await repo.headOid()).toBe(head);
    expect(await gitCli(dir, ['status', '--porcelain'])).toBe('');
  });
});
