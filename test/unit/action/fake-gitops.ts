/**
 * An in-memory stand-in for the reconcile use case and a Git remote, just rich enough for the
 * Action's flows: the base branch holds one digest per `ns/stream:tag`, a registry serves the
 * newest, and reconcile plans the difference (honouring extraHolds and onlyMoves), committing a
 * tree that depends only on the moves (so the same moves give the same tree).
 */
import type { AppContext, ReconcileOptions, ReconcileResult } from '../../../src/app/app-context.js';
import type { ChangeSet, HeldTag, TagFailure, TagMove } from '../../../src/domain/change-set.js';
import type { GitCommitInfo, GitRepository, PushBranchOptions } from '../../../src/ports/git.js';
import type { BaseCheckout } from '../../../src/app/pull-request-mode.js';

interface Commit {
  readonly parents: string[];
  readonly tree: Record<string, string>;
  readonly message: string;
}

export class FakeRemote {
  readonly branches = new Map<string, string>();
  readonly commits = new Map<string, Commit>();
  readonly pushes: { branch: string; oid: string; force: boolean }[] = [];
  private n = 0;

  constructor(baseTree: Record<string, string>) {
    this.branches.set('main', this.addCommit({ parents: [], tree: baseTree, message: 'initial' }));
  }

  addCommit(c: Commit): string {
    const oid = (++this.n).toString(16).padStart(40, '0');
    this.commits.set(oid, c);
    return oid;
  }

  tree(oid: string): Record<string, string> {
    return this.commits.get(oid)!.tree;
  }

  /** A human merges a branch's tree into main (fast-forward-ish: new commit on main with that tree). */
  mergeToMain(branch: string): void {
    const tree = this.tree(this.branches.get(branch)!);
    this.branches.set('main', this.addCommit({ parents: [this.branches.get('main')!, this.branches.get(branch)!], tree: { ...tree }, message: `Merge ${branch}` }));
  }
}

/** A working copy of `remote` checked out at main's head. */
export function fakeCheckout(remote: FakeRemote): BaseCheckout {
  let head = remote.branches.get('main')!;
  const git: Partial<GitRepository> = {
    dir: '/fake',
    currentBranch: async () => 'main',
    headOid: async () => head,
    fetch: async (o) => remote.branches.get(o?.branch ?? 'main'),
    log: async (o) => {
      const oid = o?.ref ?? head;
      const c = remote.commits.get(oid)!;
      const info: GitCommitInfo = { oid, message: c.message, parents: c.parents, author: { name: 'x', email: 'x@x', timestamp: 0 }, committerTimestamp: 0 };
      return [info];
    },
    changedFiles: async (a, b) => {
      const ta = remote.tree(a);
      const tb = remote.tree(b);
      return [...new Set([...Object.keys(ta), ...Object.keys(tb)])].filter((k) => ta[k] !== tb[k]).sort();
    },
    pushBranch: async (name: string, oid: string, o?: PushBranchOptions) => {
      if (name === 'main') throw new Error('test: PR mode must never push main');
      remote.pushes.push({ branch: name, oid, force: o?.force ?? false });
      remote.branches.set(name, oid);
    },
  };
  const ctx = { git: git as GitRepository, setHead: (oid: string) => (head = oid) };
  return ctx as unknown as BaseCheckout;
}

/** Tag -> digest the registry serves now; tags absent from the base are new. */
export function fakeReconcile(remote: FakeRemote, registry: Map<string, string>, unreachable: ReadonlySet<string> = new Set()) {
  const calls: ReconcileOptions[] = [];
  const reconcile = async (ctx: AppContext, options: ReconcileOptions): Promise<ReconcileResult> => {
    calls.push(options);
    const git = ctx.git!;
    const head = await git.headOid();
    const base = remote.tree(head);
    const moves: TagMove[] = [];
    const held: HeldTag[] = [];
    const failures: TagFailure[] = [];
    for (const [key, digest] of registry) {
      const [s, t] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      if (unreachable.has(key)) {
        failures.push({ stream: s, tag: t, reason: 'RegistryTransient', message: 'registry unreachable' });
        continue;
      }
      if (base[key] === digest) continue;
      const hold = options.extraHolds?.get(key)?.find((h) => h.image === digest);
      const [stream, tag] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      if (hold) {
        held.push({ stream, tag, image: digest, heldBy: hold.heldBy, reason: 'pull-request-closed' });
        continue;
      }
      if (options.onlyMoves && !options.onlyMoves(stream, tag)) continue;
      const from = base[key];
      moves.push({ stream, tag, from: from ? { image: from, reference: `r/${stream}@${from}` } : undefined, to: { image: digest, reference: `r/${stream}@${digest}` }, reason: from ? 'scheduled' : 'new-tag' });
    }
    const changeSet: ChangeSet = {
      moves,
      workloads: [],
      targets: [],
      held,
      failures,
      diagnostics: [],
      files: moves.map((m) => ({ path: `${m.stream}.yaml`, before: null, after: m.to.image })),
    };
    const exitCode = failures.length > 0 ? 1 : 0;
    if (options.dryRun || !options.commit || moves.length === 0) return { changeSet, pushed: false, exitCode };
    const tree = { ...base };
    for (const m of moves) tree[`${m.stream}:${m.tag}`] = m.to.image;
    const oid = remote.addCommit({ parents: [head], tree, message: moves.map((m) => `Tagstream-Move: ${m.stream}:${m.tag}`).join('\n') });
    (ctx as unknown as { setHead: (o: string) => void }).setHead(oid);
    return { changeSet, commit: oid, pushed: false, exitCode };
  };
  return { reconcile, calls };
}
