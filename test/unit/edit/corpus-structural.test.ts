import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { NodePath } from '../../../src/edit/edit.js';
import { loadSourceFile, type SourceFile } from '../../../src/edit/source-file.js';
import { updateObject } from './update-object.js';
import { CORPUS, HAS_CORPUS, corpusFiles, valueAt } from './corpus-helpers.js';

const MERGE_KEYS = { 'spec.tags': 'name', 'status.tags': 'tag' };

/** Paths of every ImageStream object of a document (top level, List items, Template objects). */
function streamPaths(value: unknown, base: NodePath = []): NodePath[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const obj = value as Record<string, unknown>;
  const out: NodePath[] = [];
  if (obj.kind === 'ImageStream') out.push(base);
  for (const list of ['items', 'objects']) {
    const items = obj[list];
    if (Array.isArray(items)) items.forEach((item, i) => out.push(...streamPaths(item, [...base, list, i])));
  }
  return out;
}

/** A realistic reconcile result: annotation added, a tag prepended, the last tag dropped, status written. */
function reconciled(stream: Record<string, unknown>): Record<string, unknown> {
  const next = structuredClone(stream);
  const meta = (next.metadata ?? {}) as Record<string, unknown>;
  meta.annotations = { ...((meta.annotations as Record<string, unknown> | undefined) ?? {}), 'tagstream.io/managed': 'yes' };
  next.metadata = meta;
  const spec = (next.spec ?? {}) as Record<string, unknown>;
  const tags = Array.isArray(spec.tags) ? [...(spec.tags as unknown[])] : [];
  if (tags.length > 1) tags.pop();
  tags.unshift({ name: '1.10', from: { kind: 'DockerImage', name: 'quay.io/x/y:1.10' }, referencePolicy: { type: 'Source' } });
  spec.tags = tags;
  next.spec = spec;
  next.status = {
    dockerImageRepository: '',
    tags: [{ tag: '1.10', items: [{ created: '2026-01-02T03:04:05Z', dockerImageReference: `quay.io/x/y@sha256:${'ab'.repeat(32)}`, image: `sha256:${'ab'.repeat(32)}`, generation: 2 }] }],
  };
  return next;
}

function leadingIndentKinds(text: string): Set<string> {
  const kinds = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([ \t]+)\S/.exec(line);
    if (m?.[1]) kinds.add(m[1].includes('\t') ? 'tab' : 'space');
  }
  return kinds;
}

function variants(name: string, bytes: Buffer): [string, Buffer][] {
  const text = bytes.toString('utf8');
  const out: [string, Buffer][] = [[name, bytes]];
  out.push([`${name} (BOM)`, Buffer.from(`\uFEFF${text}`, 'utf8')]);
  if (!text.includes('\r\n')) out.push([`${name} (CRLF)`, Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8')]);
  return out;
}

// Property (3): structural edits keep JSON valid with its indentation and final-newline state; CRLF and BOM survive.
describe.skipIf(!HAS_CORPUS)('corpus: structural ImageStream updates', () => {
  const files = corpusFiles().filter((f) => f.includes('/imagestreams/'));
  let edited = 0;
  it.each(files.map((f) => [relative(CORPUS, f), f]))('%s', (name, abs) => {
    for (const [label, bytes] of variants(name, readFileSync(abs))) {
      let file: SourceFile;
      try {
        file = loadSourceFile(name, bytes);
      } catch {
        return;
      }
      const original = bytes.toString('utf8');
      for (const d of file.documents) {
        if (d.errors.length > 0) continue;
        for (const path of streamPaths(d.value)) {
          const target = reconciled(valueAt(d.value, path) as Record<string, unknown>);
          const out = updateObject(file, d.index, path, target, { mergeKeys: MERGE_KEYS });
          expect(out, label).toBeDefined();
          const text = out as string;
          edited++;
          expect(text.startsWith('\uFEFF'), label).toBe(file.bom);
          const body = file.bom ? text.slice(1) : text;
          expect(valueAt(parseAllDocuments(body)[d.index]?.toJS(), path), label).toEqual(target);
          expect(/\r?\n$/.test(body), `${label}: final newline state`).toBe(/\r?\n$/.test(original));
          if (file.eol === '\r\n') expect(body.replace(/\r\n/g, '').includes('\n'), `${label}: only CRLF`).toBe(false);
          else expect(body.includes('\r'), label).toBe(false);
          if (file.format === 'json') {
            expect(() => JSON.parse(body), label).not.toThrow();
            expect(leadingIndentKinds(body), `${label}: indentation`).toEqual(leadingIndentKinds(original));
          }
          const comments = (s: string) => s.split(/\r?\n/).filter((l) => /^\s*#/.test(l));
          expect(comments(body), `${label}: comments`).toEqual(comments(original));
        }
      }
    }
  });
  it('edited a meaningful number of streams', () => {
    expect(edited).toBeGreaterThan(50);
  });
});
