/**
 * The fs isomorphic-git writes through (atomic-git-fs.ts): isomorphic-git wraps it on every API
 * call and probes it with a bare readFile(); the probe is answered with one error made once, and
 * isomorphic-git still takes the fs for a promise fs (objects written and read back through it,
 * atomically inside .git). An empty loose object still reads as absent.
 */
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicGitFs, GIT_TEMP_DIR, writeFileAtomically } from '../../../../src/adapters/git/atomic-git-fs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tagstream-atomic-fs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomicGitFs', () => {
  it('answers a readFile() without a path with one rejection made once, as a promise', async () => {
    const fs = atomicGitFs(nodeFs);
    const probe = (fs.promises.readFile as unknown as () => Promise<unknown>)();
    expect(probe).toBeInstanceOf(Promise);
    const first = await probe.then(() => 'resolved', (e: unknown) => e);
    const second = await (fs.promises.readFile as unknown as () => Promise<unknown>)().then(() => 'resolved', (e: unknown) => e);
    expect(first).toBeInstanceOf(TypeError);
    expect((first as NodeJS.ErrnoException).code).toBe('ERR_INVALID_ARG_TYPE');
    // the same object: no error (and no stack) is built per probe
    expect(second).toBe(first);
  });

  it('is used by isomorphic-git as a promise fs: objects are written atomically and read back', async () => {
    const fs = atomicGitFs(nodeFs);
    await git.init({ fs, dir, defaultBranch: 'main' });
    const oid = await git.writeBlob({ fs, dir, blob: Buffer.from('kind: ImageStream\n') });
    const text = 'kind: ImageStream\n';
    expect(oid).toBe(createHash('sha1').update(`blob ${text.length}\0${text}`).digest('hex'));
    const { blob } = await git.readBlob({ fs, dir, oid });
    expect(Buffer.from(blob).toString('utf8')).toBe('kind: ImageStream\n');
    // written through a temporary in .git/tagstream-tmp, renamed over its target: none left behind
    expect(readdirSync(join(dir, '.git', GIT_TEMP_DIR))).toEqual([]);
  });

  it('writes text as UTF-8, whole and in pieces', async () => {
    const gitdir = join(dir, '.git');
    mkdirSync(gitdir);
    const text = `{"path":"charts/caf\u00e9/values.yaml","note":"\u65e5\u672c \u{1F433}"}\n`.repeat(3);
    await writeFileAtomically(nodeFs.promises, join(gitdir, 'whole.json'), text, gitdir);
    await writeFileAtomically(nodeFs.promises, join(gitdir, 'pieces.json'), [text.slice(0, 20), text.slice(20)], gitdir);
    expect(nodeFs.readFileSync(join(gitdir, 'whole.json')).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(nodeFs.readFileSync(join(gitdir, 'pieces.json')).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(readdirSync(join(gitdir, GIT_TEMP_DIR))).toEqual([]);
  });

  it('still reads an empty loose object as absent', async () => {
    const fs = atomicGitFs(nodeFs);
    const objectDir = join(dir, '.git', 'objects', 'ab');
    mkdirSync(objectDir, { recursive: true });
    const path = join(objectDir, 'c'.repeat(38));
    writeFileSync(path, '');
    await expect(fs.promises.readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(path, 'x');
    expect((await fs.promises.readFile(path)).toString()).toBe('x');
  });
});
