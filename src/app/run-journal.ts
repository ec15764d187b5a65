/**
 * Crash convergence for writing runs. Before its first file write a run records, in a journal in
 * the git directory, each file it is about to change (its old text and the hash of its new one);
 * after the commit it records the commit; when the run ends the journal goes. A run that finds a
 * journal knows the previous one was killed and finishes the job before planning:
 * - the git directory is repaired (temporaries, empty objects, a damaged branch head, a tracking
 *   ref an interrupted fetch moved to a commit it had not stored yet) and a reset
 *   of the branch to the remote head (a push retry) that the kill interrupted is completed, so the
 *   working tree and the index are HEAD's again, not a half-done checkout;
 * - files the dead run wrote but did not commit (their content is still exactly what it wrote)
 *   are put back as they were and unstaged, so this run plans, writes and commits them again in
 *   one commit, as an uninterrupted run would have; a file changed since by someone else is kept;
 * - half-written temporaries of the workspace are removed (never committed);
 * - a commit that was made but not pushed is pushed by this run (`unpushedCommit`); a commit a push
 *   retry already dropped (the branch was reset past it) is not: this run plans it again.
 */
import { createHash } from 'node:crypto';
import type { FileChange } from '../domain/change-set.js';
import type { GitRepository } from '../ports/git.js';
import type { Log } from '../ports/log.js';
import type { Workspace } from '../ports/workspace.js';

interface JournalFile {
  readonly path: string;
  /** The old text (null: a new file); only the writing phase keeps it, the only one that reads it. */
  readonly before?: string | null;
  readonly afterSha256: string;
}

interface Journal {
  readonly version: 1;
  /** `writing`: files may be on disk, not committed; `committed`: `commit` made, maybe not pushed. */
  readonly phase: 'writing' | 'committed';
  /** Whether the run was to commit (a plain `reconcile` leaves its writes in the working tree). */
  readonly commit: boolean;
  readonly files: readonly JournalFile[];
  readonly commitOid?: string | undefined;
}

/** The hash a record keeps of a file's content. */
export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function parse(text: string): Journal | undefined {
  try {
    const j = JSON.parse(text) as Journal;
    return j.version === 1 && Array.isArray(j.files) ? j : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The journal of the writing phase as JSON text in pieces, one file at a time: the same text as
 * `JSON.stringify` of the Journal, never held whole (it holds the old text of every file: at the
 * first reconcile at 4x, one 35 MB string built on top of the heap's peak).
 */
function* writingJournalText(files: readonly FileChange[], commit: boolean): Generator<string> {
  yield `{"version":1,"phase":"writing","commit":${JSON.stringify(commit)},"files":[`;
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as FileChange;
    const entry: JournalFile = { path: f.path, before: f.before, afterSha256: sha256(f.after) };
    yield (i === 0 ? '' : ',') + JSON.stringify(entry);
  }
  yield ']}';
}

/** Record the files a run is about to write. */
export async function journalWriting(git: GitRepository, files: readonly FileChange[], commit: boolean): Promise<void> {
  await git.writeJournal(writingJournalText(files, commit));
}

/** Record that the written files are in `commitOid` (only the push may be missing). */
export async function journalCommitted(git: GitRepository, files: readonly FileChange[], commitOid: string): Promise<void> {
  const journal: Journal = {
    version: 1,
    phase: 'committed',
    commit: true,
    // Without the old texts: once committed nothing is put back (see finishInterruptedRun), and
    // at the first reconcile's peak every old text again in one JSON string was its largest block.
    files: files.map((f) => ({ path: f.path, afterSha256: sha256(f.after) })),
    commitOid,
  };
  await git.writeJournal(JSON.stringify(journal));
}

/** The run ended (done or failed cleanly): nothing to finish. */
export async function journalDone(git: GitRepository): Promise<void> {
  await git.writeJournal(undefined);
}

export interface InterruptedRun {
  /** A commit was made by the dead run and may not have reached the remote. */
  readonly unpushedCommit: boolean;
  /** Files put back as they were before the dead run wrote them. */
  readonly restored: readonly string[];
}

/** A file's bytes in the working tree, or null when it does not exist. */
export async function currentText(workspace: Workspace, path: string): Promise<Buffer | null> {
  try {
    return await workspace.readFile(path);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return null;
    throw e;
  }
}

/** Finish what a killed run left (see the file comment); undefined when the last run ended. */
export async function finishInterruptedRun(git: GitRepository, workspace: Workspace, log: Log, remote?: string): Promise<InterruptedRun | undefined> {
  const text = await git.readJournal();
  if (text === undefined) return undefined;
  const journal = parse(text);
  const files = journal?.files ?? [];
  for (const f of files) await workspace.removeTemporaries(f.path);
  const repaired = await git.repair({ remote, unstage: journal?.commit ? files.map((f) => f.path) : [] });
  const head = await git.headOid().catch(() => undefined);
  const restored: string[] = [];
  // Put back only Tagstream's own uncommitted writes: content still exactly what it wrote. Once
  // committed there is nothing to put back: the files are in the commit, or a push retry reset
  // the branch past it (repair completed that reset) and this run plans them again.
  for (const f of journal?.commit && journal.phase === 'writing' ? files : []) {
    const now = await currentText(workspace, f.path);
    if (now === null || sha256(now) !== f.afterSha256) continue;
    const atHead = head === undefined ? undefined : await git.readFileAt(head, f.path);
    if (atHead !== undefined && atHead.equals(now)) continue; // committed after all
    if (f.before === null) await workspace.removeFile(f.path);
    else if (f.before !== undefined) await workspace.writeFile(f.path, f.before);
    else continue; // a writing journal always holds the old text; a damaged one is not trusted
    restored.push(f.path);
  }
  log.warn('finishing an interrupted run', {
    phase: journal?.phase ?? 'unreadable journal',
    restored,
    removedObjects: repaired.removedObjects,
    ...(repaired.resetBranch ? { resetBranch: repaired.resetBranch } : {}),
    ...(repaired.finishedReset ? { finishedReset: repaired.finishedReset } : {}),
    ...(repaired.revertedFetch ? { revertedFetch: repaired.revertedFetch } : {}),
  });
  await journalDone(git);
  // The journal's commit is unpushed only while the branch still holds it.
  return { unpushedCommit: journal?.phase === 'committed' && head === journal.commitOid, restored };
}
