/**
 * GitRepository over isomorphic-git. Thin: stage, commit, fetch, push (never forced on the tracked
 * branch), read history. What to commit and how to rebuild after a rejected push is the caller's.
 */
import { join } from 'node:path';
import git from 'isomorphic-git';
import { MisconfigurationError, TagstreamError, redact } from '../../errors.js';
import type {
  GitCommitInfo,
  GitCommitRequest,
  GitFileStatus,
  GitLogOptions,
  GitRemoteOptions,
  GitRepository,
  IndexWitness,
  JournalName,
  JournalText,
  PushBranchOptions,
  RecoverOptions,
  RecoverResult,
  RepairOptions,
  RepairResult,
} from '../../ports/git.js';
import { writeFileAtomically } from './atomic-git-fs.js';
import { openIndexCacheFile } from './index-cache-file.js';
import { gitIndexWitness } from './git-index-file.js';
import { openImageCreatedFile } from './image-created-file.js';
import type { IndexCache } from '../../ports/index-cache.js';
import type { ImageCreatedCache } from '../../ports/image-created-cache.js';
import { authCallbacks } from './git-auth.js';
import { repoPath } from './git-context.js';
import type { GitContext } from './git-context.js';
import { toGitError } from './git-errors.js';
import { recoverWorkingCopy } from './recover-working-copy.js';
import { repairObjectStore } from './repair-object-store.js';
import { commitHeader } from './commit-headers.js';
import { statusScope } from './status-scope.js';
import { commitFromTrees, planTreeCommit } from './tree-commit.js';
import { sendNewObjects } from './send-new-objects.js';
import { finishInterruptedMoves, recordedFetch, resetBranch } from './crash-safe-ref-moves.js';
import { isMissingRemoteRef, isSshUrl, runGitOverSsh } from './ssh-transport.js';

const DEFAULT_REMOTE = 'origin';
/** Files per isomorphic-git add() call when staging (see commit()). */
const STAGE_BATCH = 32;
/** Tagstream's records, relative to the git directory. */
const JOURNAL_FILES: Record<JournalName, string> = { run: 'tagstream-journal.json', uncommitted: 'tagstream-uncommitted.json' };

type StatusRow = [string, number, number, number];

function fileStatus([, head, workdir, stage]: StatusRow): GitFileStatus {
  if (head === 0) {
    if (stage !== 0) return 'added';
    return workdir === 0 ? 'absent' : 'untracked';
  }
  if (workdir === 0) return 'deleted';
  return workdir === 1 && stage === 1 ? 'unmodified' : 'modified';
}

/** The subset of `git check-ref-format --branch` rules a tool-made branch name can break. */
export function isBranchName(name: string): boolean {
  return (
    name !== '' &&
    !name.startsWith('refs/') &&
    !/^[-/.]|[/.]$|\.lock$|\.\.|\/\/|\/\.|@\{|[\s~^:?*[\\]/.test(name) &&
    ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) &&
    name !== '@'
  );
}

/** A working copy opened by the git adapter. */
export class IsomorphicGitRepository implements GitRepository {
  private openedIndexCache: Promise<IndexCache> | undefined;
  private openedImageCreatedCache: Promise<ImageCreatedCache> | undefined;
  readonly dir: string;

  constructor(private readonly ctx: GitContext) {
    this.dir = ctx.dir;
  }

  /** Run one isomorphic-git call, turning its failure into a TagstreamError. */
  private async run<T>(operation: string, fn: () => Promise<T>, remoteUrl?: string, rejected?: () => boolean): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toGitError(e, { operation, remoteUrl, credentialsRejected: rejected?.() });
    }
  }

  async currentBranch(): Promise<string | undefined> {
    const { fs, dir } = this.ctx;
    return this.run('read HEAD', async () => (await git.currentBranch({ fs, dir, fullname: false })) ?? undefined);
  }

  async headOid(): Promise<string> {
    const { fs, dir } = this.ctx;
    return this.run(`resolve HEAD in ${dir}`, () => git.resolveRef({ fs, dir, ref: 'HEAD' }));
  }

  private async branchOf(options: { readonly branch?: string | undefined }): Promise<string> {
    const branch = options.branch ?? (await this.currentBranch());
    if (!branch) throw new TagstreamError('Git', `${this.dir}: HEAD is detached; name the branch to use`);
    return branch;
  }

  private async remoteUrl(remote: string): Promise<string> {
    const { fs, dir } = this.ctx;
    const url: unknown = await git.getConfig({ fs, dir, path: `remote.${remote}.url` });
    if (typeof url !== 'string' || url === '') {
      throw new MisconfigurationError(`${dir}: no remote named ${JSON.stringify(remote)} (expected remote.${remote}.url in .git/config)`);
    }
    return url;
  }

  async fetch(options: GitRemoteOptions = {}): Promise<string | undefined> {
    const { fs, http, dir, cache } = this.ctx;
    const remote = options.remote ?? DEFAULT_REMOTE;
    const branch = await this.branchOf(options);
    const url = await this.remoteUrl(remote);
    const op = `fetch ${branch} from ${remote}`;
    if (isSshUrl(url)) {
      try {
        await runGitOverSsh(dir, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`], this.ctx.ssh, `${op} (${redact(url)})`);
      } catch (e) {
        if (isMissingRemoteRef(e)) return undefined;
        throw e;
      }
      return this.remoteHeadOid({ remote, branch });
    }
    // Nothing new on the remote (most daemon runs): one ref advertisement answers, where
    // isomorphic-git's fetch also negotiates a pack (a second request, an upload-pack on the
    // server) even when it has nothing to send. Any doubt falls through to the fetch.
    const held = await this.remoteHeadOid({ remote, branch });
    if (held !== undefined && (await this.advertisedHead(url, branch, options.credentials)) === held && (await this.hasCommit(held))) return held;
    const auth = authCallbacks(options.credentials ?? this.ctx.credentials);
    try {
      // isomorphic-git moves the tracking ref before it writes the packfile: recorded, put back on a crash
      await recordedFetch(this.ctx, `refs/remotes/${remote}/${branch}`, () =>
        this.run(
          op,
          () => git.fetch({ fs, http, dir, remote, ref: branch, remoteRef: branch, singleBranch: true, tags: false, cache, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure }),
          url,
          auth.rejected,
        ),
      );
    } catch (e) {
      // The remote has no such branch (yet): the port says undefined, not an error.
      if (causedByNotFound(e)) return undefined;
      throw e;
    }
    return this.remoteHeadOid({ remote, branch });
  }

  /** The commit the remote advertises for `branch` (one request), or undefined when it cannot say. */
  private async advertisedHead(url: string, branch: string, credentials: GitRemoteOptions['credentials']): Promise<string | undefined> {
    const auth = authCallbacks(credentials ?? this.ctx.credentials);
    const ref = `refs/heads/${branch}`;
    try {
      const refs = await git.listServerRefs({ http: this.ctx.http, url, prefix: ref, protocolVersion: 1, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure });
      return refs.find((r) => r.ref === ref)?.oid;
    } catch {
      return undefined; // the fetch meets (and reports) the same failure
    }
  }

  private async hasCommit(oid: string): Promise<boolean> {
    return commitHeader(this.ctx, oid).then(
      () => true,
      () => false,
    );
  }

  async remoteHeadOid(options: Omit<GitRemoteOptions, 'credentials'> = {}): Promise<string | undefined> {
    const { fs, dir } = this.ctx;
    const remote = options.remote ?? DEFAULT_REMOTE;
    const branch = await this.branchOf(options);
    try {
      return await git.resolveRef({ fs, dir, ref: `refs/remotes/${remote}/${branch}` });
    } catch (e) {
      if ((e as { code?: unknown }).code === 'NotFoundError') return undefined;
      throw toGitError(e, { operation: `resolve ${remote}/${branch}` });
    }
  }

  async status(paths: readonly string[]): Promise<Record<string, GitFileStatus>> {
    const { fs, dir, cache } = this.ctx;
    const wanted = paths.map(repoPath);
    const result: Record<string, GitFileStatus> = {};
    for (const p of wanted) result[p] = 'absent';
    if (wanted.length === 0) return result;
    const rows = await this.run('status', () => git.statusMatrix({ fs, dir, ...statusScope(wanted), cache }));
    for (const row of rows as StatusRow[]) {
      if (row[0] in result) result[row[0]] = fileStatus(row);
    }
    return result;
  }

  async commit(request: GitCommitRequest): Promise<string | undefined> {
    const { fs, dir, cache, clock } = this.ctx;
    const files = [...new Set(request.files.map(repoPath))];
    if (files.length === 0) return undefined;
    const timestamp = request.timestamp ?? Math.floor(clock.now().getTime() / 1000);
    const author = { ...request.author, timestamp, timezoneOffset: 0 };
    const committer = { ...(request.committer ?? request.author), timestamp, timezoneOffset: 0 };
    const plan = await this.run('stage files', () => planTreeCommit(this.ctx, files));
    if (plan.ok) return this.run('commit', () => commitFromTrees(this.ctx, plan, { message: request.message, author, committer }));
    // An unborn branch, a symbolic link, line-ending conversion: staged through the index.
    await this.run('stage files', async () => {
      const present: string[] = [];
      const gone: string[] = [];
      for (const filepath of files) {
        const exists = await fs.promises.lstat(join(dir, filepath)).then(
          () => true,
          () => false,
        );
        (exists ? present : gone).push(filepath);
      }
      // Few calls: every add/remove call reads and rewrites the whole index. But add() reads,
      // hashes and deflates all the files of one call at once (a zlib stream each), so files are
      // staged in batches: memory grows with the batch, not with the files of the commit.
      for (let i = 0; i < present.length; i += STAGE_BATCH) await git.add({ fs, dir, filepath: present.slice(i, i + STAGE_BATCH), force: true, cache });
      if (gone.length > 0) await git.remove({ fs, dir, filepath: gone, cache });
    });
    const rows = (await this.run('status', () => git.statusMatrix({ fs, dir, ...statusScope(files), cache }))) as StatusRow[];
    const chosen = new Set(files);
    const staged = rows.some(([p, head, , stage]) => chosen.has(p) && !(head === 1 ? stage === 1 : stage === 0));
    if (!staged) return undefined;
    return this.run('commit', () => git.commit({ fs, dir, message: request.message, author, committer, cache }));
  }

  /** Push `localRef` to `remoteRef`; `force` is decided by the public callers, never by default. */
  private async pushRef(remote: string, localRef: string, remoteRef: string, force: boolean, options: GitRemoteOptions | PushBranchOptions): Promise<void> {
    const { fs, http, dir, cache } = this.ctx;
    const url = await this.remoteUrl(remote);
    if (isSshUrl(url)) {
      const refspec = `${force ? '+' : ''}refs/heads/${localRef}:refs/heads/${remoteRef}`;
      await runGitOverSsh(dir, ['push', '--porcelain', '--quiet', remote, refspec], this.ctx.ssh, `push ${remoteRef} to ${remote} (${redact(url)})`);
      // What isomorphic-git's push does too: the remote-tracking ref follows the pushed commit.
      await git.writeRef({ fs, dir, ref: `refs/remotes/${remote}/${remoteRef}`, value: await git.resolveRef({ fs, dir, ref: `refs/heads/${localRef}` }), force: true });
      return;
    }
    const auth = authCallbacks(options.credentials ?? this.ctx.credentials);
    await this.run(
      `push ${remoteRef} to ${remote}`,
      async () => {
        // Our commits on top of what the server has: only their new objects are walked and sent.
        const request = { url, remote, localBranch: localRef, remoteBranch: remoteRef, force, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure };
        if ((await sendNewObjects(this.ctx, request)) === 'sent') return;
        await git.push({ fs, http, dir, remote, ref: localRef, remoteRef, force, cache, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure });
      },
      url,
      auth.rejected,
    );
  }

  async push(options: GitRemoteOptions = {}): Promise<void> {
    const branch = await this.branchOf(options);
    await this.pushRef(options.remote ?? DEFAULT_REMOTE, branch, branch, false, options);
  }

  async resetBranch(oid: string, options: { readonly branch?: string | undefined } = {}): Promise<void> {
    const branch = await this.branchOf(options);
    await this.run(`reset ${branch} to ${oid}`, () => resetBranch(this.ctx, branch, oid));
  }

  /** The branch the remote's HEAD points at (its default branch), if it says. */
  private async remoteDefaultBranch(remote: string, options: PushBranchOptions): Promise<string | undefined> {
    const { http } = this.ctx;
    const url = await this.remoteUrl(remote);
    if (isSshUrl(url)) {
      const { stdout } = await runGitOverSsh(this.dir, ['ls-remote', '--symref', remote, 'HEAD'], this.ctx.ssh, `read the default branch of ${remote} (${redact(url)})`);
      return /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(stdout)?.[1];
    }
    const auth = authCallbacks(options.credentials ?? this.ctx.credentials);
    const refs = await this.run(
      `read the default branch of ${remote}`,
      () => git.listServerRefs({ http, url, prefix: 'HEAD', symrefs: true, protocolVersion: 2, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure }),
      url,
      auth.rejected,
    );
    const target = refs.find((r) => r.ref === 'HEAD')?.target;
    return target?.startsWith('refs/heads/') ? target.slice('refs/heads/'.length) : undefined;
  }

  async pushBranch(name: string, oid: string, options: PushBranchOptions = {}): Promise<void> {
    const { fs, dir } = this.ctx;
    const remote = options.remote ?? DEFAULT_REMOTE;
    if (!isBranchName(name)) {
      throw new TagstreamError('Git', `${JSON.stringify(name)}: expected a branch name without refs/heads/`);
    }
    const current = await this.currentBranch();
    if (name === current) {
      throw new TagstreamError('Git', `push branch ${name}: refusing, it is the checked-out branch; use push() for it`);
    }
    if (options.force) {
      // main/master are protected even when the server does not say which branch is its default.
      if (name === 'main' || name === 'master' || name === (await this.remoteDefaultBranch(remote, options))) {
        throw new TagstreamError('Git', `push branch ${name}: refusing to force-update the remote's default branch`);
      }
    }
    await this.run(`create branch ${name}`, () => git.writeRef({ fs, dir, ref: `refs/heads/${name}`, value: oid, force: true }));
    await this.pushRef(remote, name, name, options.force === true, options);
  }

  async log(options: GitLogOptions = {}): Promise<GitCommitInfo[]> {
    const { fs, dir, cache } = this.ctx;
    const ref = options.ref ?? 'HEAD';
    const entries = await this.run(`log ${ref}`, () => git.log({ fs, dir, ref, depth: options.depth, cache }));
    return entries.map(({ oid, commit }) => ({
      oid,
      message: commit.message,
      parents: [...commit.parent],
      author: { name: commit.author.name, email: commit.author.email, timestamp: commit.author.timestamp },
      committerTimestamp: commit.committer.timestamp,
    }));
  }

  async readFileAt(oid: string, path: string): Promise<Buffer | undefined> {
    const { fs, dir, cache } = this.ctx;
    const filepath = repoPath(path);
    try {
      const { blob } = await git.readBlob({ fs, dir, oid, filepath, cache });
      return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'NotFoundError') return undefined;
      throw toGitError(e, { operation: `read ${filepath} at ${oid}` });
    }
  }

  async changedFiles(oidA: string, oidB: string): Promise<string[]> {
    const { fs, dir, cache } = this.ctx;
    const changed = await this.run(`diff ${oidA}..${oidB}`, () =>
      git.walk({
        fs,
        dir,
        cache,
        trees: [git.TREE({ ref: oidA }), git.TREE({ ref: oidB })],
        map: async (filepath, [a, b]) => {
          if (filepath === '.') return undefined;
          const [ta, tb] = [await a?.type(), await b?.type()];
          const [oa, ob] = [await a?.oid(), await b?.oid()];
          // Identical subtree: skip its children entirely.
          if (ta === 'tree' && tb === 'tree') return oa === ob ? null : undefined;
          const blobChanged = (ta === 'blob' || tb === 'blob') && (ta !== tb || oa !== ob || (await a?.mode()) !== (await b?.mode()));
          return blobChanged ? filepath : undefined;
        },
      }),
    );
    return (changed as unknown[]).filter((p): p is string => typeof p === 'string').sort();
  }

  async recover(options: RecoverOptions = {}): Promise<RecoverResult> {
    return this.run(`recover ${this.dir}`, async () => {
      await repairObjectStore(this.ctx);
      const moves = await finishInterruptedMoves(this.ctx);
      return { ...(await recoverWorkingCopy(this.ctx, options)), ...moves };
    });
  }

  async repair(options: RepairOptions = {}): Promise<RepairResult> {
    const { fs, dir, cache } = this.ctx;
    return this.run(`repair ${this.dir}`, async () => {
      // repair() follows a detected crash: every loose object is checked, not only empty ones
      const repaired = await repairObjectStore(this.ctx, options.remote ?? DEFAULT_REMOTE, true);
      const result = { ...repaired, ...(await finishInterruptedMoves(this.ctx)) };
      const born = await git.resolveRef({ fs, dir, ref: 'HEAD' }).then(
        () => true,
        () => false,
      );
      for (const filepath of (options.unstage ?? []).map(repoPath)) {
        if (born) await git.resetIndex({ fs, dir, filepath, ref: 'HEAD', cache });
        else await git.remove({ fs, dir, filepath, cache });
      }
      return result;
    });
  }

  async readJournal(name: JournalName = 'run'): Promise<string | undefined> {
    return this.ctx.fs.promises.readFile(join(this.dir, '.git', JOURNAL_FILES[name]), 'utf8').catch(() => undefined);
  }

  indexCache(): Promise<IndexCache> {
    this.openedIndexCache ??= openIndexCacheFile(this.ctx.fs.promises, join(this.dir, '.git'));
    return this.openedIndexCache;
  }

  async indexWitness(): Promise<IndexWitness> {
    return gitIndexWitness(this.dir);
  }

  imageCreatedCache(): Promise<ImageCreatedCache> {
    this.openedImageCreatedCache ??= openImageCreatedFile(this.ctx.fs.promises, join(this.dir, '.git'));
    return this.openedImageCreatedCache;
  }

  async shallowCommits(): Promise<readonly string[]> {
    const text = await this.ctx.fs.promises.readFile(join(this.dir, '.git', 'shallow'), 'utf8').catch(() => '');
    return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
  }

  async writeJournal(text: JournalText | undefined, name: JournalName = 'run'): Promise<void> {
    const gitdir = join(this.dir, '.git');
    const file = join(gitdir, JOURNAL_FILES[name]);
    if (text === undefined) await this.ctx.fs.promises.rm(file, { force: true });
    else await writeFileAtomically(this.ctx.fs.promises, file, text, gitdir);
  }
}

function causedByNotFound(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    if ((cur as { code?: unknown }).code === 'NotFoundError') return true;
  }
  return false;
}
