import { describe, expect, it } from 'vitest';
import { applyServerGenerations, isImportable, observedGeneration, tagNeedsImport, tagRefChanged } from '../../../src/domain/generation.js';
import type { TagReference } from '../../../src/domain/image-stream.js';
import { findSpecTag } from '../../../src/domain/image-stream.js';
import { D1, dockerTag, ev, frozen, stream } from './stream-builders.js';

const base: TagReference = { name: 't', from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, generation: 2, importPolicy: { importMode: 'Legacy' } };

// §1.5 / TestTagRefChanged
const refCases: { name: string; old?: TagReference; next: TagReference; changed: boolean }[] = [
  { name: 'no from in next', old: base, next: { name: 't' }, changed: false },
  { name: 'empty from in next', old: base, next: { name: 't', from: { kind: '', name: '' } }, changed: false },
  { name: 'no old tag', next: base, changed: true },
  { name: 'identical', old: base, next: { ...base }, changed: false },
  { name: 'from.name changed', old: base, next: { ...base, from: { kind: 'DockerImage', name: 'quay.io/a/b:2' } }, changed: true },
  { name: 'from.kind changed only', old: base, next: { ...base, from: { kind: 'ImageStreamTag', name: 'quay.io/a/b:1' } }, changed: false },
  { name: 'namespace empty vs stream namespace', old: base, next: { ...base, from: { kind: 'DockerImage', name: 'quay.io/a/b:1', namespace: 'ns' } }, changed: false },
  { name: 'namespace changed', old: base, next: { ...base, from: { kind: 'DockerImage', name: 'quay.io/a/b:1', namespace: 'other' } }, changed: true },
  { name: 'reference toggled', old: base, next: { ...base, reference: true }, changed: true },
  { name: 'reference false vs absent', old: base, next: { ...base, reference: false }, changed: false },
  { name: 'importMode changed', old: base, next: { ...base, importPolicy: { importMode: 'PreserveOriginal' } }, changed: true },
  { name: 'importMode empty = default Legacy', old: base, next: { ...base, importPolicy: {} }, changed: false },
  { name: 'generation set to 0', old: base, next: { ...base, generation: 0 }, changed: true },
  { name: 'generation other value', old: base, next: { ...base, generation: 7 }, changed: false },
  { name: 'scheduled changed', old: base, next: { ...base, importPolicy: { importMode: 'Legacy', scheduled: true } }, changed: false },
  { name: 'insecure changed', old: base, next: { ...base, importPolicy: { importMode: 'Legacy', insecure: true } }, changed: false },
  { name: 'referencePolicy changed', old: base, next: { ...base, referencePolicy: { type: 'Local' } }, changed: false },
  { name: 'annotations changed', old: base, next: { ...base, annotations: { description: 'x' } }, changed: false },
];

describe('tagRefChanged', () => {
  it.each(refCases)('$name -> $changed', ({ old, next, changed }) => {
    expect(tagRefChanged(old, next, 'ns')).toBe(changed);
  });
  it('compares an empty importMode with the cluster default', () => {
    expect(tagRefChanged({ ...base, importPolicy: {} }, base, 'ns', 'PreserveOriginal')).toBe(true);
  });
});

describe('observedGeneration / tagNeedsImport', () => {
  const cond = (generation: number) => ({ type: 'ImportSuccess' as const, status: 'False' as const, generation });
  it.each([
    { name: 'no status', list: undefined, observed: -1 },
    { name: 'empty', list: { tag: 't', items: [] }, observed: -1 },
    { name: 'items only', list: { tag: 't', items: [ev('x', D1, 3), ev('y', D1, 9)] }, observed: 3 },
    { name: 'newer condition', list: { tag: 't', items: [ev('x', D1, 3)], conditions: [cond(5)] }, observed: 5 },
    { name: 'older condition', list: { tag: 't', items: [ev('x', D1, 6)], conditions: [cond(5)] }, observed: 6 },
  ])('$name -> $observed', ({ list, observed }) => {
    expect(observedGeneration(list)).toBe(observed);
  });

  it.each([
    { name: 'spec ahead', tag: dockerTag('t', 'a:1', 4), status: [{ tag: 't', items: [ev('a@' + D1, D1, 3)] }], needs: true },
    { name: 'spec equal', tag: dockerTag('t', 'a:1', 3), status: [{ tag: 't', items: [ev('a@' + D1, D1, 3)] }], needs: false },
    { name: 'generation 0 never imported', tag: dockerTag('t', 'a:1', 0), status: [], needs: true },
    { name: 'no generation', tag: dockerTag('t', 'a:1', undefined), status: [], needs: true },
    { name: 'reference tag', tag: dockerTag('t', 'a:1', 4, { reference: true }), status: [], needs: false },
    { name: 'istag', tag: { name: 't', from: { kind: 'ImageStreamTag', name: 'x:1' }, generation: 4 }, status: [], needs: false },
  ])('$name', ({ tag, status, needs }) => {
    expect(tagNeedsImport(stream('is', { generation: 4, tags: [tag], status }), 't')).toBe(needs);
  });

  it('isImportable needs a DockerImage non-reference source', () => {
    expect(isImportable(dockerTag('t', 'a', 1))).toBe(true);
    expect(isImportable(dockerTag('t', '', 1))).toBe(false);
    expect(isImportable({ name: 't' })).toBe(false);
  });
});

describe('applyServerGenerations', () => {
  it('create: generation 1 everywhere, every tag changed', () => {
    const { stream: s, changedTags } = applyServerGenerations(undefined, frozen(stream('is', { tags: [dockerTag('a', 'x:1', 0), dockerTag('b', 'x:2', 9)] })));
    expect(s.metadata.generation).toBe(1);
    expect(s.spec.tags?.map((t) => t.generation)).toEqual([1, 1]);
    expect(changedTags).toEqual(['a', 'b']);
  });

  it('update: unchanged spec keeps generations', () => {
    const old = stream('is', { generation: 3, tags: [dockerTag('a', 'x:1', 2)] });
    const { stream: s, changedTags } = applyServerGenerations(old, old);
    expect(s.metadata.generation).toBe(3);
    expect(changedTags).toEqual([]);
  });

  it('update: client generations are replaced, changed/new/zero tags take the new generation', () => {
    const old = frozen(stream('is', { generation: 3, tags: [dockerTag('a', 'x:1', 2), dockerTag('b', 'x:2', 3), dockerTag('c', 'x:3', 1)] }));
    const next = stream('is', {
      generation: 3,
      tags: [dockerTag('a', 'x:1', 99), dockerTag('b', 'x:2b', 3), dockerTag('c', 'x:3', 0), dockerTag('d', 'x:4', undefined)],
    });
    const { stream: s, changedTags } = applyServerGenerations(old, next);
    expect(s.metadata.generation).toBe(4);
    expect(s.spec.tags?.map((t) => [t.name, t.generation])).toEqual([
      ['a', 2],
      ['b', 4],
      ['c', 4],
      ['d', 4],
    ]);
    expect(changedTags).toEqual(['b', 'c', 'd']);
  });

  it('update: scheduled change bumps the stream generation only', () => {
    const old = stream('is', { generation: 3, tags: [dockerTag('a', 'x:1', 2)] });
    const next = stream('is', { generation: 3, tags: [dockerTag('a', 'x:1', 2, { importPolicy: { scheduled: true } })] });
    const { stream: s } = applyServerGenerations(old, next);
    expect(s.metadata.generation).toBe(4);
    expect(findSpecTag(s, 'a')?.generation).toBe(2);
  });
});
