/**
 * Over the real-world corpus: editing through a partial source (only the edited documents parsed,
 * ScannedFile.editSource, as planWrites does) gives exactly the bytes, or exactly the refusal, of
 * editing the whole parsed file. Image pins and structural ImageStream updates, also with a BOM and
 * CRLF line breaks.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Edit, NodePath } from '../../../src/edit/edit.js';
import { diffToEdits } from '../../../src/edit/edit-diff.js';
import { DEFAULT_SOURCE_LIMITS, formatOf, loadSourceFile, type SourceFile } from '../../../src/edit/source-file.js';
import { applyEdits } from '../../../src/edit/yaml-edit.js';
import { ScannedFile } from '../../../src/inventory/inventory-files.js';
import { CORPUS, HAS_CORPUS, corpusFiles, imagePaths, valueAt } from './corpus-helpers.js';

const PINNED = `registry.example.com/x@sha256:${'0123456789abcdef'.repeat(4)}`;
const MERGE_KEYS = { 'spec.tags': 'name', 'status.tags': 'tag' };

function outcome(run: () => string): string {
  try {
    return run();
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
}

/** A stream as a reconcile leaves it: annotation added, a tag prepended, status written. */
function reconciled(stream: Record<string, unknown>): Record<string, unknown> {
  const next = structuredClone(stream);
  const meta = (next.metadata ?? {}) as Record<string, unknown>;
  next.metadata = { ...meta, annotations: { ...((meta.annotations as Record<string, unknown> | undefined) ?? {}), 'tagstream.io/managed': 'yes' } };
  const spec = (next.spec ?? {}) as Record<string, unknown>;
  const tags = Array.isArray(spec.tags) ? [...(spec.tags as unknown[])] : [];
  tags.unshift({ name: '1.10', from: { kind: 'DockerImage', name: 'quay.io/x/y:1.10' } });
  next.spec = { ...spec, tags };
  next.status = { tags: [{ tag: '1.10', items: [{ created: '2026-01-02T03:04:05Z', image: `sha256:${'ab'.repeat(32)}`, generation: 2 }] }] };
  return next;
}

function streamPaths(value: unknown, base: NodePath = []): NodePath[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const obj = value as Record<string, unknown>;
  const out: NodePath[] = obj.kind === 'ImageStream' ? [base] : [];
  for (const list of ['items', 'objects']) {
    const items = obj[list];
    if (Array.isArray(items)) items.forEach((item, i) => out.push(...streamPaths(item, [...base, list, i])));
  }
  return out;
}

/**
 * The edit sets to compare: every pin of a document together, the first pin of it alone, each
 * stream update; at most `MAX_SETS` per file (the large templates hold hundreds of images).
 */
const MAX_SETS = 8;
function editSets(file: SourceFile): Edit[][] {
  const sets: Edit[][] = [];
  for (const d of file.documents) {
    if (d.errors.length > 0) continue;
    const pins = imagePaths(d.value).map((path): Edit => ({ op: 'set', doc: d.index, path, value: PINNED }));
    if (pins.length > 0) sets.push(pins);
    if (pins.length > 1) sets.push(pins.slice(0, 1));
    for (const path of streamPaths(d.value)) {
      const before = valueAt(d.value, path);
      sets.push(diffToEdits(d.index, path, before, reconciled(before as Record<string, unknown>), { mergeKeys: MERGE_KEYS }));
    }
  }
  return sets.slice(0, MAX_SETS);
}

describe.skipIf(!HAS_CORPUS)('corpus: partial edit sources give the bytes of whole-file edits', () => {
  let compared = 0;
  let partial = 0;
  const cases = corpusFiles().map((abs) => [relative(CORPUS, abs), abs] as const);
  it.each(cases)('%s', (name, abs) => {
    const bytes = readFileSync(abs);
    const text = bytes.toString('utf8');
    const variants: [string, string][] = [[name, text], [`${name} (BOM)`, `\uFEFF${text}`]];
    if (!text.includes('\r\n')) variants.push([`${name} (CRLF)`, text.replace(/\n/g, '\r\n')]);
    for (const [label, content] of variants) {
      let whole: SourceFile;
      try {
        whole = loadSourceFile(name, content);
      } catch {
        return;
      }
      const format = formatOf(name) ?? 'yaml';
      // The BOM and CRLF variants with the first edit set only.
      for (const edits of editSets(whole).slice(0, label === name ? MAX_SETS : 1)) {
        const scanned = new ScannedFile(name, content, format, DEFAULT_SOURCE_LIMITS);
        const source = scanned.editSource(new Set(edits.map((e) => e.doc)));
        if (source.slices) partial++;
        compared++;
        expect(outcome(() => applyEdits(source, edits)), label).toBe(outcome(() => applyEdits(whole, edits)));
      }
    }
  });
  it('compared a meaningful number of edits, most of them through partial sources', () => {
    expect(compared).toBeGreaterThan(300);
    expect(partial).toBeGreaterThan(compared / 2);
  });
});
