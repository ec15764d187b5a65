import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isTagstreamError } from '../../../src/errors.js';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { applyEdits, type Edit } from '../../../src/edit/yaml-edit.js';

const DIGEST = `registry.example.com/x@sha256:${'0123456789abcdef'.repeat(4)}`;

function edit(text: string, edits: Edit[], path = 'm.yaml'): string {
  return applyEdits(loadSourceFile(path, text), edits);
}

function set(path: (string | number)[], value: unknown, doc = 0): Edit {
  return { op: 'set', doc, path, value };
}

describe('set: scalar replacement keeps style, quotes when a plain scalar would change type', () => {
  const cases: [string, string, (string | number)[], unknown, string][] = [
    ['plain to plain', 'image: nginx:1.25\n', ['image'], DIGEST, `image: ${DIGEST}\n`],
    ['single quotes kept', "image: 'nginx:1.25'\n", ['image'], DIGEST, `image: '${DIGEST}'\n`],
    ['double quotes kept', 'image: "nginx:1.25"\n', ['image'], DIGEST, `image: "${DIGEST}"\n`],
    ['comment kept', 'image: nginx # pinned\nx: 1\n', ['image'], 'busybox', 'image: busybox # pinned\nx: 1\n'],
    ['1.10 stays a string', 'tag: latest\n', ['tag'], '1.10', 'tag: "1.10"\n'],
    ['20.0 stays a string', 'tag: latest\n', ['tag'], '20.0', 'tag: "20.0"\n'],
    ['true stays a string', 'v: x\n', ['v'], 'true', 'v: "true"\n'],
    ['null stays a string', 'v: x\n', ['v'], 'null', 'v: "null"\n'],
    ['0777 stays a string', 'v: x\n', ['v'], '0777', 'v: "0777"\n'],
    ['yes (YAML 1.1 bool)', 'v: x\n', ['v'], 'yes', 'v: "yes"\n'],
    ['no (YAML 1.1 bool)', 'v: x\n', ['v'], 'no', 'v: "no"\n'],
    ['on (YAML 1.1 bool)', 'v: x\n', ['v'], 'on', 'v: "on"\n'],
    ['off (YAML 1.1 bool)', 'v: x\n', ['v'], 'Off', 'v: "Off"\n'],
    ['y (YAML 1.1 bool)', 'v: x\n', ['v'], 'y', 'v: "y"\n'],
    ['n (YAML 1.1 bool)', 'v: x\n', ['v'], 'N', 'v: "N"\n'],
    ['~ (null)', 'v: x\n', ['v'], '~', 'v: "~"\n'],
    ['sexagesimal 1:20', 'v: x\n', ['v'], '1:20', 'v: "1:20"\n'],
    ['.inf', 'v: x\n', ['v'], '.inf', 'v: ".inf"\n'],
    ['1e3', 'v: x\n', ['v'], '1e3', 'v: "1e3"\n'],
    ['timestamp', 'v: x\n', ['v'], '2001-12-14', 'v: "2001-12-14"\n'],
    ['empty string', 'v: x\n', ['v'], '', 'v: ""\n'],
    ['colon space', 'v: x\n', ['v'], 'a: b', 'v: "a: b"\n'],
    ['space hash', 'v: x\n', ['v'], 'a #b', 'v: "a #b"\n'],
    ['leading *', 'v: x\n', ['v'], '*ref', 'v: "*ref"\n'],
    ['leading &', 'v: x\n', ['v'], '&a', 'v: "&a"\n'],
    ['leading !', 'v: x\n', ['v'], '!tag', 'v: "!tag"\n'],
    ['leading |', 'v: x\n', ['v'], '|x', 'v: "|x"\n'],
    ['leading >', 'v: x\n', ['v'], '>x', 'v: ">x"\n'],
    ['leading %', 'v: x\n', ['v'], '%x', 'v: "%x"\n'],
    ['leading @', 'v: x\n', ['v'], '@x', 'v: "@x"\n'],
    ['leading space', 'v: x\n', ['v'], ' x', 'v: " x"\n'],
    ['single-quoted keeps quotes for 1.10', "v: 'a'\n", ['v'], '1.10', "v: '1.10'\n"],
    ['number into quoted string position', 'replicas: "2"\n', ['replicas'], 3, 'replicas: 3\n'],
    ['boolean', 'paused: false\n', ['paused'], true, 'paused: true\n'],
    ['null value', 'v: x\n', ['v'], null, 'v: null\n'],
    ['plain string that is safe stays plain', 'v: "x"\n', ['v'], 'quay.io/a/b:1.0', 'v: "quay.io/a/b:1.0"\n'],
    ['inside flow map', 'm: {image: a, x: 1}\n', ['m', 'image'], 'b:1', 'm: {image: b:1, x: 1}\n'],
    ['key without value', 'a:\nb: 1\n', ['a'], 'v', 'a: v\nb: 1\n'],
    ['sequence item', 'l:\n- a\n- b\n', ['l', 1], 'yes', 'l:\n- a\n- "yes"\n'],
  ];
  it.each(cases)('%s', (_name, before, path, value, after) => {
    expect(edit(before, [set(path, value)])).toBe(after);
  });

  it('replaces a folded block scalar by a plain scalar without touching following lines', () => {
    const before = 'containers:\n- name: a\n  image: >-\n    quay.io/x/y:1.0\n  ports:\n  - containerPort: 8080\n';
    expect(edit(before, [set(['containers', 0, 'image'], DIGEST)])).toBe(`containers:\n- name: a\n  image: ${DIGEST}\n  ports:\n  - containerPort: 8080\n`);
  });

  it('keeps a literal block scalar for a multi-line value, indented under its key', () => {
    const before = 'a:\n  script: |\n    echo 1\n  next: 2\n';
    const out = edit(before, [set(['a', 'script'], 'echo 2\necho 3\n')]);
    expect(out).toBe('a:\n  script: |\n    echo 2\n    echo 3\n  next: 2\n');
  });

  it('writes a multi-line value that replaces a plain scalar as a literal block', () => {
    expect(edit('a: x\nb: 1\n', [set(['a'], 'l1\nl2')])).toBe('a: |-\n  l1\n  l2\nb: 1\n');
  });

  it('double-quotes a multi-line value inside a flow collection', () => {
    expect(parse(edit('m: {a: x, b: 1}\n', [set(['m', 'a'], 'l1\nl2')]))).toEqual({ m: { a: 'l1\nl2', b: 1 } });
  });
});

describe('insert', () => {
  const cases: [string, string, Edit[], string][] = [
    [
      'annotation into a 4-space map',
      'metadata:\n    name: x\n    annotations:\n        a: b\nspec: {}\n',
      [{ op: 'insert', doc: 0, path: ['metadata', 'annotations', 'tagstream.io/x'], value: 'on' }],
      'metadata:\n    name: x\n    annotations:\n        a: b\n        tagstream.io/x: "on"\nspec: {}\n',
    ],
    [
      'new key at a position',
      'a: 1\nc: 3\n',
      [{ op: 'insert', doc: 0, path: ['b'], value: 2, index: 1 }],
      'a: 1\nb: 2\nc: 3\n',
    ],
    [
      'new status block (kubectl sequence style, file has none)',
      'kind: ImageStream\nspec:\n  tags:\n  - name: latest\n',
      [{ op: 'insert', doc: 0, path: ['status'], value: { tags: [{ tag: 'latest', items: [{ image: 'sha256:1', generation: 1 }] }] } }],
      'kind: ImageStream\nspec:\n  tags:\n  - name: latest\nstatus:\n  tags:\n  - tag: latest\n    items:\n    - image: sha256:1\n      generation: 1\n',
    ],
    [
      'nested sequence follows indented sequence style of the file',
      'spec:\n  tags:\n    - name: a\n',
      [{ op: 'insert', doc: 0, path: ['status'], value: { tags: [{ tag: 'a', items: [{ image: 'x' }] }] } }],
      'spec:\n  tags:\n    - name: a\nstatus:\n  tags:\n    - tag: a\n      items:\n        - image: x\n',
    ],
    [
      'prepend a tag event (history is newest first)',
      'status:\n  tags:\n  - tag: a\n    items:\n    - image: old\n',
      [{ op: 'insert', doc: 0, path: ['status', 'tags', 0, 'items', 0], value: { image: 'new', generation: 2 } }],
      'status:\n  tags:\n  - tag: a\n    items:\n    - image: new\n      generation: 2\n    - image: old\n',
    ],
    [
      'append a sequence item before trailing comments',
      'l:\n- a\n# end\n',
      [{ op: 'insert', doc: 0, path: ['l', 1], value: 'b' }],
      'l:\n- a\n- b\n# end\n',
    ],
    [
      'key before the first key of a sequence item',
      'l:\n- name: a\n  image: x\n',
      [{ op: 'insert', doc: 0, path: ['l', 0, 'id'], value: 1, index: 0 }],
      'l:\n- id: 1\n  name: a\n  image: x\n',
    ],
    [
      'flow sequence',
      'l: [a, b]\n',
      [{ op: 'insert', doc: 0, path: ['l', 2], value: 'yes' }],
      'l: [a, b, "yes"]\n',
    ],
    [
      'empty flow map',
      'annotations: {}\n',
      [{ op: 'insert', doc: 0, path: ['annotations', 'a'], value: 'b' }],
      'annotations: {a: b}\n',
    ],
    [
      'no final newline stays without one',
      'a: 1',
      [{ op: 'insert', doc: 0, path: ['b'], value: 2 }],
      'a: 1\nb: 2',
    ],
    [
      'comments and blank lines elsewhere untouched',
      '# head\na: 1 # one\n\n# about b\nb:\n  c: 2\n',
      [{ op: 'insert', doc: 0, path: ['b', 'd'], value: [1, 2] }],
      '# head\na: 1 # one\n\n# about b\nb:\n  c: 2\n  d:\n  - 1\n  - 2\n',
    ],
  ];
  it.each(cases)('%s', (_name, before, edits, after) => {
    expect(edit(before, edits)).toBe(after);
  });

  it('uses CRLF for inserted lines in a CRLF file', () => {
    const out = edit('a: 1\r\nb:\r\n  c: 2\r\n', [{ op: 'insert', doc: 0, path: ['b', 'd'], value: { e: [1] } }]);
    expect(out).toBe('a: 1\r\nb:\r\n  c: 2\r\n  d:\r\n    e:\r\n    - 1\r\n');
  });

  it('refuses to insert under a key that holds no mapping, pointing to set', () => {
    expect(() => edit('a:\nb: 1\n', [{ op: 'insert', doc: 0, path: ['a', 'x'], value: 1 }])).toThrow(/not a mapping or sequence; set it/);
  });

  it('refuses to insert an existing key', () => {
    expect(() => edit('a: 1\n', [{ op: 'insert', doc: 0, path: ['a'], value: 2 }])).toThrow(/already exists/);
  });
});

describe('delete', () => {
  const cases: [string, string, (string | number)[], string][] = [
    ['key with nested block', 'a: 1\nb:\n  c: 2\n  d: [1]\ne: 3 # keep\n', ['b'], 'a: 1\ne: 3 # keep\n'],
    ['key with trailing comment', 'a: 1 # x\nb: 2\n', ['a'], 'b: 2\n'],
    ['sequence item', 'l:\n- a\n- b: 1\n  c: 2\n- d\n', ['l', 1], 'l:\n- a\n- d\n'],
    ['first key of a sequence item', 'l:\n- name: a\n  image: x\n', ['l', 0, 'name'], 'l:\n- image: x\n'],
    ['last item leaves an empty sequence', 'l:\n- a\nm: 1\n', ['l', 0], 'l: []\nm: 1\n'],
    ['last key leaves an empty map', 'a:\n  b: 1\nc: 2\n', ['a', 'b'], 'a: {}\nc: 2\n'],
    ['flow map member', 'm: {a: 1, b: 2, c: 3}\n', ['m', 'b'], 'm: {a: 1, c: 3}\n'],
    ['first flow item', 'l: [a, b]\n', ['l', 0], 'l: [b]\n'],
    ['comment lines above a deleted key are kept (documented)', 'a: 1\n# about b\nb: 2\nc: 3\n', ['b'], 'a: 1\n# about b\nc: 3\n'],
    ['folded block scalar value', 'a: >-\n  x\n  y\nb: 1\n', ['a'], 'b: 1\n'],
  ];
  it.each(cases)('%s', (_name, before, path, after) => {
    expect(edit(before, [{ op: 'delete', doc: 0, path }])).toBe(after);
  });
});

describe('set: whole values', () => {
  const cases: [string, string, (string | number)[], unknown, string][] = [
    ['scalar to map keeps the comment on the key line', 'a: null # c\nb: 1\n', ['a'], { x: 1 }, 'a: # c\n  x: 1\nb: 1\n'],
    ['empty value to map', 'a:\nb: 1\n', ['a'], { x: 1 }, 'a:\n  x: 1\nb: 1\n'],
    ['sequence item scalar to map', 'l:\n- a\n- b\n', ['l', 0], { name: 'x', v: 1 }, 'l:\n- name: x\n  v: 1\n- b\n'],
    ['root of a document without final newline', 'a: 1', [], { b: 2 }, 'b: 2'],
    ['empty flow map to block map', 'status: {}\n', ['status'], { tags: [{ tag: 'a' }] }, 'status:\n  tags:\n  - tag: a\n'],
    ['block map to scalar', 'a:\n  x: 1\nb: 2\n', ['a'], 'v', 'a: v\nb: 2\n'],
    ['block sequence to another sequence', 'l:\n- a\n- b\nz: 1\n', ['l'], ['c'], 'l:\n- c\nz: 1\n'],
  ];
  it.each(cases)('%s', (_name, before, path, value, after) => {
    expect(edit(before, [set(path, value)])).toBe(after);
  });
});

describe('JSON files', () => {
  const tabs = '{\n\t"kind": "ImageStream",\n\t"spec": {\n\t\t"tags": [\n\t\t\t{\n\t\t\t\t"name": "1.0"\n\t\t\t}\n\t\t]\n\t},\n\t"metadata": {}\n}';
  it('set keeps JSON quoting', () => {
    expect(edit('{\n  "a": "x",\n  "n": 1\n}\n', [set(['a'], '1.10'), set(['n'], 'yes')], 'f.json')).toBe('{\n  "a": "1.10",\n  "n": "yes"\n}\n');
  });
  it('insert with tabs and no final newline', () => {
    const out = edit(
      tabs,
      [
        { op: 'insert', doc: 0, path: ['spec', 'tags', 1], value: { name: '2.0', from: { kind: 'DockerImage' } } },
        { op: 'insert', doc: 0, path: ['metadata', 'annotations'], value: { a: 'b' } },
        { op: 'insert', doc: 0, path: ['status'], value: { tags: [] } },
      ],
      'f.json',
    );
    expect(out).toBe(
      '{\n\t"kind": "ImageStream",\n\t"spec": {\n\t\t"tags": [\n\t\t\t{\n\t\t\t\t"name": "1.0"\n\t\t\t},\n\t\t\t{\n\t\t\t\t"name": "2.0",\n\t\t\t\t"from": {\n\t\t\t\t\t"kind": "DockerImage"\n\t\t\t\t}\n\t\t\t}\n\t\t]\n\t},\n\t"metadata": {\n\t\t"annotations": {\n\t\t\t"a": "b"\n\t\t}\n\t},\n\t"status": {\n\t\t"tags": []\n\t}\n}',
    );
    expect(() => JSON.parse(out)).not.toThrow();
  });
  it.each([
    ['first', ['a'], '{\n    "b": 2,\n    "c": 3\n}\n'],
    ['middle', ['b'], '{\n    "a": 1,\n    "c": 3\n}\n'],
    ['last', ['c'], '{\n    "a": 1,\n    "b": 2\n}\n'],
  ] as const)('delete %s member keeps commas valid', (_n, path, after) => {
    expect(edit('{\n    "a": 1,\n    "b": 2,\n    "c": 3\n}\n', [{ op: 'delete', doc: 0, path: [...path] }], 'f.json')).toBe(after);
  });
  it('insert into an empty object opens it on new lines at the right depth', () => {
    expect(edit('{\n  "metadata": {}\n}\n', [{ op: 'insert', doc: 0, path: ['metadata', 'annotations'], value: { a: 'b' } }], 'f.json')).toBe(
      '{\n  "metadata": {\n    "annotations": {\n      "a": "b"\n    }\n  }\n}\n',
    );
  });
  it('single-line JSON stays compact with its own separators', () => {
    expect(edit('{"a":1,"b":[1]}', [{ op: 'insert', doc: 0, path: ['c'], value: { x: [1, 2] } }], 'f.json')).toBe('{"a":1,"b":[1],"c":{"x":[1,2]}}');
  });
  it('insert at the front of an array', () => {
    expect(edit('{\n  "l": [\n    1\n  ]\n}\n', [{ op: 'insert', doc: 0, path: ['l', 0], value: 0 }], 'f.json')).toBe('{\n  "l": [\n    0,\n    1\n  ]\n}\n');
  });
});

describe('file-level fidelity', () => {
  it('BOM and CRLF survive an edit', () => {
    const out = edit('\uFEFFa: 1\r\nb: x # c\r\n', [set(['b'], 'z')]);
    expect(out).toBe('\uFEFFa: 1\r\nb: z # c\r\n');
  });

  it('multi-document files: other documents stay byte for byte', () => {
    const before = '# first\na: &x 1\nb: *x\n---\nkind: B\nimage: old\n...\n---\n{c: 3}\n';
    const out = edit(before, [set(['image'], DIGEST, 1)]);
    expect(out).toBe(before.replace('image: old', `image: ${DIGEST}`));
  });

  it('many edits of one file in one call', () => {
    const n = 300;
    const before = Array.from({ length: n }, (_, i) => `---\nkind: Pod\nspec:\n  containers:\n  - name: c${i}\n    image: img:${i}\n`).join('');
    const edits: Edit[] = Array.from({ length: n }, (_, i) => set(['spec', 'containers', 0, 'image'], `${DIGEST}${i}`, i));
    const out = edit(before, edits);
    expect(out.split('\n').length).toBe(before.split('\n').length);
    expect(out).toContain(`image: ${DIGEST}299\n`);
  });

  it('refuses overlapping edits', () => {
    expect(() => edit('a:\n  b: 1\n', [set(['a', 'b'], 2), { op: 'delete', doc: 0, path: ['a'] }])).toThrow(/overlap/);
  });

  it('refuses a path that does not exist, naming file:line:col and the path', () => {
    try {
      edit('a:\n  b: 1\n', [set(['a', 'c', 'd'], 2)]);
      expect.unreachable();
    } catch (e) {
      expect(isTagstreamError(e) && e.code).toBe('FieldPath');
      expect((e as Error).message).toMatch(/a\.c\.d .*no key "c".*\(m\.yaml:2:3\)/);
    }
    expect(() => edit('a:\n- 1\n', [set(['a', 1], 2)])).toThrow(/no item 1 in a/);
    expect(() => edit('a: 1\n', [set(['a', 'b'], 2)])).toThrow(/a is not a mapping or sequence/);
  });

  // An ImageStream written without `spec:` (create istag, set image-lookup): the key is added.
  it.each([
    ['top-level key appended', 'kind: ImageStream\nmetadata:\n  name: app # keep\n', ['spec'], { tags: [{ name: 'v1' }] }, 'kind: ImageStream\nmetadata:\n  name: app # keep\nspec:\n  tags:\n  - name: v1\n'],
    ['4-space indentation followed', 'metadata:\n    name: app\n', ['metadata', 'labels'], { a: 'b' }, 'metadata:\n    name: app\n    labels:\n        a: b\n'],
    ['CRLF and no final newline', 'kind: X\r\nmetadata:\r\n  name: app', ['spec'], { a: 1 }, 'kind: X\r\nmetadata:\r\n  name: app\r\nspec:\r\n  a: 1'],
    ['flow mapping', 'metadata: {name: app}\n', ['metadata', 'namespace'], 'shop', 'metadata: {name: app, namespace: shop}\n'],
  ])('set of a key its mapping lacks adds it: %s', (_name, before, path, value, after) => {
    expect(edit(before, [set(path, value)])).toBe(after);
  });

  it('set of a missing key in JSON adds it, keeping the indentation', () => {
    expect(edit('{\n  "kind": "ImageStream"\n}\n', [set(['spec'], { tags: [] })], 'm.json')).toBe('{\n  "kind": "ImageStream",\n  "spec": {\n    "tags": []\n  }\n}\n');
  });

  it('refuses a document with parse errors', () => {
    expect(() => edit('a: [\n', [set(['a'], 1)])).toThrow(/does not parse cleanly/);
  });
});

describe('anchors and aliases', () => {
  const doc = 'base: &env\n  - name: A\n    value: x\nc1:\n  env: *env\n  image: a\nfree: &free 1\n';
  it.each([
    ['inside an anchored node used by an alias', ['base', 0, 'value']],
    ['the anchored node itself', ['base']],
    ['through an alias', ['c1', 'env', 0, 'value']],
    ['the alias node', ['c1', 'env']],
  ])('refuses an edit %s', (_n, path) => {
    try {
      edit(doc, [set(path, 'y')]);
      expect.unreachable();
    } catch (e) {
      expect(isTagstreamError(e) && e.code).toBe('EditVerify');
      expect((e as Error).message).toMatch(/alias/);
      expect((e as Error).message).toMatch(/\(m\.yaml:\d+:\d+\)/);
    }
  });
  it('edits next to aliases, and anchors nobody refers to, are fine', () => {
    expect(edit(doc, [set(['c1', 'image'], 'b'), set(['free'], 2)])).toBe(doc.replace('image: a', 'image: b').replace('&free 1', '&free 2'));
  });
  it('re-parse verification catches a change hidden by a YAML 1.1 merge key', () => {
    const merged = '%YAML 1.1\n---\nbase: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n  y: 3\n';
    try {
      edit(merged, [{ op: 'delete', doc: 0, path: ['c', 'x'] }]);
      expect.unreachable();
    } catch (e) {
      expect(isTagstreamError(e) && e.code).toBe('EditVerify');
      expect((e as Error).message).toMatch(/c\.x reads back differently.*\(m\.yaml:6:\d+\)/);
    }
  });
});
