/**
 * The pre-filter's cut must number and locate documents exactly as a full parse does: each slice
 * parsed alone (loadDocumentAt) must give the same documents, values, errors and node positions as
 * loadSourceFile over the whole file. Checked on edge cases and on the real-world corpus in
 * ../shared (skipped when absent).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, visit, type Node } from 'yaml';
import { mayHoldIndexedObject, mayHoldLocalImageName, splitDocuments } from '../../../src/inventory/inventory-prefilter.js';
import { lineCounterOf, loadDocumentAt, loadSourceFile, type SourceDocument } from '../../../src/edit/source-file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../../shared/corpus');

/**
 * What a document says and where: value, located errors, and the start line/col of every node.
 * An invalid document only says so: for those the inventory takes the full parse (ScannedFile).
 */
function shape(d: SourceDocument, linePos: (offset: number) => { line: number; col: number }): unknown {
  if (d.errors.length > 0) return { index: d.index, invalid: true };
  const nodes: string[] = [];
  visit(d.doc, (_key, node) => {
    if ((isMap(node) || isSeq(node) || isScalar(node)) && (node as Node).range) {
      const p = linePos(((node as Node).range as [number, number, number])[0]);
      nodes.push(`${p.line}:${p.col}`);
    }
  });
  return { index: d.index, value: d.value, nodes };
}

/** Compare the cut with the full parse; returns undefined when the file is not cut (parsed whole). */
function compareCut(file: string, text: string): { full: unknown[]; cut: unknown[] } | undefined {
  const full = loadSourceFile(file, text);
  const slices = splitDocuments(full.text);
  if (!slices) return undefined;
  const lineCounter = lineCounterOf(full.text);
  expect(lineCounter.lineStarts).toEqual(full.lineCounter.lineStarts);
  const base = { path: file, lineCounter };
  const cut = slices.map((s) => {
    const d = loadDocumentAt(base, full.text, s.start, s.end, s.index);
    return d ? shape(d, lineCounter.linePos) : `slice ${s.index} is not one document`;
  });
  return { full: full.documents.map((d) => shape(d, full.lineCounter.linePos)), cut };
}

describe('splitDocuments + loadDocumentAt agree with the full parse', () => {
  it.each([
    ['one document', 'a: 1\nb: [x, y]\n'],
    ['empty file', ''],
    ['comment only', '# nothing here\n'],
    ['leading marker', '---\na: 1\n'],
    ['comments before the first marker', '# head\n\n---\na: 1\n---\nb: 2\n'],
    ['content before the first marker', 'a: 1\n---\nb: 2\n'],
    ['trailing marker (empty last document)', 'a: 1\n---\n'],
    ['empty documents between markers', '---\n---\n# c\n---\na: 1\n'],
    ['content on the marker line', '--- !!map\na: 1\n--- {b: 2}\n--- |\n  text\n'],
    ['marker-like text that is not a marker', 'a: ---x\nb: |\n  ---\n----: 1\n'],
    ['a block scalar ended by a marker', 'a: |\n  line\n---\nb: 2\n'],
    ['CRLF line ends', 'a: 1\r\n---\r\nb: 2\r\n---\r\n'],
    ['BOM', '\uFEFFa: 1\n---\nb: 2\n'],
    ['invalid YAML in the second document', 'a: 1\n---\nb: {c: d\ne: 1\n---\nf: 2\n'],
    ['a quoted scalar cut by a marker', 'a: "one\n---\nb: two"\n'],
    ['a flow collection cut by a marker', 'a: [1,\n---\n2]\n'],
    ['anchors and aliases per document', 'a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n'],
  ])('%s', (_name, text) => {
    const r = compareCut('t.yaml', text);
    expect(r).toBeDefined();
    expect(r?.cut).toEqual(r?.full);
  });

  it.each([
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\nb: 2\n'],
  ])('does not cut a file with %s', (_name, text) => {
    expect(splitDocuments(text)).toBeUndefined();
  });

  it.skipIf(!existsSync(corpus))('on every YAML file of ../shared/corpus', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(name)) files.push(p);
      }
    };
    walk(corpus);
    expect(files.length).toBeGreaterThan(100);
    let cut = 0;
    for (const f of files) {
      const r = compareCut(path.relative(corpus, f), readFileSync(f, 'utf8'));
      if (!r) continue;
      cut++;
      expect({ file: f, docs: r.cut }).toEqual({ file: f, docs: r.full });
    }
    expect(cut).toBeGreaterThan(files.length * 0.9);
  });
});

describe('marker tests', () => {
  it.each([
    ['kind: ImageStream', true],
    ['kind: ImageStreamList', true],
    ['  annotations:\n    image.openshift.io/triggers: "[]"', true],
    ['kind: DeploymentConfig', true],
    ['    alpha.image.policy.openshift.io/resolve-names: "*"', true],
    ['kind: Template\nobjects: []', true],
    ['{"kind":"ImageStream"}', true],
    ['kind: Deployment\nspec:\n  template:\n    spec: {}', false],
    ['kind: Service', false],
    ['kind: CronJob\nspec:\n  jobTemplate:\n    spec: {}', false],
    ['kind: PodTemplate', false],
    ['apiVersion: template.openshift.io/v1\nkind: "Template"', true],
  ])('mayHoldIndexedObject(%j) = %s', (text, expected) => {
    expect(mayHoldIndexedObject(text)).toBe(expected);
  });

  it.each([
    ['image: mysql:8', true],
    ['  - image: mysql', true],
    ['- {name: c, image: app}', true],
    ['- {image: app, name: a/b}', true],
    ['"image":"app"', true],
    ["image: 'app:1'", true],
    ['image: *img', true],
    ['image: >-\n  mysql', true],
    ['image:\n  mysql', true],
    ['image: quay.io/a/b:1', false],
    ['image: "docker.io/library/mysql:8"', false],
    ['image: busybox@sha256:abc', false],
    ['- {image: quay.io/a, name: b}', false],
    ['imagePullPolicy: Always', false],
    ['myimage: app', false],
  ])('mayHoldLocalImageName(%j) = %s', (text, expected) => {
    expect(mayHoldLocalImageName(text)).toBe(expected);
  });
});
