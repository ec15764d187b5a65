/**
 * An in-memory Git: a remote holding commits and branches, and working copies over a
 * memoryWorkspace. The fake side of the Git contract (test/contracts/git.contract.ts), which checks
 * it behaves like the isomorphic-git adapter against `git http-backend`. No index: a path not in
 * HEAD is `untracked` until committed.
 */
import { createHash } from 'node:crypto';
import { memoryWorkspace, type MemoryWorkspace } from './memory-workspace.js';
import { TagstreamError } from '../../src/errors.js';
import type {
  GitCommitInfo,
  GitCommitRequest,
  GitFileStatus,
  GitLogOptions,
  GitRemoteOptions,
  GitRepository,
  JournalName,
  JournalText,
  PushBranchOptions,
  RecoverResult,
  RepairResult,
} from '../../src/ports/git.js';
import { journalTextOf } from '../../src/ports/git.js';

type Tree = ReadonlyMap<string, string>;

interface MemoryCommit {
  readonly info: GitCommitInfo;
  readonly tree: Tree;
}

const IDENTITY = { name: 'Memory Git', email: 'memory@example.test' };

/** A remote: every commit ever made (object store shared with its clones) and its branches. */
export class MemoryGitRemote {
  readonly commits = new Map<string, MemoryCommit>();
  readonly branches = new Map<string, string>();

  /** A remote whose `main` has one commit holding `files`. */
  constructor(files: Record<string, string> = {}, now = 0) {
    const oid = this.store(new Map(Object.entries(files)), [], 'initial\n', IDENTITY, now);
    this.branches.set('main', oid);
  }

  store(tree: Tree, parents: readonly string[], message: string, author: { name: string; email: string }, timestamp: number): string {
    const sorted = [...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const oid = createHash('sha1').update(JSON.stringify({ sorted, parents, message, author, timestamp })).digest('hex');
    if (!this.commits.has(oid)) {
      this.commits.set(oid, { tree: new Map(sorted), info: { oid, message, parents: [...parents], author: { ...author, timestamp }, committerTimestamp: timestamp } });
    }
    return oid;
  }

  commit(oid: string): MemoryCommit {
    const c = this.commits.get(oid);
    if (!c) throw new TagstreamError('Git', `no commit ${oid}`);
    return c;
  }

  /** True when `ancestor` is reachable from `oid`. */
  reaches(oid: string, ancestor: string): boolean {
    const todo = [oid];
    const seen = new Set<string>();
    while (todo.length > 0) {
      const o = todo.pop()!;
      if (o === ancestor) return true;
      if (seen.has(o)) continue;
      seen.add(o);
      todo.push(...this.commit(o).info.parents);
    }
    return false;
  }

  /** A working copy of `branch` (default main). */
  clone(branch = 'main', dir = '/memory'): MemoryGitRepository {
    return new MemoryGitRepository(this, branch, dir);
  }
}

export class MemoryGitRepository implements GitRepository {
  readonly workspace: MemoryWorkspace;
  private head: string;
  private tracking: string | undefined;
  private readonly journals = new Map<JournalName, string>();
  private clockSeconds = 1_700_000_000;

  constructor(
    private readonly remote: MemoryGitRemote,
    private readonly branch: string,
    readonly dir: string,
  ) {
    const oid = remote.branches.get(branch);
    if (!oid) throw new TagstreamError('Git', `remote has no branch ${branch}`);
    this.head = oid;
    this.tracking = oid;
    this.workspace = memoryWorkspace(Object.fromEntries(remote.commit(oid).tree), dir);
  }

  /** The checked-out commit, without the port's promise (for test helpers). */
  get headCommit(): string {
    return this.head;
  }

  async currentBranch(): Promise<string | undefined> {
    return this.branch;
  }

  async headOid(): Promise<string> {
    return this.head;
  }

  async fetch(options: GitRemoteOptions = {}): Promise<string | undefined> {
    const oid = this.remote.branches.get(options.branch ?? this.branch);
    if ((options.branch ?? this.branch) === this.branch) this.tracking = oid;
    return oid;
  }

  async remoteHeadOid(): Promise<string | undefined> {
    return this.tracking;
  }

  async status(paths: readonly string[]): Promise<Record<string, GitFileStatus>> {
    const tree = this.remote.commit(this.head).tree;
    const out: Record<string, GitFileStatus> = {};
    for (const p of paths) {
      const now = this.workspace.files.get(p)?.toString('utf8');
      const then = tree.get(p);
      if (then === undefined) out[p] = now === undefined ? 'absent' : 'untracked';
      else if (now === undefined) out[p] = 'deleted';
      else out[p] = now === then ? 'unmodified' : 'modified';
    }
    return out;
  }

  async commit(request: GitCommitRequest): Promise<string | undefined> {
    const files = [...new Set(request.files)];
    if (files.length === 0) return undefined;
    const base = this.remote.commit(this.head).tree;
    const tree = new Map(base);
    for (const p of files) {
      const now = this.workspace.files.get(p);
      if (now === undefined) tree.delete(p);
      else tree.set(p, now.toString('utf8'));
    }
    if (tree.size === base.size && [...tree].every(([p, t]) => base.get(p) === t)) return undefined;
    const message = request.message.endsWith('\n') ? request.message : `${request.message}\n`;
    this.head = this.remote.store(tree, [this.head], message, request.author, request.timestamp ?? this.clockSeconds++);
    return this.head;
  }

  async push(options: GitRemoteOptions = {}): Promise<void> {
    const branch = options.branch ?? this.branch;
    const remoteHead = this.remote.branches.get(branch);
    if (remoteHead !== undefined && !this.remote.reaches(this.head, remoteHead)) {
      throw new TagstreamError('PushRejected', `push ${branch}: rejected, not a fast-forward (the remote has commits this copy lacks)`, { retryable: true });
    }
    this.remote.branches.set(branch, this.head);
    this.tracking = this.head;
  }

  async resetBranch(oid: string): Promise<void> {
    this.resetTo(oid);
  }

  async pushBranch(name: string, oid: string, options: PushBranchOptions = {}): Promise<void> {
    const current = this.remote.branches.get(name);
    if (name === this.branch || ['main', 'master'].includes(name)) throw new TagstreamError('Git', `pushBranch refuses ${name}`);
    if (current !== undefined && !options.force && !this.remote.reaches(oid, current)) {
      throw new TagstreamError('PushRejected', `push ${name}: rejected, not a fast-forward`, { retryable: true });
    }
    this.remote.branches.set(name, oid);
  }

  async log(options: GitLogOptions = {}): Promise<GitCommitInfo[]> {
    const ref = options.ref ?? 'HEAD';
    let oid: string | undefined = ref === 'HEAD' ? this.head : (this.remote.branches.get(ref) ?? ref);
    const out: GitCommitInfo[] = [];
    while (oid !== undefined && (options.depth === undefined || out.length < options.depth)) {
      const c = this.remote.commit(oid);
      out.push(c.info);
      oid = c.info.parents[0];
    }
    return out;
  }

  async readFileAt(oid: string, path: string): Promise<Buffer | undefined> {
    const text = this.remote.commit(oid).tree.get(path);
    return text === undefined ? undefined : Buffer.from(text);
  }

  async changedFiles(oidA: string, oidB: string): Promise<string[]> {
    const [a, b] = [this.remote.commit(oidA).tree, this.remote.commit(oidB).tree];
    return [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
  }

  async recover(): Promise<RecoverResult> {
    const tree = this.remote.commit(this.head).tree;
    const restored: string[] = [];
    for (const [p, t] of tree) {
      if (this.workspace.files.get(p)?.toString('utf8') !== t) {
        await this.workspace.writeFile(p, t);
        restored.push(p);
      }
    }
    return { removedLocks: [], restoredPaths: restored.sort() };
  }

  async repair(): Promise<RepairResult> {
    return { removedObjects: [] };
  }

  async readJournal(name: JournalName = 'run'): Promise<string | undefined> {
    return this.journals.get(name);
  }

  async writeJournal(text: JournalText | undefined, name: JournalName = 'run'): Promise<void> {
    if (text === undefined) this.journals.delete(name);
    else this.journals.set(name, journalTextOf(text));
  }

  /** Move the branch and the tracked files to `oid` (what the adapter's reset does). */
  private resetTo(oid: string): void {
    const before = this.remote.commit(this.head).tree;
    const after = this.remote.commit(oid).tree;
    for (const p of before.keys()) if (!after.has(p)) void this.workspace.removeFile(p);
    for (const [p, t] of after) void this.workspace.writeFile(p, t);
    this.head = oid;
  }
}
