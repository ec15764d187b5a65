import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_MONOREPO, generateMonorepo, tagName, type MonorepoOptions } from '../../../bench/monorepo.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';
import { buildInventory } from '../../../src/inventory/inventory.js';

const HOST = '127.0.0.1:5999';
const tiny: MonorepoOptions = { ...DEFAULT_MONOREPO, registryHost: HOST, files: 12, workloads: 50, streams: 6, tagsPerStream: 3, streamsPerNamespace: 2 };

interface Shape {
  readonly name: string;
  readonly options: MonorepoOptions;
}

const shapes: Shape[] = [
  { name: 'tiny', options: tiny },
  { name: 'uneven split (docs not a multiple of files)', options: { ...tiny, files: 7, workloads: 23, streams: 5, streamsPerNamespace: 3 } },
  { name: 'one trigger in three, five tags', options: { ...tiny, triggerEvery: 3, tagsPerStream: 5 } },
];

describe('generateMonorepo', () => {
  it.each(shapes)('$name: counts match the options and Tagstream indexes what was generated', async ({ options }) => {
    const repo = generateMonorepo(options);
    const c = repo.counts;
    expect(c.workloadFiles).toBe(options.files);
    expect(c.streamFiles).toBe(options.streams);
    expect(repo.files.size).toBe(options.files + options.streams + c.otherFiles);
    expect(c.workloads.Deployment + c.workloads.StatefulSet + c.workloads.CronJob).toBe(options.workloads);
    expect(c.triggered).toBe(Math.ceil(options.workloads / options.triggerEvery));
    expect(repo.tags).toHaveLength(options.streams * options.tagsPerStream);
    expect(new Set(repo.tags.map((t) => t.from)).size).toBe(repo.tags.length);
    for (const t of repo.tags) expect(t.from).toBe(`${HOST}/${t.repository}:${t.tag}`);

    // Every YAML file parses; the documents add up.
    let workloadDocs = 0;
    let otherDocs = 0;
    const kinds = new Set<string>();
    for (const [path, text] of repo.files) {
      if (!path.endsWith('.yaml')) continue;
      const docs = parseAllDocuments(text);
      for (const d of Array.isArray(docs) ? docs : [docs]) {
        expect(d.errors, path).toEqual([]);
        const kind = (d.toJS() as { kind?: string } | null)?.kind;
        if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'CronJob') workloadDocs++;
        else if (kind === 'Service') otherDocs++;
        if (kind) kinds.add(kind);
      }
      if (path.startsWith('apps/team-')) expect(text, path).toMatch(/^# /);
    }
    expect(workloadDocs).toBe(options.workloads);
    expect(otherDocs).toBe(c.otherDocuments);

    // What Tagstream itself sees: every stream, every scheduled tag, every triggered workload.
    const workspace = memoryWorkspace(Object.fromEntries(repo.files));
    const inventory = await buildInventory(workspace, await loadRepoSettings(workspace));
    expect(inventory.diagnostics).toEqual([]);
    expect(inventory.conflicts).toEqual([]);
    expect(inventory.streams.size).toBe(options.streams);
    for (const entry of inventory.streams.values()) {
      const tags = entry.stream.spec.tags ?? [];
      expect(tags.map((t) => t.name)).toEqual(Array.from({ length: options.tagsPerStream }, (_, i) => tagName(i)));
      for (const t of tags) expect(t.importPolicy?.scheduled).toBe(true);
    }
    const triggered = inventory.workloads.filter((w) => w.triggersAnnotation !== undefined);
    expect(triggered).toHaveLength(c.triggered);
    // A trigger names a stream of the workload's own namespace.
    for (const w of triggered) {
      const name = (JSON.parse(w.triggersAnnotation!) as { from: { name: string } }[])[0]!.from.name.split(':')[0];
      expect(inventory.streams.has(`${w.namespace}/${name}`), `${w.namespace}/${name}`).toBe(true);
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['Deployment', 'ImageStream']));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateMonorepo(tiny);
    const b = generateMonorepo(tiny);
    const c = generateMonorepo({ ...tiny, seed: 2 });
    expect([...a.files]).toEqual([...b.files]);
    expect([...a.files]).not.toEqual([...c.files]);
  });

  it('the default is the size the issue asks for', () => {
    const r = generateMonorepo({ ...DEFAULT_MONOREPO, registryHost: HOST });
    expect(r.counts.workloadFiles).toBe(2000);
    expect(r.counts.workloads.Deployment + r.counts.workloads.StatefulSet + r.counts.workloads.CronJob).toBe(10_000);
    expect(r.counts.streamFiles).toBe(500);
    expect(r.tags).toHaveLength(2000);
    expect(r.counts.triggered).toBe(2000);
    expect(Object.values(r.counts.workloads).every((n) => n > 0)).toBe(true);
  });
});
