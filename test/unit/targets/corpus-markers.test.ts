// Property over the shared corpus (skipped cleanly when ../shared/corpus is absent): adding a
// `$imagestream` marker to any image scalar of a real manifest and planning the targets changes
// exactly that line, to the stream tag's reference, and a second plan changes nothing.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isScalar } from 'yaml';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { applyEdits } from '../../../src/edit/yaml-edit.js';
import { planTargets } from '../../../src/targets/plan-targets.js';
import { CORPUS, HAS_CORPUS, corpusFiles, imagePaths } from '../edit/corpus-helpers.js';
import { NEW, STREAMS } from './streams.js';

const MARKER = '  # {"$imagestream": "shop/web:1"}';
const WANT = `registry.example.com/web@${NEW}`;
const MAX_PER_FILE = 3;

interface Case {
  readonly name: string;
  readonly text: string;
  readonly line: number;
}

/** Marked variants of a file: one per single-line image scalar with nothing after it on its line. */
function cases(path: string): Case[] {
  if (!/\.ya?ml$/i.test(path)) return [];
  const text = readFileSync(path, 'utf8');
  let file;
  try {
    file = loadSourceFile(relative(CORPUS, path), text);
  } catch {
    return [];
  }
  const out: Case[] = [];
  for (const sd of file.documents) {
    if (sd.errors.length > 0 || sd.value === undefined) continue;
    for (const p of imagePaths(sd.value)) {
      if (out.length >= MAX_PER_FILE) return out;
      const node = sd.doc.getIn(p, true);
      if (!isScalar(node) || !node.range || typeof node.value !== 'string' || node.value === WANT) continue;
      const [start, end] = node.range;
      const eol = text.indexOf('\n', end);
      const lineEnd = eol < 0 ? text.length : eol;
      const rest = text.slice(end, lineEnd).replace(/\r$/, '');
      if (rest.trim() !== '' || text.slice(start, end).includes('\n')) continue;
      const at = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
      const marked = text.slice(0, at) + MARKER + text.slice(at);
      out.push({ name: `${relative(CORPUS, path)}#${p.join('.')}`, text: marked, line: file.lineCounter.linePos(start).line });
    }
  }
  return out;
}

const ALL = HAS_CORPUS ? corpusFiles().flatMap(cases) : [];

describe.skipIf(!HAS_CORPUS)('corpus: a marker on any image scalar changes exactly that line', () => {
  it('finds image scalars to mark', () => {
    expect(ALL.length).toBeGreaterThan(20);
  });

  it.each(ALL.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const file = loadSourceFile('corpus.yaml', c.text);
    const plan = planTargets({ files: [file], dockerfiles: [], rules: [], streams: STREAMS, defaultNamespace: 'shop' });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.changes.map((ch) => [ch.line, ch.to])).toEqual([[c.line, WANT]]);
    const after = applyEdits(file, plan.edits[0]!.edits);
    const a = c.text.split('\n');
    const b = after.split('\n');
    expect(b.length).toBe(a.length);
    const changed = b.flatMap((l, i) => (l === a[i] ? [] : [i + 1]));
    expect(changed).toEqual([c.line]);
    expect(b[c.line - 1]).toContain(WANT);
    expect(b[c.line - 1]!.endsWith(MARKER) || b[c.line - 1]!.endsWith(`${MARKER}\r`)).toBe(true);
    const again = planTargets({ files: [loadSourceFile('corpus.yaml', after)], dockerfiles: [], rules: [], streams: STREAMS, defaultNamespace: 'shop' });
    expect(again.changes).toEqual([]);
  });
});
