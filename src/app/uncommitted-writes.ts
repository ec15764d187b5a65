/**
 * Tagstream's own changes left in the working tree. A writer that does not commit (a verb, a plain
 * `reconcile`) records, in the git directory, each file it wrote and the hash of the bytes it
 * wrote. A later `reconcile --commit` commits, with its own changes, every recorded file whose
 * content is still exactly those bytes (Tagstream's planned state); a file changed since (by a
 * human) stays out of the commit and is reported, as is any other managed file with changes.
 */
import type { FileChange } from '../domain/change-set.js';
import type { GitRepository } from '../ports/git.js';
import type { Workspace } from '../ports/workspace.js';
import { currentText, sha256 } from './run-journal.js';
import { writeFiles } from './write-files.js';

interface RecordedFile {
  readonly path: string;
  /** Hash of the bytes Tagstream wrote. */
  readonly sha256: string;
}

interface UncommittedRecord {
  readonly version: 1;
  readonly files: readonly RecordedFile[];
}

/** Why a file with changes was left out of a commit Tagstream made. */
export type LeftOutReason =
  /** Tagstream wrote it, and it has been changed since. */
  | 'changed-since-written'
  /** A managed file with changes Tagstream did not write. */
  | 'not-written-by-tagstream'
  /** Tagstream wrote it, but the remote branch changed it too while a push was retried. */
  | 'changed-on-remote';

export interface LeftOutFile {
  readonly path: string;
  readonly reason: LeftOutReason;
}

/** What a commit did with the changes found in the working tree besides the run's own. */
export interface WorkingTreeReport {
  /** Files Tagstream wrote earlier (a verb, a reconcile without --commit) that the commit includes. */
  readonly committed: readonly string[];
  /** Files with changes the commit left out. */
  readonly leftOut: readonly LeftOutFile[];
}

/**
 * One earlier write: its path and whether the file still holds exactly what Tagstream wrote
 * (`ours`), was changed since (`changed`), or was set aside because the remote branch changed
 * the file too while a push was retried (`remote-changed`).
 */
export interface EarlierWrite {
  readonly path: string;
  readonly state: 'ours' | 'changed' | 'remote-changed';
  /** The file's bytes now (null: removed since). */
  readonly text: Buffer | null;
}

function parse(text: string | undefined): RecordedFile[] {
  if (text === undefined) return [];
  try {
    const r = JSON.parse(text) as UncommittedRecord;
    return r.version === 1 && Array.isArray(r.files) ? r.files.filter((f) => typeof f.path === 'string' && typeof f.sha256 === 'string') : [];
  } catch {
    return [];
  }
}

/** Record `files` as written by Tagstream and not committed (no-op outside Git). */
export async function recordUncommittedWrites(git: GitRepository | undefined, files: readonly FileChange[]): Promise<void> {
  if (!git || files.length === 0) return;
  const byPath = new Map(parse(await git.readJournal('uncommitted')).map((f) => [f.path, f]));
  for (const f of files) byPath.set(f.path, { path: f.path, sha256: sha256(f.after) });
  const record: UncommittedRecord = { version: 1, files: [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path)) };
  await git.writeJournal(JSON.stringify(record), 'uncommitted');
}

/** Write `files` (all or none, see writeFiles) and record them for a later commit. */
export async function writeUncommitted(workspace: Workspace, git: GitRepository | undefined, files: readonly FileChange[]): Promise<void> {
  await writeFiles(workspace, files);
  await recordUncommittedWrites(git, files);
}

/** Tagstream's recorded writes, each checked against the working tree. */
export async function earlierWrites(git: GitRepository, workspace: Workspace): Promise<EarlierWrite[]> {
  const out: EarlierWrite[] = [];
  for (const f of parse(await git.readJournal('uncommitted'))) {
    const text = await currentText(workspace, f.path);
    out.push({ path: f.path, state: text !== null && sha256(text) === f.sha256 ? 'ours' : 'changed', text });
  }
  return out;
}

/** The recorded writes are committed (or reported): forget them. */
export async function forgetUncommittedWrites(git: GitRepository): Promise<void> {
  await git.writeJournal(undefined, 'uncommitted');
}

/**
 * The report of a commit: recorded writes it includes, and every managed file with changes it
 * leaves out (`managed`: the files that hold streams and workloads; `committed`: every path the
 * commit staged).
 */
export async function workingTreeReport(
  git: GitRepository,
  earlier: readonly EarlierWrite[],
  managed: readonly string[],
  committed: ReadonlySet<string>,
): Promise<WorkingTreeReport> {
  const leftOut = new Map<string, LeftOutFile>();
  for (const e of earlier) {
    if (!committed.has(e.path)) leftOut.set(e.path, { path: e.path, reason: e.state === 'remote-changed' ? 'changed-on-remote' : 'changed-since-written' });
  }
  const status = await git.status(managed.filter((p) => !committed.has(p) && !leftOut.has(p)));
  for (const [path, s] of Object.entries(status)) {
    if (s === 'modified' || s === 'added' || s === 'untracked' || s === 'deleted') leftOut.set(path, { path, reason: 'not-written-by-tagstream' });
  }
  return {
    committed: earlier.filter((e) => e.state === 'ours' && committed.has(e.path)).map((e) => e.path),
    leftOut: [...leftOut.values()].sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/**
 * After a rejected push reset the branch to the remote head, put Tagstream's earlier writes back
 * into the working tree (they were in the dropped commit). A file the remote branch changed too
 * since `base` gets them back as well, so nothing is lost, but is no longer committed: it is
 * reported for a human to merge.
 */
export async function restoreEarlierWrites(git: GitRepository, workspace: Workspace, earlier: readonly EarlierWrite[], base: string | undefined): Promise<EarlierWrite[]> {
  const head = await git.headOid().catch(() => undefined);
  const out: EarlierWrite[] = [];
  for (const e of earlier) {
    if (e.state !== 'ours' || e.text === null) {
      out.push(e);
      continue;
    }
    const before = base === undefined ? undefined : await git.readFileAt(base, e.path);
    const now = head === undefined ? undefined : await git.readFileAt(head, e.path);
    const same = before === undefined ? now === undefined : now !== undefined && before.equals(now);
    await workspace.writeFile(e.path, e.text);
    out.push(same ? e : { ...e, state: 'remote-changed' });
  }
  return out;
}
