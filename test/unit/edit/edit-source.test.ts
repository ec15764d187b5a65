/**
 * A partial EditSource (only the edited documents parsed with source tokens, the rest never parsed)
 * gives the same bytes as the whole file's parse: the layout still comes from every document when
 * text is rendered, and verify re-parses only the edited documents when the new text keeps the cut.
 */
import { describe, expect, it } from 'vitest';
import { lexerSharesCut, splitDocuments } from '../../../src/edit/document-cut.js';
import { partialSource, type EditSource } from '../../../src/edit/edit-source.js';
import type { Edit } from '../../../src/edit/edit.js';
import { DEFAULT_SOURCE_LIMITS, eolOf, lineCounterOf, loadSourceFile } from '../../../src/edit/source-file.js';
import { applyEdits } from '../../../src/edit/yaml-edit.js';
import { ScannedFile } from '../../../src/inventory/inventory-files.js';

const deployment = (name: string, image: string, indent = '  ') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n${indent}name: ${name}\nspec:\n${indent}template:\n${indent}${indent}spec:\n${indent}${indent}${indent}containers:\n${indent}${indent}${indent}- name: app\n${indent}${indent}${indent}  image: ${image}   # pinned\n`;
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n';

/** A partial source of `text` for documents `docs`, counting how often the whole file was parsed. */
function partial(text: string, docs: readonly number[]): { source: EditSource; wholeParses: () => number } {
  let parses = 0;
  const slices = splitDocuments(text);
  if (!slices) throw new Error('test file does not cut');
  const source = partialSource(
    {
      path: 'f.yaml',
      text,
      bom: false,
      eol: eolOf(text),
      format: 'yaml',
      lineCounter: lineCounterOf(text),
      limits: DEFAULT_SOURCE_LIMITS,
      slices,
      whole: () => {
        parses++;
        return loadSourceFile('f.yaml', text);
      },
    },
    docs,
  );
  if (!source) throw new Error('no partial source');
  return { source, wholeParses: () => parses };
}

function both(text: string, edits: readonly Edit[]): { whole: string; partial: string; wholeParses: number } {
  const p = partial(text, [...new Set(edits.map((e) => e.doc))]);
  const out = applyEdits(p.source, edits);
  return { whole: applyEdits(loadSourceFile('f.yaml', text), edits), partial: out, wholeParses: p.wholeParses() };
}

const IMAGE = ['spec', 'template', 'spec', 'containers', 0, 'image'];
const PINNED = `registry.example/app@sha256:${'ab'.repeat(32)}`;

describe('partial EditSource', () => {
  const text = `# group\n---\n${deployment('a', 'web:1')}---\n${SERVICE}---\n${deployment('b', 'web:2')}`;

  it('pins an image parsing only the edited document, with the bytes of the whole-file edit', () => {
    const r = both(text, [{ op: 'set', doc: 2, path: IMAGE, value: PINNED }]);
    expect(r.partial).toBe(r.whole);
    expect(r.partial).toBe(text.replace('image: web:2', `image: ${PINNED}`));
    expect(r.wholeParses).toBe(0);
  });

  it('takes the layout from every document when it renders text (the most frequent indentation of the file)', () => {
    // Documents 0 and 2 indent by 4, document 1 (edited) by 2: the file's layout says 4.
    const mixed = `${deployment('a', 'web:1', '    ')}---\n${deployment('b', 'web:2')}---\n${deployment('c', 'web:3', '    ')}`;
    const edit: Edit = { op: 'insert', doc: 1, path: ['metadata', 'annotations'], value: { 'x.io/y': 'z' } };
    const r = both(mixed, [edit]);
    expect(r.partial).toBe(r.whole);
    expect(r.partial).toContain('  annotations:\n      x.io/y: z\n');
    expect(r.wholeParses).toBe(1);
  });

  it('needs no other document when every document of the file is edited', () => {
    const two = `${deployment('a', 'web:1')}---\n${deployment('b', 'web:2')}`;
    const edits: Edit[] = [
      { op: 'insert', doc: 0, path: ['metadata', 'labels'], value: { app: 'a' } },
      { op: 'set', doc: 1, path: IMAGE, value: PINNED },
    ];
    const r = both(two, edits);
    expect(r.partial).toBe(r.whole);
    expect(r.wholeParses).toBe(0);
  });

  it('renders a multi-line scalar with the file layout', () => {
    const r = both(text, [{ op: 'set', doc: 2, path: ['metadata', 'name'], value: 'line one\nline two\n' }]);
    expect(r.partial).toBe(r.whole);
    expect(r.wholeParses).toBe(1);
  });

  it('falls back to the full verify when the new text does not keep the cut it was given', () => {
    // A cut that disagrees with the text (document 1 claimed to start a line late) is never kept.
    const p = partial(text, [2]);
    const slices = p.source.slices ?? [];
    const wrong: EditSource = { ...p.source, document: p.source.document, everyDocument: p.source.everyDocument, slices: slices.map((s) => (s.index === 1 ? { ...s, start: s.start + 4 } : s)) };
    const edits: Edit[] = [{ op: 'set', doc: 2, path: IMAGE, value: PINNED }];
    expect(applyEdits(wrong, edits)).toBe(applyEdits(loadSourceFile('f.yaml', text), edits));
    expect(p.wholeParses()).toBe(1);
  });
});

describe('ScannedFile.editSource', () => {
  it('parses only the edited documents of a cut file and keeps no full parse', () => {
    const text = `${SERVICE}---\n${deployment('a', 'web:1')}---\n${SERVICE}`;
    const f = new ScannedFile('a.yaml', text, 'yaml', DEFAULT_SOURCE_LIMITS);
    const source = f.editSource([1]);
    expect(source.slices).toHaveLength(3);
    expect(source.document(0)).toBeUndefined();
    expect(source.document(1)?.doc.contents?.srcToken).toBeDefined();
    expect(applyEdits(source, [{ op: 'set', doc: 1, path: IMAGE, value: PINNED }])).toBe(text.replace('web:1', PINNED));
    expect(f.sourceLoaded).toBe(false);
  });

  it('takes the whole file (and its refusal) when a quoted scalar runs over a `---` line', () => {
    const text = `${SERVICE}---\nkind: ConfigMap\ndata:\n  note: "x\n---\n${deployment('a', 'web:1')}`;
    expect(lexerSharesCut(text)).toBe(false);
    const f = new ScannedFile('b.yaml', text, 'yaml', DEFAULT_SOURCE_LIMITS);
    const source = f.editSource([2]);
    expect(source.slices).toBeUndefined();
    expect(() => applyEdits(source, [{ op: 'set', doc: 2, path: IMAGE, value: PINNED }])).toThrow(/document 2/);
  });

  it('still edits a document before a broken one: the parser reads the edited document the same', () => {
    const text = `${deployment('a', 'web:1')}---\nkind: ConfigMap\ndata:\n  note: "x\n---\n${SERVICE}`;
    expect(lexerSharesCut(text)).toBe(false);
    const f = new ScannedFile('e.yaml', text, 'yaml', DEFAULT_SOURCE_LIMITS);
    const source = f.editSource([0]);
    expect(source.slices).toHaveLength(3);
    expect(applyEdits(source, [{ op: 'set', doc: 0, path: IMAGE, value: PINNED }])).toBe(text.replace('web:1', PINNED));
  });

  it('takes the whole file for JSON and for an edited document that does not parse alone', () => {
    const json = new ScannedFile('c.json', '{"kind": "Deployment"}\n', 'json', DEFAULT_SOURCE_LIMITS);
    expect(json.editSource([0]).slices).toBeUndefined();
    const broken = new ScannedFile('d.yaml', `${SERVICE}---\na: [1,\n`, 'yaml', DEFAULT_SOURCE_LIMITS);
    const source = broken.editSource([1]);
    expect(source.slices).toBeUndefined();
    expect(() => applyEdits(source, [{ op: 'set', doc: 1, path: ['a'], value: 2 }])).toThrow(/does not parse cleanly/);
  });
});
