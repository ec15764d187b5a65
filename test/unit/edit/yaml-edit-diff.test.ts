import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { diffToEdits, type Edit } from '../../../src/edit/yaml-edit.js';
import { updateObject } from './update-object.js';

const MERGE = { mergeKeys: { 'spec.tags': 'name', 'status.tags': 'tag' } };

describe('diffToEdits', () => {
  const cases: [string, unknown, unknown, Edit[], typeof MERGE | undefined][] = [
    ['an absent value is inserted', undefined, { t: 1 }, [{ op: 'insert', doc: 0, path: ['x'], value: { t: 1 } }], undefined],
    ['equal values give no edits', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, [], undefined],
    ['scalar change', { a: 1, b: 2 }, { a: 1, b: 3 }, [{ op: 'set', doc: 0, path: ['x', 'b'], value: 3 }], undefined],
    [
      'key added and removed',
      { a: 1, b: 2 },
      { a: 1, c: 3 },
      [
        { op: 'delete', doc: 0, path: ['x', 'b'] },
        { op: 'insert', doc: 0, path: ['x', 'c'], value: 3 },
      ],
      undefined,
    ],
    [
      'prepend detection (tag history)',
      { items: [{ g: 1 }] },
      { items: [{ g: 3 }, { g: 2 }, { g: 1 }] },
      [
        { op: 'insert', doc: 0, path: ['x', 'items', 0], value: { g: 3 } },
        { op: 'insert', doc: 0, path: ['x', 'items', 0], value: { g: 2 } },
      ],
      undefined,
    ],
    ['append detection', [1], [1, 2], [{ op: 'insert', doc: 0, path: ['x', 1], value: 2 }], undefined],
    ['element-wise for same length', [1, 2], [1, 3], [{ op: 'set', doc: 0, path: ['x', 1], value: 3 }], undefined],
    ['otherwise replace', [1, 2, 3], [4], [{ op: 'set', doc: 0, path: ['x'], value: [4] }], undefined],
    ['emptied map is set, not deleted key by key', { a: { b: 1 } }, { a: {} }, [{ op: 'set', doc: 0, path: ['x', 'a'], value: {} }], undefined],
    ['empty map that gets content is replaced', { s: {} }, { s: { t: 1 } }, [{ op: 'set', doc: 0, path: ['x', 's'], value: { t: 1 } }], undefined],
    [
      'keyed sequence: delete, update, insert before a kept item',
      { spec: { tags: [{ name: 'a', v: 1 }, { name: 'b', v: 1 }, { name: 'c', v: 1 }] } },
      { spec: { tags: [{ name: 'z', v: 0 }, { name: 'a', v: 2 }, { name: 'c', v: 1 }] } },
      [
        { op: 'delete', doc: 0, path: ['x', 'spec', 'tags', 1] },
        { op: 'insert', doc: 0, path: ['x', 'spec', 'tags', 0], value: { name: 'z', v: 0 } },
        { op: 'set', doc: 0, path: ['x', 'spec', 'tags', 0, 'v'], value: 2 },
      ],
      MERGE,
    ],
    [
      'keyed sequence reordered falls back to replace',
      { spec: { tags: [{ name: 'a' }, { name: 'b' }] } },
      { spec: { tags: [{ name: 'b' }, { name: 'a' }] } },
      [{ op: 'set', doc: 0, path: ['x', 'spec', 'tags'], value: [{ name: 'b' }, { name: 'a' }] }],
      MERGE,
    ],
  ];
  it.each(cases)('%s', (_name, a, b, expected, opts) => {
    expect(diffToEdits(0, ['x'], a, b, opts)).toEqual(expected);
  });
});

describe('updateObject', () => {
  const stream = [
    '# ImageStream managed by hand',
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    '  name: ruby',
    'spec:',
    '  tags:',
    '  - name: "2.7"   # old',
    '    from:',
    '      kind: DockerImage',
    '      name: quay.io/ruby:2.7',
    '  - name: "3.0"',
    '    from:',
    '      kind: DockerImage',
    '      name: quay.io/ruby:3.0',
    'status:',
    '  tags:',
    '  - tag: "3.0"',
    '    items:',
    '    - created: "2026-01-01T00:00:00Z"',
    '      image: sha256:aaa',
    '      generation: 1',
    '',
  ].join('\n');

  it('adds a status block that does not exist yet', () => {
    const file = loadSourceFile('is.yaml', 'kind: ImageStream\nspec:\n  tags: []\n');
    expect(updateObject(file, 0, ['status'], { tags: [{ tag: 'a', items: [] }] })).toBe('kind: ImageStream\nspec:\n  tags: []\nstatus:\n  tags:\n  - tag: a\n    items: []\n');
  });

  it('returns undefined when nothing changes', () => {
    const file = loadSourceFile('is.yaml', stream);
    expect(updateObject(file, 0, [], file.documents[0]?.value)).toBeUndefined();
  });

  it('adds a tag, a history entry and a status tag with minimal line changes', () => {
    const file = loadSourceFile('is.yaml', stream);
    const next = structuredClone(file.documents[0]?.value) as {
      spec: { tags: unknown[] };
      status: { tags: { tag: string; items: unknown[] }[] };
    };
    next.spec.tags.push({ name: '3.1', from: { kind: 'DockerImage', name: 'quay.io/ruby:3.1' } });
    next.status.tags[0]?.items.unshift({ created: '2026-02-01T00:00:00Z', image: 'sha256:bbb', generation: 2 });
    next.status.tags.push({ tag: '3.1', items: [{ created: '2026-02-01T00:00:00Z', image: 'sha256:ccc', generation: 2 }] });
    const out = updateObject(file, 0, [], next, MERGE) as string;
    expect(parse(out)).toEqual(next);
    expect(out).toBe(
      [
        ...stream.split('\n').slice(0, 15),
        '  - name: "3.1"',
        '    from:',
        '      kind: DockerImage',
        '      name: quay.io/ruby:3.1',
        ...stream.split('\n').slice(15, 19),
        '    - created: "2026-02-01T00:00:00Z"',
        '      image: sha256:bbb',
        '      generation: 2',
        ...stream.split('\n').slice(19, 22),
        '  - tag: "3.1"',
        '    items:',
        '    - created: "2026-02-01T00:00:00Z"',
        '      image: sha256:ccc',
        '      generation: 2',
        '',
      ].join('\n'),
    );
  });
});
