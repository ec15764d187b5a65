/**
 * A fresh clone with a restored index cache (a CI job, the Action with actions/cache): every file
 * has new inodes and times, so Tagstream's own stat records know none of them, but Git's index
 * vouches for each file's blob id. The inventory then reads no file it does not edit, and gives the
 * ChangeSet an uncached run gives. A file changed after the checkout is read (its stat no longer
 * matches its index entry), and so is a file whose staged blob is not the one the cache recorded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateMonorepo } from '../../../bench/monorepo.js';
import { materialize } from '../../../bench/run-bench.js';
import { directoryWorkspace } from '../../../src/adapters/fs/directory-workspace.js';
import { gitIndexWitness } from '../../../src/adapters/git/git-index-file.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { IndexWitness } from '../../../src/ports/git.js';
import type { IndexCache } from '../../../src/ports/index-cache.js';
import { silentLog } from '../../../src/ports/log.js';
import type { Workspace } from '../../../src/ports/workspace.js';
import { countingWorkspace } from '../../fakes/counting-workspace.js';
import { everyImageRegistry } from '../../fakes/every-image-registry.js';
import { memoryIndexCache, restoredIndexCache, type MemoryIndexCache } from '../../fakes/memory-index-cache.js';

async function changeSetOf(workspace: Workspace, indexCache?: IndexCache, indexWitness?: IndexWitness) {
  const ctx: AppContext = { workspace, settings: DEFAULT_REPO_SETTINGS, registry: everyImageRegistry, clock: fixedClock('2026-11-21T06:00:00Z'), log: silentLog };
  return (await reconcile(ctx, { dryRun: true }, { indexCache, indexWitness })).changeSet;
}

let work: string;
let origin: string;
let yamlFiles: string[];
let recorded: MemoryIndexCache;

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh clone of the origin, as a CI job checks it out. */
function freshClone(name: string): string {
  const dir = path.join(work, name);
  git(work, 'clone', '-q', origin, dir);
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tagstream-gitindex-'));
  origin = path.join(work, 'origin');
  const repo = generateMonorepo({ files: 30, workloads: 120, streams: 10, tagsPerStream: 2, triggerEvery: 3, streamsPerNamespace: 3, seed: 13, registryHost: 'registry.test:5000' });
  await materialize(origin, repo);
  yamlFiles = [...repo.files.keys()].filter((p) => /\.ya?ml$/.test(p) && !p.startsWith('.')).sort();
});

// As in index-cache-stat.test.ts: the inventory's clock 10 s ahead, so no file is in the racy window.
beforeEach(async () => {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 10_000);
  // the cache a run in the origin leaves (what actions/cache restores)
  recorded = memoryIndexCache();
  await changeSetOf(directoryWorkspace(origin), recorded);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("index cache over a fresh clone, by Git's index", () => {
  it('reads no file it does not edit and gives the uncached ChangeSet; without the witness it reads them all', async () => {
    const clone = freshClone('clean');
    const uncached = await changeSetOf(directoryWorkspace(clone));
    expect(uncached.files.length).toBeGreaterThan(0);

    const witnessed = countingWorkspace(clone);
    const cache = restoredIndexCache(recorded);
    expect(await changeSetOf(witnessed.ws, cache, gitIndexWitness(clone))).toEqual(uncached);
    // Only racily clean entries are read: files checked out in the same clock tick as the index was
    // written (Linux file times advance by the scheduler tick) may have changed unseen.
    const indexWritten = statSync(path.join(clone, '.git', 'index'), { bigint: true }).mtimeNs;
    const racy = yamlFiles.filter((p) => statSync(path.join(clone, p), { bigint: true }).mtimeNs >= indexWritten);
    expect(racy.length).toBeLessThan(yamlFiles.length / 2);
    expect(witnessed.reads.batch.sort()).toEqual(racy);
    expect(witnessed.reads.single).toEqual([]);
    // the files the (dry) run edits are read on first use, unless already read as racy
    expect(new Set(witnessed.reads.now)).toEqual(new Set(uncached.files.map((f) => f.path).filter((p) => !racy.includes(p))));
    // the clone's own stat records are stored for the next run, which then needs no witness
    const again = countingWorkspace(clone);
    expect(await changeSetOf(again.ws, restoredIndexCache(cache))).toEqual(uncached);
    expect(again.reads.batch).toEqual([]);

    const blind = countingWorkspace(clone);
    expect(await changeSetOf(blind.ws, restoredIndexCache(recorded))).toEqual(uncached);
    expect(blind.reads.batch.length).toBeGreaterThanOrEqual(yamlFiles.length);
  });

  it('reads a file changed after the checkout, and one whose staged blob is not the one the cache recorded', async () => {
    const clone = freshClone('changed');
    const triggered = yamlFiles.filter((p) => readFileSync(path.join(clone, p), 'utf8').includes('image.openshift.io/triggers'));
    const [edited, staged] = triggered;
    const rename = (p: string) => {
      const abs = path.join(clone, p);
      const text = readFileSync(abs, 'utf8');
      writeFileSync(abs, text.replace(/name: (\w)/, (_m, c: string) => `name: ${c === 'z' ? 'y' : 'z'}`));
    };
    rename(edited!);
    rename(staged!);
    git(clone, 'add', staged!);

    const counted = countingWorkspace(clone);
    expect(await changeSetOf(counted.ws, restoredIndexCache(recorded), gitIndexWitness(clone))).toEqual(await changeSetOf(directoryWorkspace(clone)));
    expect(counted.reads.batch.sort()).toEqual([edited, staged].sort());
  });
});
