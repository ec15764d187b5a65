/**
 * A commit of some files built from HEAD's tree: each file's blob is written, only the trees on the
 * paths of the changed files are rewritten, and the index entries of those files are updated in one
 * pass. Staging through isomorphic-git's add() rewrites the whole index per call and builds the
 * commit's tree from the whole index (every tree of the repository hashed and written); for a
 * daemon run that changes two files of 2,500 that was most of its CPU, and for a write of 10,000
 * files it was hundreds of whole-index rewrites. The commit equals the one made through the index
 * (same tree, same commit id) when the index held HEAD for every other path.
 */
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import { GitIndexManager } from 'isomorphic-git/managers';
import { FileSystem } from 'isomorphic-git/models';
import { commitHeader } from './commit-headers.js';
import type { GitContext } from './git-context.js';

/** A file of the commit: its blob and mode, or undefined when it is gone from the working tree. */
interface StagedFile {
  readonly blob?: { readonly oid: string; readonly mode: '100644' | '100755' } | undefined;
}

/** What a commit from trees needs to know of the files (lstat results), or why it cannot be made. */
export type TreeCommitPlan = { readonly ok: true; readonly stats: ReadonlyMap<string, Stats | undefined> } | { readonly ok: false };

/**
 * Whether `files` can be committed from trees: HEAD exists, no file is a symbolic link or a
 * folder, and no line-ending conversion applies (core.autocrlf). Otherwise the caller stages
 * through the index as before.
 */
export async function planTreeCommit(ctx: GitContext, files: readonly string[]): Promise<TreeCommitPlan> {
  const { fs, dir } = ctx;
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => undefined);
  if (head === undefined) return { ok: false };
  const autocrlf: unknown = await git.getConfig({ fs, dir, path: 'core.autocrlf' });
  if (autocrlf !== undefined && autocrlf !== false && autocrlf !== 'false') return { ok: false };
  const stats = new Map<string, Stats | undefined>();
  for (const f of files) {
    const s = await fs.promises.lstat(join(dir, f)).catch(() => undefined);
    if (s && !s.isFile()) return { ok: false };
    stats.set(f, s);
  }
  return { ok: true, stats };
}

/** The tree of `base` with `changes` (paths relative to it) applied; undefined when it ends up empty. */
async function rewriteTree(ctx: GitContext, base: string | undefined, changes: ReadonlyMap<string, StagedFile>): Promise<string | undefined> {
  const { fs, dir, cache } = ctx;
  const entries = new Map<string, TreeEntry>();
  if (base !== undefined) for (const e of (await git.readTree({ fs, dir, oid: base, cache })).tree) entries.set(e.path, e);
  const nested = new Map<string, Map<string, StagedFile>>();
  for (const [path, change] of changes) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      if (change.blob) entries.set(path, { mode: change.blob.mode, path, oid: change.blob.oid, type: 'blob' });
      else if (entries.get(path)?.type !== 'tree') entries.delete(path);
      continue;
    }
    const name = path.slice(0, slash);
    let sub = nested.get(name);
    if (!sub) nested.set(name, (sub = new Map()));
    sub.set(path.slice(slash + 1), change);
  }
  for (const [name, sub] of nested) {
    const old = entries.get(name);
    const oid = await rewriteTree(ctx, old?.type === 'tree' ? old.oid : undefined, sub);
    if (oid === undefined) {
      if (old?.type === 'tree') entries.delete(name);
    } else entries.set(name, { mode: '040000', path: name, oid, type: 'tree' });
  }
  if (entries.size === 0) return undefined;
  return git.writeTree({ fs, dir, tree: [...entries.values()] });
}

/** Git's id of the empty tree (a commit that removes every file). */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * Write the blobs of `files`, build the tree (HEAD's tree with them), point their index entries at
 * the new blobs, and commit when the tree differs from HEAD's. Returns the new commit's id, or
 * undefined when the files equal HEAD.
 */
export async function commitFromTrees(
  ctx: GitContext,
  plan: Extract<TreeCommitPlan, { ok: true }>,
  commit: Pick<Parameters<typeof git.commit>[0], 'message' | 'author' | 'committer'>,
): Promise<string | undefined> {
  const { fs, dir, cache } = ctx;
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  const headTree = (await commitHeader(ctx, head)).tree;
  // One file read at a time: memory does not grow with the number of files committed.
  const staged = new Map<string, StagedFile>();
  for (const [path, stats] of plan.stats) {
    if (!stats) {
      staged.set(path, {});
      continue;
    }
    const oid = await git.writeBlob({ fs, dir, blob: await fs.promises.readFile(join(dir, path)) });
    staged.set(path, { blob: { oid, mode: stats.mode & 0o111 ? '100755' : '100644' } });
  }
  const tree = (await rewriteTree(ctx, headTree, staged)) ?? EMPTY_TREE;
  // The index follows, as `git add` would have left it (stat data of the file as committed).
  await GitIndexManager.acquire({ fs: new FileSystem(fs), gitdir: join(dir, '.git'), cache }, (index) => {
    for (const [path, file] of staged) {
      const stats = plan.stats.get(path);
      if (file.blob && stats) index.insert({ filepath: path, stats, oid: file.blob.oid });
      else index.delete({ filepath: path });
    }
  });
  if (tree === headTree) return undefined;
  return git.commit({ fs, dir, message: commit.message, author: commit.author, committer: commit.committer, tree, parent: [head], cache });
}
