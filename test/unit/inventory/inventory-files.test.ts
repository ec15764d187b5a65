/**
 * ScannedFile parses only the documents asked for, with the same values and positions as a full
 * parse; LazySourceFiles (Inventory.files) parses a file with source tokens on first get only.
 */
import { describe, expect, it } from 'vitest';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { buildInventory } from '../../../src/inventory/inventory.js';
import { LazySourceFiles, ScannedFile } from '../../../src/inventory/inventory-files.js';
import { DEFAULT_SOURCE_LIMITS, loadSourceFile } from '../../../src/edit/source-file.js';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n';
const STREAM = 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n';
const NONE = { include: [], exclude: [] };

describe('ScannedFile', () => {
  it('parses only the documents asked for, numbered and located as in the whole file', () => {
    const text = `# head\n${SERVICE}---\n${STREAM}---\n${SERVICE}`;
    const f = new ScannedFile('a.yaml', text, 'yaml', DEFAULT_SOURCE_LIMITS);
    expect(f.documentCount).toBe(3);
    const { documents, lineCounter } = f.documents([1]);
    const full = loadSourceFile('a.yaml', text);
    expect(documents.map((d) => d.index)).toEqual([1]);
    expect(documents[0]?.value).toEqual(full.documents[1]?.value);
    const at = (r: readonly number[] | undefined) => (r ? lineCounter.linePos(r[0] as number) : undefined);
    expect(at(documents[0]?.doc.contents?.range)).toEqual(full.lineCounter.linePos(full.documents[1]?.doc.contents?.range?.[0] ?? -1));
    expect(at(documents[0]?.doc.contents?.range)).toEqual({ line: 7, col: 1 });
    // Memoized: the same parse when asked again.
    expect(f.documents([1]).documents[0]).toBe(documents[0]);
  });

  it('takes the full parse for an invalid document, so errors are located as before', () => {
    // The quote ends at the `---` line in both parses, but only the full parse reports it where it opens.
    const text = `${SERVICE}---\n${STREAM}note: "x\n---\nb: two"\n`;
    const f = new ScannedFile('b.yaml', text, 'yaml', DEFAULT_SOURCE_LIMITS);
    const full = loadSourceFile('b.yaml', text);
    expect(full.documents).toHaveLength(3);
    const got = f.documents([1]).documents;
    expect(got.map((d) => d.index)).toEqual([1]);
    expect(got[0]?.errors.length).toBeGreaterThan(0);
    expect(got[0]?.errors.map((e) => e.message)).toEqual(full.documents[1]?.errors.map((e) => e.message));
    expect(got[0]?.errors[0]?.message).toMatch(/\(b\.yaml:10:9\)$/);
  });

  it('returns every document of the full parse when the parser numbered them differently from the cut', () => {
    // Inside a collection, an unclosed quoted scalar runs over the `---` line: yaml sees two documents.
    const text = `${SERVICE}---\n${STREAM}spec: {tags: "x\n---\n${SERVICE}`;
    const f = new ScannedFile('c.yaml', text, 'yaml', DEFAULT_SOURCE_LIMITS);
    const full = loadSourceFile('c.yaml', text);
    expect(full.documents).toHaveLength(2);
    const got = f.documents([1]).documents;
    expect(got.map((d) => d.index)).toEqual([0, 1]);
    expect(got.map((d) => d.errors.map((e) => e.message))).toEqual(full.documents.map((d) => d.errors.map((e) => e.message)));
  });

  it('marks every document of the edit parse as broken when the inventory indexed it from a cut the parser does not share', async () => {
    // The broken ConfigMap is skipped by the pre-filter; the stream after it is indexed as document 2.
    const text = `${SERVICE}---\nkind: ConfigMap\ndata:\n  note: "x\n---\n${STREAM}`;
    const inv = await buildInventory(memoryWorkspace({ 'e.yaml': text }), NONE);
    expect(inv.streams.get('default/app')?.site.docIndex).toBe(2);
    const file = inv.files.get('e.yaml');
    expect(loadSourceFile('e.yaml', text).documents).toHaveLength(2);
    expect(file?.documents.map((d) => [d.value, d.errors.at(-1)?.message])).toEqual([
      [undefined, 'invalid YAML: a document runs across a "---" line (an unclosed quote?); expected 3 documents, the parser reads 2 (e.yaml)'],
      [undefined, 'invalid YAML: a document runs across a "---" line (an unclosed quote?); expected 3 documents, the parser reads 2 (e.yaml)'],
    ]);
  });

  it('parses JSON and files with directives or `...` whole', () => {
    const json = new ScannedFile('c.json', '{"kind": "ImageStream"}', 'json', DEFAULT_SOURCE_LIMITS);
    expect(json.documentTexts().map((d) => d.index)).toEqual([-1]);
    expect(json.documents([-1]).documents.map((d) => d.value)).toEqual([{ kind: 'ImageStream' }]);
    const ended = new ScannedFile('d.yaml', `${SERVICE}...\n${STREAM}`, 'yaml', DEFAULT_SOURCE_LIMITS);
    expect(ended.documents([-1]).documents.map((d) => (d.value as { kind: string }).kind)).toEqual(['Service', 'ImageStream']);
    expect(ended.documentCount).toBe(2);
  });
});

describe('Inventory.files (LazySourceFiles)', () => {
  it('parses nothing until get, then the same SourceFile as loadSourceFile, once', async () => {
    const text = `\uFEFF${SERVICE}---\r\n${STREAM}`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r');
    const inv = await buildInventory(memoryWorkspace({ 'a.yaml': text, 'b.yaml': STREAM.replace('app', 'b') }), NONE);
    const files = inv.files as LazySourceFiles;
    expect(files).toBeInstanceOf(LazySourceFiles);
    expect([...files.keys()]).toEqual(['a.yaml', 'b.yaml']);
    expect(files.has('a.yaml') && files.size === 2).toBe(true);
    expect(files.loadedCount).toBe(0);
    const a = files.get('a.yaml');
    expect(files.loadedCount).toBe(1);
    expect(files.get('a.yaml')).toBe(a);
    const expected = loadSourceFile('a.yaml', text);
    expect(a).toMatchObject({ path: 'a.yaml', text: expected.text, bom: true, eol: '\r\n', format: 'yaml' });
    expect(a?.documents.map((d) => d.value)).toEqual(expected.documents.map((d) => d.value));
    expect(a?.tokens.length).toBe(expected.tokens.length);
    expect(files.get('missing.yaml')).toBeUndefined();
    expect([...files.entries()].map(([p, f]) => [p, f.path])).toEqual([['a.yaml', 'a.yaml'], ['b.yaml', 'b.yaml']]);
  });
});
