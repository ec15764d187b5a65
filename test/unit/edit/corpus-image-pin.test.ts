import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadSourceFile, type SourceFile } from '../../../src/edit/source-file.js';
import type { NodePath } from '../../../src/edit/edit.js';
import { applyEdits } from '../../../src/edit/yaml-edit.js';
import { CORPUS, HAS_CORPUS, corpusFiles, imagePaths, valueAt } from './corpus-helpers.js';

const PINNED = `registry.example.com/x@sha256:${'0123456789abcdef'.repeat(4)}`;

interface Target {
  readonly doc: number;
  readonly path: NodePath;
  /** 0-based lines the image scalar spans (a folded block scalar spans several). */
  readonly firstLine: number;
  readonly lastLine: number;
}

function targets(file: SourceFile): Target[] {
  const out: Target[] = [];
  for (const d of file.documents) {
    if (d.errors.length > 0) continue;
    for (const path of imagePaths(d.value)) {
      const node = d.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      if (!node?.range) continue;
      const firstLine = file.lineCounter.linePos(node.range[0]).line - 1;
      const endOffset = Math.max(node.range[0], node.range[1] - 1);
      const lastLine = file.lineCounter.linePos(endOffset).line - 1;
      out.push({ doc: d.index, path, firstLine, lastLine });
    }
  }
  return out;
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

/** Only lines firstLine..lastLine may differ; everything before and after must be identical. */
function expectOnlyLinesChanged(before: string, after: string, t: Target): void {
  const a = splitLines(before);
  const b = splitLines(after);
  expect(b.slice(0, t.firstLine)).toEqual(a.slice(0, t.firstLine));
  const tailA = a.slice(t.lastLine + 1);
  const tailB = b.slice(b.length - tailA.length);
  expect(tailB).toEqual(tailA);
  if (t.firstLine === t.lastLine) {
    expect(b.length).toBe(a.length);
    expect(b[t.firstLine]).not.toBe(a[t.firstLine]);
  } else {
    expect(b.length).toBeLessThanOrEqual(a.length);
  }
}

// Property (2): pinning any workload container image to a digest changes exactly that line.
describe.skipIf(!HAS_CORPUS)('corpus: pin every workload image by digest', () => {
  const cases: [string, string][] = [];
  for (const abs of corpusFiles()) {
    if (!/\.(ya?ml|json)$/i.test(abs)) continue;
    cases.push([relative(CORPUS, abs), abs]);
  }
  let total = 0;
  it.each(cases)('%s', (name, abs) => {
    const bytes = readFileSync(abs);
    let file: SourceFile;
    try {
      file = loadSourceFile(name, bytes);
    } catch {
      return;
    }
    for (const t of targets(file)) {
      total++;
      const out = applyEdits(file, [{ op: 'set', doc: t.doc, path: t.path, value: PINNED }]);
      expectOnlyLinesChanged(bytes.toString('utf8'), out, t);
      const docs = parseAllDocuments(out);
      expect(valueAt(docs[t.doc]?.toJS(), t.path)).toBe(PINNED);
      if (file.format === 'json') {
        expect(() => JSON.parse(out)).not.toThrow();
      }
      if (file.eol === '\r\n') expect(out.replace(/\r\n/g, '').includes('\n')).toBe(false);
    }
  });
  it('pinned a meaningful number of images', () => {
    expect(total).toBeGreaterThan(100);
  });
});
