import { describe, expect, it } from 'vitest';
import { settleSpecEdits } from '../../../src/domain/spec-edits.js';
import {
  OBSERVED_SPEC_ANNOTATION,
  canonicalJson,
  detectSpecEdits,
  fnv1a,
  readObservedSpec,
  recordObservedSpec,
  specRecord,
} from '../../../src/domain/spec-fingerprint.js';
import type { ImageStream, TagReference } from '../../../src/domain/image-stream.js';
import { findSpecTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import { tagNeedsImport } from '../../../src/domain/generation.js';
import { withAnnotation, withSpecTag } from '../../../src/domain/stream-edit.js';
import { D1, D2, NOW, byKey, dockerTag, ev, frozen, stream } from './stream-builders.js';

const imported = recordObservedSpec(
  stream('app', {
    generation: 4,
    tags: [
      dockerTag('1', 'quay.io/o/app:1', 4, { importPolicy: { importMode: 'Legacy' }, referencePolicy: { type: 'Source' } }),
      { name: 'stable', from: { kind: 'ImageStreamTag', name: '1' }, generation: 4 },
    ],
    status: [
      { tag: '1', items: [ev('quay.io/o/app@' + D1, D1, 4)] },
      { tag: 'stable', items: [ev('quay.io/o/app@' + D1, D1, 4)] },
    ],
  }),
);
const ctx = { now: NOW, streams: byKey(imported) };
const edit = (s: ImageStream, tag: string, change: (t: TagReference) => TagReference): ImageStream =>
  withSpecTag(s, change(findSpecTag(s, tag) as TagReference));

describe('fingerprints', () => {
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
  it('canonical JSON: key order by UTF-16 code units, escapes, empty containers, undefined in arrays, first key undefined', () => {
    expect(canonicalJson({ Z: 1, a: 2, ä: 3, '\u{1F600}': 4, '\uFFFF': 5, '': 6, '"q"': 7 })).toBe('{"":6,"\\"q\\"":7,"Z":1,"a":2,"ä":3,"\u{1F600}":4,"\uFFFF":5}');
    expect(canonicalJson({ a: undefined, b: {}, c: [], d: [undefined, null, 'x\n'] })).toBe('{"b":{},"c":[],"d":[null,null,"x\\n"]}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson('s')).toBe('"s"');
    expect(canonicalJson(undefined)).toBe('null');
  });
  it('fnv1a is the 32-bit FNV-1a', () => {
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).toBe('e40c292c');
  });
  it('the record round-trips through the annotation and ignores generations', () => {
    expect(readObservedSpec(imported)).toEqual(specRecord(imported));
    const regenerated = edit(imported, '1', (t) => ({ ...t, generation: 9 }));
    expect(specRecord(regenerated)).toEqual(specRecord(imported));
    expect(readObservedSpec(withAnnotation(imported, OBSERVED_SPEC_ANNOTATION, 'not json'))).toBeUndefined();
  });
});

describe('hand edits (detectSpecEdits + settleSpecEdits)', () => {
  const cases: { name: string; edit: (s: ImageStream) => ImageStream; changed: string[]; streamBump: boolean }[] = [
    { name: 'nothing edited', edit: (s) => s, changed: [], streamBump: false },
    { name: 'from.name changed', edit: (s) => edit(s, '1', (t) => ({ ...t, from: { kind: 'DockerImage', name: 'quay.io/o/app:1.1' } })), changed: ['1'], streamBump: true },
    { name: 'importMode changed', edit: (s) => edit(s, '1', (t) => ({ ...t, importPolicy: { importMode: 'PreserveOriginal' } })), changed: ['1'], streamBump: true },
    { name: 'reference toggled', edit: (s) => edit(s, '1', (t) => ({ ...t, reference: true })), changed: ['1'], streamBump: true },
    { name: 'generation 0', edit: (s) => edit(s, '1', (t) => ({ ...t, generation: 0 })), changed: ['1'], streamBump: true },
    { name: 'new tag without generation', edit: (s) => withSpecTag(s, dockerTag('2', 'quay.io/o/app:2', undefined)), changed: ['2'], streamBump: true },
    { name: 'new tag with a copied generation', edit: (s) => withSpecTag(s, dockerTag('2', 'quay.io/o/app:2', 4)), changed: ['2'], streamBump: true },
    { name: 'annotation-only change', edit: (s) => withAnnotation(s, 'note', 'hello'), changed: [], streamBump: false },
    { name: 'scheduled set', edit: (s) => edit(s, '1', (t) => ({ ...t, importPolicy: { importMode: 'Legacy', scheduled: true } })), changed: [], streamBump: true },
    { name: 'insecure set', edit: (s) => edit(s, '1', (t) => ({ ...t, importPolicy: { importMode: 'Legacy', insecure: true } })), changed: [], streamBump: true },
    { name: 'referencePolicy Local', edit: (s) => edit(s, '1', (t) => ({ ...t, referencePolicy: { type: 'Local' } })), changed: [], streamBump: true },
    { name: 'tag removed', edit: (s) => ({ ...s, spec: { ...s.spec, tags: s.spec.tags?.filter((t) => t.name !== 'stable') } }), changed: [], streamBump: true },
    { name: 'lookupPolicy changed', edit: (s) => ({ ...s, spec: { ...s.spec, lookupPolicy: { local: true } } }), changed: [], streamBump: true },
  ];

  it.each(cases)('$name', ({ edit: apply, changed, streamBump }) => {
    const input = frozen(apply(imported));
    expect(detectSpecEdits(input).changedTags).toEqual(changed);
    const { stream: out } = settleSpecEdits(input, ctx);
    expect(out.metadata.generation).toBe(streamBump ? 5 : 4);
    for (const t of input.spec.tags ?? []) {
      expect(findSpecTag(out, t.name)?.generation).toBe(changed.includes(t.name) ? 5 : t.generation);
    }
    if (!streamBump) expect(out).toBe(input);
    else expect(readObservedSpec(out)).toEqual(specRecord(out));
  });

  it('an edited DockerImage tag is then due for import', () => {
    const { stream: out } = settleSpecEdits(edit(imported, '1', (t) => ({ ...t, from: { kind: 'DockerImage', name: 'quay.io/o/app:2' } })), ctx);
    expect(tagNeedsImport(out, '1')).toBe(true);
  });

  it('an edited ImageStreamTag is re-resolved at once', () => {
    const twoTags = {
      ...imported,
      status: { tags: [...(imported.status?.tags ?? []), { tag: '2', items: [ev('quay.io/o/app@' + D2, D2, 4)] }] },
    };
    const { stream: out } = settleSpecEdits(edit(twoTags, 'stable', (t) => ({ ...t, from: { kind: 'ImageStreamTag', name: '2' } })), ctx);
    expect(latestTagEvent(out, 'stable')).toEqual(ev('quay.io/o/app@' + D2, D2, 5, NOW));
  });

  it('a stream Tagstream never wrote: status at the spec generation counts as observed', () => {
    const untouched = frozen(stream('app', { generation: 2, tags: [dockerTag('1', 'a:1', 2)], status: [{ tag: '1', items: [ev('a@' + D1, D1, 2)] }] }));
    expect(settleSpecEdits(untouched, ctx).stream).toBe(untouched);
    const behind = stream('app', { generation: 3, tags: [dockerTag('1', 'a:1', 3)], status: [{ tag: '1', items: [ev('a@' + D1, D1, 2)] }] });
    expect(detectSpecEdits(behind).changedTags).toEqual(['1']);
  });

  it('an unresolvable reference in a hand edit is reported, not thrown', () => {
    const broken = edit(imported, 'stable', (t) => ({ ...t, from: { kind: 'ImageStreamTag', name: 'gone:1' } }));
    const settled = settleSpecEdits(broken, ctx);
    expect(settled.problems.map((p) => p.message)).toEqual(['spec.tags[stable].from.name: Not found: "gone:1"']);
    expect(findSpecTag(settled.stream, 'stable')?.generation).toBe(5);
    expect(latestTagEvent(settled.stream, 'stable')?.image).toBe(D1);
  });

  it('a stream never served (no metadata.generation) is created: generation 1, reference tags resolved', () => {
    const fresh = frozen(
      stream('app', { tags: [dockerTag('1', 'a:1', undefined), dockerTag('ref', 'a:edge', undefined, { reference: true })] }),
    );
    const { stream: out } = settleSpecEdits(fresh, ctx);
    expect(out.metadata.generation).toBe(1);
    expect(out.metadata.creationTimestamp).toBe(NOW);
    expect(out.spec.tags?.map((t) => t.generation)).toEqual([1, 1]);
    expect(latestTagEvent(out, 'ref')).toEqual(ev('a:edge', '', 1, NOW));
    expect(tagNeedsImport(out, '1')).toBe(true);
  });
});
