/**
 * The run journal (crash convergence) keeps the old texts only while they can be needed: the
 * writing phase holds every file's old text (to put back an uncommitted write), the committed
 * phase only the paths (nothing is put back once committed). #16 memory: at the first reconcile's
 * peak the committed phase wrote every old text again as one JSON string.
 */
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { finishInterruptedRun, journalWriting, sha256 } from '../../../src/app/run-journal.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { journalTextOf, type GitRepository, type JournalText } from '../../../src/ports/git.js';
import { silentLog } from '../../../src/ports/log.js';
import { MemoryGitRemote } from '../../fakes/memory-git.js';
import { D1, fakeRegistry } from './tag-verb-fakes.js';

const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
spec:
  tags:
  - name: "1.0"
    from:
      kind: DockerImage
      name: quay.example.com/team/web:1.0
`;

interface Written {
  readonly phase: string;
  readonly files: readonly { path: string; before?: string | null; afterSha256: string }[];
}

/** The git repository, recording every run journal written. */
function recorded(git: GitRepository): { git: GitRepository; journals: Written[] } {
  const journals: Written[] = [];
  const wrapped = new Proxy(git, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'writeJournal' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (text: JournalText | undefined, name?: string) => {
        if (text !== undefined && (name ?? 'run') === 'run') journals.push(JSON.parse(journalTextOf(text)) as Written);
        return (value as (...a: unknown[]) => unknown).call(target, text, name);
      };
    },
  });
  return { git: wrapped, journals };
}

function setup() {
  const clone = new MemoryGitRemote({ 'is/web.yaml': STREAM }).clone();
  const { git, journals } = recorded(clone);
  const ctx: AppContext = {
    workspace: clone.workspace,
    settings: DEFAULT_REPO_SETTINGS,
    registry: { ...fakeRegistry({ 'quay.example.com/team/web:1.0': D1 }), inspect: async () => ({ digest: '', mediaType: '' }) },
    clock: fixedClock('2026-11-21T06:00:00Z'),
    log: silentLog,
    git,
  };
  return { ctx, git, journals, workspace: clone.workspace };
}

describe('run journal', () => {
  it('is written in pieces, one file at a time, as the text JSON.stringify makes of it', async () => {
    const pieces: string[][] = [];
    const git = { writeJournal: async (text: JournalText) => void pieces.push(typeof text === 'string' ? [text] : [...text]) } as unknown as GitRepository;
    const files = [
      { path: 'a.yaml', before: 'a: "1"\n\u00e9\n', after: 'a: 2\n' },
      { path: 'new.yaml', before: null, after: 'n: 1\n' },
    ];
    await journalWriting(git, files, true);
    await journalWriting(git, [], false);
    const whole = (commit: boolean, fs: typeof files) => JSON.stringify({ version: 1, phase: 'writing', commit, files: fs.map((f) => ({ path: f.path, before: f.before, afterSha256: sha256(f.after) })) });
    expect(pieces[0]?.length).toBe(4);
    expect(pieces.map((p) => p.join(''))).toEqual([whole(true, files), whole(false, [])]);
  });

  it('holds the old texts while writing, only paths and hashes once committed', async () => {
    const { ctx, journals } = setup();
    const r = await reconcile(ctx, { commit: { author: { name: 'T', email: 't@x' } } });
    expect(r.commit).toBeDefined();
    expect(journals.map((j) => j.phase)).toEqual(['writing', 'committed']);
    const [writing, committed] = journals as [Written, Written];
    expect(writing.files).toEqual([expect.objectContaining({ path: 'is/web.yaml', before: STREAM })]);
    expect(committed.files.map((f) => f.path)).toEqual(['is/web.yaml']);
    expect(committed.files[0]?.afterSha256).toBe(writing.files[0]?.afterSha256);
    expect(committed.files.every((f) => !('before' in f))).toBe(true);
  });

  it('a committed journal without old texts is finished: the commit is pushed, no file is put back', async () => {
    const { ctx, git, workspace } = setup();
    await reconcile(ctx, { commit: { author: { name: 'T', email: 't@x' } } });
    const head = await git.headOid();
    const committedText = (await workspace.readFile('is/web.yaml')).toString('utf8');
    // a run killed between its commit and its push
    await git.writeJournal(JSON.stringify({ version: 1, phase: 'committed', commit: true, files: [{ path: 'is/web.yaml', afterSha256: 'x' }], commitOid: head }));
    const finished = await finishInterruptedRun(git, workspace, silentLog);
    expect(finished).toEqual({ unpushedCommit: true, restored: [] });
    expect((await workspace.readFile('is/web.yaml')).toString('utf8')).toBe(committedText);
    expect(await git.readJournal()).toBeUndefined();
  });
});
