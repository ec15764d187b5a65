import { describe, expect, it } from 'vitest';
import { applyChanges, changeEdits, eachFileChange, fieldEdit, fileChanges, type EditableObject } from '../../../src/app/object-change.js';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import type { Edit } from '../../../src/edit/yaml-edit.js';

const site = { docIndex: 0, path: ['items', 1] } as const;

describe('fieldEdit', () => {
  const object = { metadata: { name: 'x', annotations: null }, spec: { template: { spec: {} } } };
  it.each<[string, readonly (string | number)[], boolean, unknown, Edit]>([
    ['existing field: set', ['metadata', 'name'], true, 'y', { op: 'set', doc: 0, path: ['items', 1, 'metadata', 'name'], value: 'y' }],
    ['removed field: delete', ['metadata', 'name'], true, undefined, { op: 'delete', doc: 0, path: ['items', 1, 'metadata', 'name'] }],
    ['missing key of an existing map: insert', ['spec', 'paused'], false, true, { op: 'insert', doc: 0, path: ['items', 1, 'spec', 'paused'], value: true }],
    [
      'missing parents travel with the insert',
      ['spec', 'template', 'metadata', 'annotations', 'a'],
      false,
      '*',
      { op: 'insert', doc: 0, path: ['items', 1, 'spec', 'template', 'metadata'], value: { annotations: { a: '*' } }, index: 0 },
    ],
    ['a null parent is set, not inserted twice', ['metadata', 'annotations', 'a'], false, 'v', { op: 'set', doc: 0, path: ['items', 1, 'metadata', 'annotations'], value: { a: 'v' } }],
  ])('%s', (_name, rel, exists, to, want) => {
    expect(fieldEdit(site, object, rel, exists, to)).toEqual(want);
  });
});

describe('applyChanges', () => {
  it('copies, creates missing maps, deletes keys, never mutates the input', () => {
    const input = { a: { b: 1 }, list: [{ n: 1 }] };
    const out = applyChanges(input, [
      { path: ['a', 'b'], to: undefined },
      { path: ['c', 'd'], to: 'new' },
      { path: ['list', 0, 'n'], to: 2 },
      { path: ['gone', 'x'], to: undefined },
    ]);
    expect(out).toEqual({ a: {}, c: { d: 'new' }, list: [{ n: 2 }] });
    expect(input).toEqual({ a: { b: 1 }, list: [{ n: 1 }] });
  });
});

describe('changeEdits', () => {
  const w = (object: unknown): EditableObject => ({ site: { docIndex: 0, path: [] }, object });

  it('a change nested in another one folds into it (DC triggers + lastTriggeredImage)', () => {
    const object = { spec: { triggers: [{ type: 'ConfigChange' }] } };
    const edits = changeEdits(w(object), [
      { path: ['spec', 'triggers'], to: [{ type: 'ConfigChange' }, { type: 'ImageChange', imageChangeParams: { from: { name: 'a:1' } } }] },
      { path: ['spec', 'triggers', 1, 'imageChangeParams', 'lastTriggeredImage'], to: 'r@sha256:1' },
    ]);
    expect(edits).toEqual([
      { op: 'insert', doc: 0, path: ['spec', 'triggers', 1], value: { type: 'ImageChange', imageChangeParams: { from: { name: 'a:1' }, lastTriggeredImage: 'r@sha256:1' } } },
    ]);
  });

  it('two fields under one missing parent insert it once, with both', () => {
    const edits = changeEdits(w({ metadata: { name: 'x' } }), [
      { path: ['metadata', 'annotations', 'a'], to: '1' },
      { path: ['metadata', 'annotations', 'b'], to: '2' },
    ]);
    expect(edits).toEqual([{ op: 'insert', doc: 0, path: ['metadata', 'annotations'], value: { a: '1', b: '2' } }]);
  });

  it('removing the last annotation removes the annotations map (and an emptied template metadata); other annotations stay', () => {
    const lone = changeEdits(w({ metadata: { annotations: { a: '1' } } }), [{ path: ['metadata', 'annotations', 'a'], to: undefined }]);
    expect(lone).toEqual([{ op: 'delete', doc: 0, path: ['metadata', 'annotations'] }]);
    const template = changeEdits(w({ spec: { template: { metadata: { annotations: { a: '1' } }, spec: {} } } }), [
      { path: ['spec', 'template', 'metadata', 'annotations', 'a'], to: undefined },
    ]);
    expect(template).toEqual([{ op: 'delete', doc: 0, path: ['spec', 'template', 'metadata'] }]);
    const shared = changeEdits(w({ metadata: { annotations: { a: '1', b: '2' } } }), [{ path: ['metadata', 'annotations', 'a'], to: undefined }]);
    expect(shared).toEqual([{ op: 'delete', doc: 0, path: ['metadata', 'annotations', 'a'] }]);
  });

  it('a change to the current value plans nothing', () => {
    expect(changeEdits(w({ spec: { paused: true } }), [{ path: ['spec', 'paused'], to: true }])).toEqual([]);
  });
});

describe('fileChanges', () => {
  it('applies all edits of a file at once, skips files left unchanged, reports a failed verify as a located error', () => {
    const file = loadSourceFile('a.yaml', Buffer.from('# c\nkey: 1 # keep\n'));
    const ok = fileChanges([{ file, edits: [{ op: 'set', doc: 0, path: ['key'], value: 2 }] }, { file, edits: [] }]);
    expect(ok.files).toEqual([{ path: 'a.yaml', before: '# c\nkey: 1 # keep\n', after: '# c\nkey: 2 # keep\n' }]);
    expect(fileChanges([{ file, edits: [{ op: 'set', doc: 0, path: ['key'], value: 1 }] }]).files).toEqual([]);
    const bad = fileChanges([{ file, edits: [{ op: 'set', doc: 3, path: ['key'], value: 2 }] }]);
    expect(bad.files).toEqual([]);
    expect(bad.errors[0]?.message).toContain('a.yaml');
  });
});

describe('eachFileChange', () => {
  it('yields what fileChanges collects, in path order, each source file released before the next is parsed', () => {
    const texts: Record<string, string> = { 'b.yaml': 'key: 1\n', 'a.yaml': 'key: 1\n---\nother: x\n', 'c.yaml': 'key: 5\n' };
    const events: string[] = [];
    const source = {
      get: (path: string) => {
        events.push(`parse ${path}`);
        return loadSourceFile(path, Buffer.from(texts[path] ?? ''));
      },
      release: (path: string) => events.push(`release ${path}`),
    };
    const plans = [
      { file: 'b.yaml', edits: [{ op: 'set', doc: 0, path: ['key'], value: 2 }] as Edit[] },
      { file: 'a.yaml', edits: [{ op: 'set', doc: 0, path: ['key'], value: 3 }] as Edit[] },
      { file: 'c.yaml', edits: [{ op: 'set', doc: 0, path: ['key'], value: 5 }] as Edit[] },
    ];
    const streamed = [...eachFileChange(plans, source)];
    expect(events).toEqual(['parse a.yaml', 'release a.yaml', 'parse b.yaml', 'release b.yaml', 'parse c.yaml', 'release c.yaml']);
    expect(streamed).toEqual([
      { change: { path: 'a.yaml', before: 'key: 1\n---\nother: x\n', after: 'key: 3\n---\nother: x\n' } },
      { change: { path: 'b.yaml', before: 'key: 1\n', after: 'key: 2\n' } },
    ]);
    expect(fileChanges(plans, source)).toEqual({ files: streamed.map((o) => ('change' in o ? o.change : undefined)), errors: [] });
  });
});
