/**
 * Stat records of the persistent index cache (#16): over a real directory, a run whose files did not
 * change reads none of them (their blob ids come from the recorded stat signatures), and still gives
 * exactly the ChangeSet an uncached run gives. A file rewritten with the same size and its mtime set
 * back is read again (its ctime moved); a file changed while a run holds its answer is refused with a
 * located error instead of being edited from a stale index; a file changed within the racy window
 * gets no record; a corrupt record is ignored.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateMonorepo } from '../../../bench/monorepo.js';
import { materialize } from '../../../bench/run-bench.js';
import { directoryWorkspace } from '../../../src/adapters/fs/directory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { eachFileChange } from '../../../src/app/object-change.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { ManifestError } from '../../../src/errors.js';
import { buildInventory } from '../../../src/inventory/inventory.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { IndexCache } from '../../../src/ports/index-cache.js';
import { silentLog } from '../../../src/ports/log.js';
import type { Workspace } from '../../../src/ports/workspace.js';
import { everyImageRegistry } from '../../fakes/every-image-registry.js';
import { memoryIndexCache, restoredIndexCache } from '../../fakes/memory-index-cache.js';
import { countingWorkspace } from '../../fakes/counting-workspace.js';

async function changeSetOf(workspace: Workspace, indexCache?: IndexCache) {
  const ctx: AppContext = { workspace, settings: DEFAULT_REPO_SETTINGS, registry: everyImageRegistry, clock: fixedClock('2026-11-21T06:00:00Z'), log: silentLog };
  return (await reconcile(ctx, { dryRun: true }, { indexCache })).changeSet;
}

const ROUND_SECONDS = 1_790_000_000;
let root: string;
let yamlFiles: string[];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'tagstream-stat-'));
  const repo = generateMonorepo({ files: 30, workloads: 120, streams: 10, tagsPerStream: 2, triggerEvery: 3, streamsPerNamespace: 3, seed: 11, registryHost: 'registry.test:5000' });
  await materialize(root, repo);
  yamlFiles = [...repo.files.keys()].filter((p) => /\.ya?ml$/.test(p) && !p.startsWith('.')).sort();
  // A whole-second mtime, which utimes can set back exactly (see the second test).
  for (const p of yamlFiles) utimesSync(path.join(root, p), ROUND_SECONDS, ROUND_SECONDS);
});

// The clock the inventory compares file times with, 10 s ahead: every file is older than the racy
// window (100 ms here, 2 s on whole-second filesystems), unless a test sets it otherwise.
beforeEach(() => {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 10_000);
});
afterEach(() => {
  vi.useRealTimers();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('index cache stat records over a directory', () => {
  it('a run over unchanged files reads none of them and gives the uncached ChangeSet', async () => {
    const uncached = await changeSetOf(directoryWorkspace(root));
    expect(uncached.files.length).toBeGreaterThan(0);

    const cold = memoryIndexCache();
    const first = countingWorkspace(root);
    expect(await changeSetOf(first.ws, cold)).toEqual(uncached);
    expect(first.reads.batch.length).toBeGreaterThanOrEqual(yamlFiles.length);
    expect([...cold.stored.keys()].filter((k) => k.startsWith('stat:')).length).toBe(first.reads.batch.length);

    const warm = restoredIndexCache(cold);
    const second = countingWorkspace(root);
    expect(await changeSetOf(second.ws, warm)).toEqual(uncached);
    expect(second.reads.batch).toEqual([]);
    expect(second.reads.single).toEqual([]);
    // Only the files the (dry) run edits are read, on first use.
    expect(new Set(second.reads.now)).toEqual(new Set(uncached.files.map((f) => f.path)));

    // The inventory itself: same objects, every file answered by the cache.
    const a = await buildInventory(directoryWorkspace(root), DEFAULT_REPO_SETTINGS);
    const b = await buildInventory(directoryWorkspace(root), DEFAULT_REPO_SETTINGS, { indexCache: restoredIndexCache(cold) });
    expect({ ...b, files: [...b.files.keys()], stats: undefined, targets: undefined }).toEqual({ ...a, files: [...a.files.keys()], stats: undefined, targets: undefined });
    expect(b.stats?.cacheHits).toBe(a.stats?.filesScanned);
  });

  it('a file rewritten with the same size and its old mtime is read again (ctime moved) and gives the new result', async () => {
    const cache = memoryIndexCache();
    await changeSetOf(directoryWorkspace(root), cache);
    const target = yamlFiles.find((p) => readFileSync(path.join(root, p), 'utf8').includes('image.openshift.io/triggers'))!;
    const abs = path.join(root, target);
    const before = statSync(abs);
    const text = readFileSync(abs, 'utf8');
    // same length: one workload renamed by a letter
    const changed = text.replace(/name: (\w)/, (_m, c: string) => `name: ${c === 'z' ? 'y' : 'z'}`);
    expect(changed.length).toBe(text.length);
    expect(changed).not.toBe(text);
    try {
      writeFileSync(abs, changed);
      utimesSync(abs, ROUND_SECONDS, ROUND_SECONDS);
      expect(statSync(abs).mtimeMs).toBe(before.mtimeMs);
      const counted = countingWorkspace(root);
      expect(await changeSetOf(counted.ws, restoredIndexCache(cache))).toEqual(await changeSetOf(directoryWorkspace(root)));
      expect(counted.reads.batch).toEqual([target]);
    } finally {
      writeFileSync(abs, text);
      utimesSync(abs, ROUND_SECONDS, ROUND_SECONDS);
    }
  });

  it('a file changed after the inventory answered for it is refused with a located error, not edited', async () => {
    const cache = memoryIndexCache();
    await changeSetOf(directoryWorkspace(root), cache);
    const inventory = await buildInventory(directoryWorkspace(root), DEFAULT_REPO_SETTINGS, { indexCache: cache });
    const edited = [...inventory.files.keys()][0]!;
    const abs = path.join(root, edited);
    const text = readFileSync(abs, 'utf8');
    try {
      writeFileSync(abs, `${text}# changed meanwhile\n`);
      let error: unknown;
      try {
        inventory.files.get(edited);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as ManifestError).location?.file).toBe(edited);
      expect((error as ManifestError).message).toMatch(/changed on disk while Tagstream was running/);
      // The write phase reports it for that file and goes on with the others.
      const other = [...inventory.files.keys()][1]!;
      const outcomes = [...eachFileChange([edited, other].map((file) => ({ file, edits: [{ op: 'set' as const, doc: 0, path: ['metadata', 'labels', 'touched'], value: 'yes' }] })), inventory.files)];
      expect(outcomes.map((o) => ('error' in o ? `error ${o.error.location?.file}` : `change ${o.change.path}`))).toEqual([`error ${edited}`, `change ${other}`]);
    } finally {
      writeFileSync(abs, text);
    }
  });

  it('a file changed within the racy window gets no stat record; a corrupt record is ignored', async () => {
    const fresh = yamlFiles[1]!;
    const abs = path.join(root, fresh);
    writeFileSync(abs, readFileSync(abs));
    // 50 ms after the change: inside the racy window
    vi.setSystemTime(statSync(abs).ctimeMs + 50);
    const cache = memoryIndexCache();
    await changeSetOf(directoryWorkspace(root), cache);
    expect(cache.stored.has(`stat:${fresh}`)).toBe(false);
    const counted = countingWorkspace(root);
    await changeSetOf(counted.ws, restoredIndexCache(cache));
    expect(counted.reads.batch).toContain(fresh);
    // A slow stat pass (500 ms on the clock) does not widen the window: it counts from the stats' start.
    vi.setSystemTime(statSync(abs).ctimeMs + 50);
    const slow = directoryWorkspace(root);
    const slowStats = slow.fileStats!.bind(slow);
    slow.fileStats = async (paths) => {
      const out = await slowStats(paths);
      vi.setSystemTime(Date.now() + 500);
      return out;
    };
    const afterSlow = memoryIndexCache();
    await changeSetOf(slow, afterSlow);
    expect(afterSlow.stored.has(`stat:${fresh}`)).toBe(false);

    vi.setSystemTime(statSync(abs).ctimeMs + 2500);
    const settled = memoryIndexCache();
    await changeSetOf(directoryWorkspace(root), settled);
    const record = settled.stored.get(`stat:${fresh}`) as string;
    expect(record).toMatch(/^1\|[0-9a-f]{40}\|[01]\|\d/);
    const [, blob, marker, signature] = record.split('|');
    const forms = [`1|not-a-blob-id|${marker}|${signature}`, `9|${blob}|${marker}|${signature}`, `1|${'0'.repeat(40)}|${marker}|${signature}`, `1|${blob}|2|${signature}`, `1|${blob}|${marker}|`, 'x', null, { f: 1 }];
    for (const bad of forms) {
      const corrupt = restoredIndexCache(settled);
      corrupt.stored.set(`stat:${fresh}`, bad);
      const c = countingWorkspace(root);
      expect(await changeSetOf(c.ws, corrupt)).toEqual(await changeSetOf(directoryWorkspace(root)));
      // a record naming another blob finds no index record for it: the file is read
      expect(c.reads.batch).toContain(fresh);
    }
  });
});
