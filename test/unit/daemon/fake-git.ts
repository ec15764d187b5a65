/** An in-memory GitPort for daemon unit tests: linear histories for the local branch and the remote. */
import type { GitCommitInfo, GitPort, GitRepository, PushWithRetryOptions } from '../../../src/ports/git.js';
import { TagstreamError } from '../../../src/errors.js';

export class FakeRepo implements GitRepository {
  /** Oldest first. */
  local: string[] = ['c0'];
  remote: string[] = ['c0'];
  fetched = 0;
  pushes = 0;
  commits: string[] = [];
  recovers = 0;
  failFetch: Error | undefined;

  constructor(readonly dir: string) {}

  async currentBranch() {
    return 'main';
  }
  async headOid() {
    return this.local[this.local.length - 1] as string;
  }
  async fetch() {
    this.fetched += 1;
    if (this.failFetch) throw this.failFetch;
    return this.remote[this.remote.length - 1];
  }
  async remoteHeadOid() {
    return this.remote[this.remote.length - 1];
  }
  async status() {
    return {};
  }
  async commit() {
    const oid = `local${this.commits.length + 1}`;
    this.commits.push(oid);
    this.local.push(oid);
    return oid;
  }
  async push() {
    const remoteHead = this.remote[this.remote.length - 1] as string;
    if (!this.local.includes(remoteHead)) throw new TagstreamError('PushRejected', 'not a fast-forward', { retryable: true });
    this.pushes += 1;
    this.remote = [...this.local];
  }
  async pushWithRetry(options: PushWithRetryOptions) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.push();
        return { outcome: 'pushed' as const, head: await this.headOid(), attempts: attempt };
      } catch (e) {
        if (attempt >= options.attempts) throw e;
      }
      this.local = [...this.remote];
      const head = await this.headOid();
      if ((await options.rebuild({ head, attempt })) === 'nothing-to-commit') return { outcome: 'nothing-to-commit' as const, head, attempts: attempt };
    }
  }
  async pushBranch() {}
  async log(options: { ref?: string } = {}): Promise<GitCommitInfo[]> {
    const ref = options.ref ?? (await this.headOid());
    const line = this.local.includes(ref) ? this.local : this.remote;
    const upto = line.slice(0, line.indexOf(ref) + 1).reverse();
    return upto.map((oid, i) => ({ oid, message: `${oid}\n`, parents: upto[i + 1] ? [upto[i + 1] as string] : [], author: { name: 'a', email: 'a@b', timestamp: 0 }, committerTimestamp: 0 }));
  }
  async readFileAt() {
    return undefined;
  }
  async changedFiles() {
    return [];
  }
  async recover() {
    this.recovers += 1;
    return { removedLocks: [], restoredPaths: [] };
  }
  journal: string | undefined;
  async repair() {
    return { removedObjects: [] };
  }
  /** Other records than the run journal, by name. */
  records = new Map<string, string>();
  async readJournal(name = 'run') {
    return name === 'run' ? this.journal : this.records.get(name);
  }
  async writeJournal(text: string | undefined, name = 'run') {
    if (name === 'run') this.journal = text;
    else if (text === undefined) this.records.delete(name);
    else this.records.set(name, text);
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
