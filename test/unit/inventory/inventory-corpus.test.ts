/**
 * The inventory over the real-world ImageStream corpus in ../shared (skipped when absent): every
 * stream outside a Template is indexed or reported as a conflict naming both files, Templates are
 * reported, and every file that could not be used gets a located diagnostic. The run never stops.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../../src/inventory/inventory.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { streamKey } from '../../../src/domain/image-stream.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../../shared/corpus/imagestreams');
const present = existsSync(corpus);

function loadCorpus(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const owner of readdirSync(corpus)) {
    for (const name of readdirSync(path.join(corpus, owner))) {
      files[`${owner}/${name}`] = readFileSync(path.join(corpus, owner, name));
    }
  }
  return files;
}

/** Independent reading of what the corpus defines: [file, namespace/name] for streams outside Templates. */
function expectedStreams(files: Record<string, Buffer>): { file: string; key: string }[] {
  const out: { file: string; key: string }[] = [];
  const visit = (file: string, v: unknown, itemKind?: string): void => {
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    const kind = (o.kind as string | undefined) ?? itemKind;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o.items)) {
      for (const item of o.items) visit(file, item, kind === 'List' ? undefined : kind.slice(0, -4));
      return;
    }
    if (kind === 'ImageStream') {
      const meta = (o.metadata ?? {}) as Record<string, unknown>;
      out.push({ file, key: streamKey((meta.namespace as string | undefined) || 'default', String(meta.name)) });
    }
  };
  for (const [file, data] of Object.entries(files)) {
    if (!/\.(ya?ml|json)$/.test(file)) continue;
    for (const doc of parseAllDocuments(data.toString('utf8'))) {
      if (!('errors' in doc) || doc.errors.length > 0) continue;
      visit(file, doc.toJS());
    }
  }
  return out;
}

describe.skipIf(!present)('inventory over ../shared/corpus/imagestreams', () => {
  it('indexes every stream outside Templates, or reports it with both files', async () => {
    const files = loadCorpus();
    const inv = await buildInventory(memoryWorkspace(files), { include: [], exclude: [] });
    const expected = expectedStreams(files);
    expect(expected.length).toBeGreaterThan(100);
    const conflictSites = new Map(inv.conflicts.map((c) => [streamKey(c.namespace, c.name), c.sites.map((s) => s.file)]));
    const invalidFiles = new Set(inv.diagnostics.filter((d) => d.code !== 'DuplicateObject').map((d) => d.location?.file));
    const unaccounted = expected.filter(({ file, key }) => {
      const entry = inv.streams.get(key);
      if (entry) return false;
      if (conflictSites.get(key)?.includes(file)) return false;
      return !invalidFiles.has(file);
    });
    expect(unaccounted).toEqual([]);
    // Each conflict lists at least two sites, each a real file of the corpus.
    for (const c of inv.conflicts) {
      expect(c.sites.length).toBeGreaterThanOrEqual(2);
      for (const s of c.sites) expect(files[s.file]).toBeDefined();
      const dup = inv.diagnostics.find((d) => d.code === 'DuplicateObject' && d.message.includes(`${c.namespace}/${c.name} `));
      expect(dup?.message).toContain(c.sites[0]?.file);
      expect(dup?.message).toContain(c.sites[1]?.file);
    }
    // Every indexed stream points at a file that is kept, at a real line.
    for (const s of inv.streams.values()) {
      expect(inv.files.has(s.site.file)).toBe(true);
      expect(s.site.location.line).toBeGreaterThan(0);
    }
  });

  it('reports Templates and keeps their streams out of `streams`', async () => {
    const files = loadCorpus();
    const inv = await buildInventory(memoryWorkspace(files), { include: [], exclude: [] });
    const templateFiles = Object.keys(files).filter((f) => /^kind:\s*Template\b|"kind":\s*"Template"/m.test(files[f]?.toString('utf8') ?? ''));
    expect(templateFiles.length).toBeGreaterThan(0);
    for (const f of templateFiles) expect(inv.templates.some((t) => t.site.file === f)).toBe(true);
    const streamFiles = new Set([...inv.streams.values()].map((s) => s.site.file));
    for (const t of inv.templates) {
      if (t.objects.some((o) => o.kind === 'ImageStream')) expect(streamFiles.has(t.site.file)).toBe(false);
    }
  });

  it('gives every unusable file a located reason, and does not stop', async () => {
    const files = loadCorpus();
    const clean = await buildInventory(memoryWorkspace(files), { include: [], exclude: [] });
    files['zz-broken/bad.yaml'] = Buffer.from('kind: ImageStream\nmetadata: {name: x\n');
    const inv = await buildInventory(memoryWorkspace(files), { include: [], exclude: [] });
    for (const d of inv.diagnostics) {
      expect(d.location?.file).toBeTruthy();
      expect(d.location?.line).toBeGreaterThan(0);
    }
    expect(inv.diagnostics.some((d) => d.location?.file === 'zz-broken/bad.yaml' && d.code === 'ManifestParse')).toBe(true);
    // Every manifest file is either used (holds an indexed object) or has a diagnostic saying why not.
    const diagnosed = new Set(inv.diagnostics.map((d) => d.location?.file));
    const unexplained = Object.keys(files).filter((f) => /\.(ya?ml|json)$/.test(f) && !inv.files.has(f) && !diagnosed.has(f));
    expect(unexplained).toEqual([]);
    // Files without a manifest extension are not read at all (e.g. openshift-tests' `image-references`).
    expect([...inv.files.keys()].every((f) => /\.(ya?ml|json)$/.test(f))).toBe(true);
    // The broken file changes nothing else.
    expect([...inv.streams.keys()]).toEqual([...clean.streams.keys()]);
    expect(inv.diagnostics.length).toBe(clean.diagnostics.length + 1);
    // The one stream the corpus defines against OpenShift validation is reported, not indexed,
    // worded as oc prints it (the stream's name, the tag keyed by name) and located.
    expect(inv.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringMatching(/^The ImageStream "ruby-20-centos7" is invalid: spec\.tags\[prod\]\.importPolicy\.scheduled: only tags pointing to Docker repositories may be scheduled for background import \(openshift__oc\/.*:161:20\)$/),
    );
  });
});
