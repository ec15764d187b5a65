/**
 * Repair what a killed writer can leave in `.git`: temporaries of the atomic writer, empty loose
 * objects (written by older, non-atomic versions or other tools), and a branch whose head commit
 * can no longer be read, which is moved back to the remote-tracking head (the commit was never
 * pushed, so the next run plans it again). Run only after a crash was detected: it lists every
 * loose object.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import git from 'isomorphic-git';
import { TagstreamError } from '../../errors.js';
import type { RepairResult } from '../../ports/git.js';
import { GIT_TEMP_DIR } from './atomic-git-fs.js';
import { forgetCommitHeaders } from './commit-headers.js';
import type { GitContext } from './git-context.js';

/** A loose object whose bytes do not inflate to an object with its own id (torn, truncated). */
async function torn(ctx: GitContext, file: string, oid: string): Promise<boolean> {
  try {
    const inflated = inflateSync((await ctx.fs.promises.readFile(file)) as Buffer);
    return createHash('sha1').update(inflated).digest('hex') !== oid;
  } catch {
    return true;
  }
}

/**
 * Remove temporaries and empty loose objects; with `verify` (after a crash was detected) also
 * every loose object whose content does not hash to its name (a truncated write): isomorphic-git
 * trusts an existing object file, so a damaged one would never be written again.
 */
async function removeDamagedObjects(ctx: GitContext, gitdir: string, verify: boolean): Promise<string[]> {
  const { fs } = ctx;
  const objects = join(gitdir, 'objects');
  const removed: string[] = [];
  const fanout = ((await fs.promises.readdir(objects).catch(() => [])) as string[]).filter((d) => /^[0-9a-f]{2}$/.test(d));
  for (const dir of fanout) {
    const names = (await fs.promises.readdir(join(objects, dir)).catch(() => [])) as string[];
    for (const name of names) {
      const file = join(objects, dir, name);
      // The atomic fs reports an empty loose object as absent although readdir lists it.
      const empty = await fs.promises.stat(file).then(
        (st) => st.size === 0,
        (e: { code?: unknown }) => e.code === 'ENOENT',
      );
      if (empty || name.startsWith('tmp_obj_') || (verify && /^[0-9a-f]{38}$/.test(name) && (await torn(ctx, file, dir + name)))) {
        await fs.promises.rm(file, { force: true });
        removed.push(`objects/${dir}/${name}`);
      }
    }
  }
  return removed;
}

async function readable(ctx: GitContext, ref: string): Promise<string | undefined> {
  const { fs, dir, cache } = ctx;
  try {
    const oid = await git.resolveRef({ fs, dir, ref });
    await git.readCommit({ fs, dir, oid, cache });
    return oid;
  } catch {
    return undefined;
  }
}

/**
 * Sweep temporaries and empty objects (with `verifyObjects`, also torn ones: after a crash); move
 * an unreadable branch head back to its remote.
 */
export async function repairObjectStore(ctx: GitContext, remote = 'origin', verifyObjects = false): Promise<RepairResult> {
  const { fs, dir } = ctx;
  const gitdir = join(dir, '.git');
  // objects may go: nothing read before is vouched for any more
  forgetCommitHeaders(ctx);
  await fs.promises.rm(join(gitdir, GIT_TEMP_DIR), { recursive: true, force: true });
  const removedObjects = await removeDamagedObjects(ctx, gitdir, verifyObjects);
  let resetBranch: RepairResult['resetBranch'];
  const branch = await git.currentBranch({ fs, dir }).catch(() => undefined);
  const hasHead = await git.resolveRef({ fs, dir, ref: 'HEAD' }).then(
    () => true,
    () => false,
  );
  const headFile = branch ? await fs.promises.readFile(join(gitdir, 'refs', 'heads', ...branch.split('/')), 'utf8').catch(() => undefined) : undefined;
  const damagedRef = headFile !== undefined && !/^[0-9a-f]{40}\s*$/.test(headFile);
  if (branch && (damagedRef || (hasHead && (await readable(ctx, 'HEAD')) === undefined))) {
    const target = await readable(ctx, `refs/remotes/${remote}/${branch}`);
    if (target === undefined) {
      throw new TagstreamError('Git', `${dir}: the head of ${branch} is damaged and ${remote}/${branch} is not known locally; fetch it or clone again`);
    }
    await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: target, force: true });
    resetBranch = { branch, to: target };
  }
  return { removedObjects, resetBranch };
}
