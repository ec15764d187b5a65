/**
 * The contract-checked in-memory Git (test/fakes/memory-git.ts) with its commits named by short
 * test labels (`c0`, `local1`, `human1`), for daemon and push-retry unit tests that read like
 * history diagrams: `local` and `remote` are the first-parent lines of the working copy and of the
 * remote's `main`, oldest first, and can be set to stage a race. The port answers labels where
 * Git answers object ids (the code under test treats both as opaque); everything else — commit,
 * push refused as a non-fast-forward, reset, fetch, log — is MemoryGit's behaviour. Counters
 * (`fetched`, `pushes`, `recovers`, `resets`) record what the daemon asked.
 */
import type { GitCommitInfo, GitCommitRequest, GitLogOptions, GitPort, GitRemoteOptions, GitRepository, JournalName, JournalText, PushBranchOptions } from '../../../src/ports/git.js';
import { MemoryGitRemote, type MemoryGitRepository } from '../../fakes/memory-git.js';

const IDENTITY = { name: 'Test', email: 'test@example.test' };

export class FakeRepo implements GitRepository {
  readonly origin = new MemoryGitRemote();
  readonly copy: MemoryGitRepository;
  fetched = 0;
  pushes = 0;
  /** Labels of the commits made through `commit`, in order (`local1`, `local2`, …). */
  commits: string[] = [];
  recovers = 0;
  resets: string[] = [];
  failFetch: Error | undefined;
  private readonly labelOf = new Map<string, string>();
  private readonly oidOf = new Map<string, string>();

  constructor(readonly dir: string) {
    this.name(this.origin.branches.get('main')!, 'c0');
    this.copy = this.origin.clone('main', dir);
  }

  /** The working copy's files (what a reconcile in it reads and writes). */
  get workspace(): MemoryGitRepository['workspace'] {
    return this.copy.workspace;
  }

  /** The working copy's branch, oldest first. */
  get local(): string[] {
    return this.line(this.copy.headCommit);
  }

  /** Move the working copy's branch (and files) to a line of commits, made up as needed. */
  set local(labels: string[]) {
    void this.copy.resetBranch(this.build(labels));
  }

  /** The remote's `main`, oldest first ([] when the branch does not exist). */
  get remote(): string[] {
    const head = this.origin.branches.get('main');
    return head === undefined ? [] : this.line(head);
  }

  /** Someone else pushes: the remote's `main` becomes this line ([] deletes it). */
  set remote(labels: string[]) {
    if (labels.length === 0) this.origin.branches.delete('main');
    else this.origin.branches.set('main', this.build(labels));
  }

  async currentBranch() {
    return this.copy.currentBranch();
  }
  async headOid() {
    return this.label(await this.copy.headOid());
  }
  async fetch(options?: GitRemoteOptions) {
    this.fetched += 1;
    if (this.failFetch) throw this.failFetch;
    const oid = await this.copy.fetch(options);
    return oid === undefined ? undefined : this.label(oid);
  }
  async remoteHeadOid() {
    const oid = await this.copy.remoteHeadOid();
    return oid === undefined ? undefined : this.label(oid);
  }
  async status(paths: readonly string[]) {
    return this.copy.status(paths);
  }
  /** Without a request (a test's stand-in for a rebuild): commit one new file, so there is always something to commit. */
  async commit(request?: GitCommitRequest) {
    const label = `local${this.commits.length + 1}`;
    if (request === undefined) {
      const path = `.test-commits/${label}`;
      await this.copy.workspace.writeFile(path, `${label}\n`);
      request = { files: [path], message: label, author: IDENTITY };
    }
    const oid = await this.copy.commit(request);
    if (oid === undefined) return undefined;
    this.name(oid, label);
    this.commits.push(label);
    return label;
  }
  async push(options?: GitRemoteOptions) {
    await this.copy.push(options);
    this.pushes += 1;
  }
  async resetBranch(label: string) {
    this.resets.push(label);
    await this.copy.resetBranch(this.oid(label));
  }
  async pushBranch(name: string, label: string, options?: PushBranchOptions) {
    await this.copy.pushBranch(name, this.oid(label), options);
  }
  async log(options: GitLogOptions = {}): Promise<GitCommitInfo[]> {
    const infos = await this.copy.log(options.ref === undefined ? options : { ...options, ref: this.oid(options.ref) });
    return infos.map((c) => ({ ...c, oid: this.label(c.oid), parents: c.parents.map((p) => this.label(p)) }));
  }
  async readFileAt(label: string, path: string) {
    return this.copy.readFileAt(this.oid(label), path);
  }
  async changedFiles(a: string, b: string) {
    return this.copy.changedFiles(this.oid(a), this.oid(b));
  }
  async recover() {
    this.recovers += 1;
    return this.copy.recover();
  }
  async repair() {
    return this.copy.repair();
  }
  async readJournal(name?: JournalName) {
    return this.copy.readJournal(name);
  }
  async writeJournal(text: JournalText | undefined, name?: JournalName) {
    await this.copy.writeJournal(text, name);
  }

  private name(oid: string, label: string): void {
    this.labelOf.set(oid, label);
    this.oidOf.set(label, oid);
  }
  private label(oid: string): string {
    return this.labelOf.get(oid) ?? oid;
  }
  private oid(labelOrOid: string): string {
    return this.oidOf.get(labelOrOid) ?? labelOrOid;
  }
  /** First-parent line ending at `oid`, oldest first, as labels. */
  private line(oid: string): string[] {
    const out: string[] = [];
    for (let o: string | undefined = oid; o !== undefined; o = this.origin.commit(o).info.parents[0]) out.push(this.label(o));
    return out.reverse();
  }
  /** The commit at the end of `labels`, each made (on the one before, same files) if new. */
  private build(labels: readonly string[]): string {
    let parent: string | undefined;
    for (const label of labels) {
      let oid = this.oidOf.get(label);
      if (oid === undefined) {
        const tree = parent === undefined ? new Map<string, string>() : this.origin.commit(parent).tree;
        oid = this.origin.store(tree, parent === undefined ? [] : [parent], `${label}\n`, IDENTITY, 0);
        this.name(oid, label);
      }
      parent = oid;
    }
    if (parent === undefined) throw new Error('a line of commits needs at least one');
    return parent;
  }
}

export function fakeGitPort(repo: FakeRepo): GitPort & { opened: number; cloned: number } {
  const port = {
    opened: 0,
    cloned: 0,
    async open() {
      port.opened += 1;
      return repo;
    },
    async clone() {
      port.cloned += 1;
      return repo;
    },
  };
  return port;
}
