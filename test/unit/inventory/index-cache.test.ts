/**
 * The persistent index cache never changes a result: reconcile (dry run, fake registry answering
 * every reference) gives the same ChangeSet with no cache, with a cold cache, with a warm one read
 * back from its JSON form (a restored file), and with a corrupt one, over generated monorepos, a
 * repository using lookupPolicy.local, and the shared corpus (skipped when absent). A changed file
 * misses (its blob id changed) and the others still hit.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateMonorepo } from '../../../bench/monorepo.js';
import { everyImageRegistry } from '../../fakes/every-image-registry.js';
import { memoryIndexCache, restoredIndexCache } from '../../fakes/memory-index-cache.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { buildInventory } from '../../../src/inventory/inventory.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { IndexCache } from '../../../src/ports/index-cache.js';
import { silentLog } from '../../../src/ports/log.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(here, '../../../../shared/corpus');

async function changeSetOf(files: Record<string, string | Buffer>, indexCache?: IndexCache) {
  const ctx: AppContext = { workspace: memoryWorkspace(files), settings: DEFAULT_REPO_SETTINGS, registry: everyImageRegistry, clock: fixedClock('2026-11-21T06:00:00Z'), log: silentLog };
  const r = await reconcile(ctx, { dryRun: true }, { indexCache });
  return r.changeSet;
}

async function expectSameResults(files: Record<string, string | Buffer>) {
  const uncached = await changeSetOf(files);
  const cold = memoryIndexCache();
  expect(await changeSetOf(files, cold)).toEqual(uncached);
  expect(cold.counts.sets).toBeGreaterThan(0);
  const warm = restoredIndexCache(cold);
  expect(await changeSetOf(files, warm)).toEqual(uncached);
  expect(warm.counts.hits).toBe(cold.counts.sets);
  expect(warm.counts.sets).toBe(0);
  // The inventory too (the ChangeSet does not carry every diagnostic's wording).
  const settings = DEFAULT_REPO_SETTINGS;
  const a = await buildInventory(memoryWorkspace(files), settings);
  const b = await buildInventory(memoryWorkspace(files), settings, { indexCache: restoredIndexCache(cold) });
  expect({ ...b, files: [...b.files.keys()], stats: { ...b.stats, cacheHits: 0 } }).toEqual({ ...a, files: [...a.files.keys()], stats: { ...a.stats, cacheHits: 0 } });
  expect(b.diagnostics.map((d) => d.message)).toEqual(a.diagnostics.map((d) => d.message));
  expect(b.stats?.cacheHits).toBe(cold.counts.sets);
  return { uncached, cold };
}

function generated(options: { files: number; workloads: number; streams: number }): Record<string, string> {
  const repo = generateMonorepo({ ...options, tagsPerStream: 2, triggerEvery: 3, streamsPerNamespace: 3, seed: 7, registryHost: 'registry.test:5000' });
  return Object.fromEntries(repo.files);
}

describe('persistent index cache: same results as without it', () => {
  it('over generated monorepos', async () => {
    for (const size of [
      { files: 6, workloads: 20, streams: 4 },
      { files: 40, workloads: 160, streams: 12 },
    ]) {
      const { uncached } = await expectSameResults(generated(size));
      expect(uncached.moves.length).toBeGreaterThan(0);
      expect(uncached.files.length).toBeGreaterThan(0);
    }
  });

  it('with a stream asking for local lookup (documents with local image names are read again, not served from the cache)', async () => {
    const files = {
      ...generated({ files: 6, workloads: 20, streams: 4 }),
      'is/local.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: mysql\nspec:\n  lookupPolicy:\n    local: true\n  tags:\n  - name: "8"\n    from:\n      kind: DockerImage\n      name: registry.test:5000/db/mysql:8\n',
      'apps/db.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers:\n      - name: db\n        image: mysql:8\n',
    };
    const { uncached } = await expectSameResults(files);
    expect(uncached.workloads.some((w) => w.file === 'apps/db.yaml')).toBe(true);
  });

  it('with broken files, duplicates and invalid streams (diagnostics come back with their locations)', async () => {
    const files = {
      ...generated({ files: 4, workloads: 12, streams: 3 }),
      'broken.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: [\n',
      'bad-stream.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: bad\nspec:\n  tags:\n  - from: {kind: DockerImage, name: x}\n',
      'dup-a.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: dup\n',
      'dup-b.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: dup\n',
      'odd-numbers.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: odd\n  annotations:\n    image.openshift.io/triggers: "[]"\nspec:\n  replicas: .inf\n',
    };
    const { uncached } = await expectSameResults(files);
    expect(uncached.diagnostics.length).toBeGreaterThan(2);
  });

  it('a changed file misses, the others hit; entries of deleted files are dropped at save', async () => {
    const files = generated({ files: 10, workloads: 30, streams: 4 });
    const cold = memoryIndexCache();
    await changeSetOf(files, cold);
    const paths = Object.keys(files).filter((p) => /^[^.].*\.ya?ml$/.test(p)).sort();
    const [changed, deleted] = [paths[0]!, paths[1]!];
    const next = { ...files, [changed]: `${files[changed]}# edited\n` };
    delete next[deleted];
    const warm = restoredIndexCache(cold);
    expect(await changeSetOf(next, warm)).toEqual(await changeSetOf(next));
    expect(warm.counts.sets).toBe(1);
    expect(warm.counts.hits).toBe(cold.counts.sets - 2);
    expect(warm.stored.size).toBe(cold.counts.sets - 1);
  });

  it('a corrupt or foreign cache is ignored and rewritten', async () => {
    const files = generated({ files: 8, workloads: 24, streams: 3 });
    const uncached = await changeSetOf(files);
    const cold = memoryIndexCache();
    await changeSetOf(files, cold);
    const garbage = [null, 42, 'x', [], { f: 1 }, { f: 1, path: 'elsewhere.yaml' }];
    let i = 0;
    const corrupt = memoryIndexCache(
      Object.fromEntries(
        [...cold.stored].map(([k, v]) => {
          const g = i++ % (garbage.length + 1);
          if (g === garbage.length) return [k, { ...(v as object), workloads: [{ name: 'not a workload' }] }];
          return [k, garbage[g]];
        }),
      ),
    );
    expect(await changeSetOf(files, corrupt)).toEqual(uncached);
    expect(corrupt.counts.sets).toBe(cold.counts.sets);
  });

  it.skipIf(!existsSync(CORPUS))('over the shared corpus (every YAML/JSON file in one repository)', async () => {
    const files: Record<string, Buffer> = {};
    const walk = (dir: string, rel: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        const r = rel ? `${rel}/${name}` : name;
        if (statSync(full).isDirectory()) walk(full, r);
        else if (/\.(ya?ml|json)$/.test(name)) files[r] = readFileSync(full);
      }
    };
    walk(CORPUS, '');
    expect(Object.keys(files).length).toBeGreaterThan(100);
    const { uncached } = await expectSameResults(files);
    expect(uncached.moves.length + uncached.diagnostics.length).toBeGreaterThan(0);
  }, 60_000);
});
