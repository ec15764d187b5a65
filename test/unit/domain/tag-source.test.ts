import { describe, expect, it } from 'vitest';
import {
  formatOpenShiftReference,
  guessSourceKind,
  parseFromReference,
  parseOpenShiftReference,
  sourceKindFromFlag,
  splitImageStreamTag,
} from '../../../src/domain/tag-source.js';
import { TagstreamError } from '../../../src/errors.js';
import { D1 } from './stream-builders.js';

describe('parseOpenShiftReference + guessSourceKind (§2.2 auto-detection)', () => {
  it.each([
    { input: 'quay.io/a/b:1', registry: 'quay.io', namespace: 'a', name: 'b', tag: '1', id: '', kind: 'DockerImage' },
    { input: 'localhost/b:1', registry: 'localhost', namespace: '', name: 'b', tag: '1', id: '', kind: 'DockerImage' },
    { input: '127.0.0.1:5000/b', registry: '127.0.0.1:5000', namespace: '', name: 'b', tag: '', id: '', kind: 'DockerImage' },
    { input: `python@${D1}`, registry: '', namespace: '', name: 'python', tag: '', id: D1, kind: 'ImageStreamImage' },
    { input: 'python:3.6', registry: '', namespace: '', name: 'python', tag: '3.6', id: '', kind: 'ImageStreamTag' },
    { input: 'openshift/ruby:2.0', registry: '', namespace: 'openshift', name: 'ruby', tag: '2.0', id: '', kind: 'ImageStreamTag' },
    { input: 'ruby', registry: '', namespace: '', name: 'ruby', tag: '', id: '', kind: 'DockerImage' },
    { input: 'library/ruby', registry: '', namespace: 'library', name: 'ruby', tag: '', id: '', kind: 'DockerImage' },
  ])('$input -> $kind', ({ input, kind, ...parts }) => {
    const ref = parseOpenShiftReference(input);
    expect(ref).toEqual(parts);
    expect(guessSourceKind(ref)).toBe(kind);
    expect(formatOpenShiftReference(ref)).toBe(input);
  });

  it('rejects invalid references with InvalidReference', () => {
    expect(() => parseOpenShiftReference('UPPER:1')).toThrowError(TagstreamError);
  });

  it.each([
    ['istag', 'ImageStreamTag'],
    ['ImageStreamTag', 'ImageStreamTag'],
    ['isimage', 'ImageStreamImage'],
    ['imagestreamimage', 'ImageStreamImage'],
    ['docker', 'DockerImage'],
    ['DockerImage', 'DockerImage'],
    ['image', undefined],
  ])('--source=%s -> %s', (flag, kind) => {
    expect(sourceKindFromFlag(flag)).toBe(kind);
  });
});

describe('splitImageStreamTag / parseFromReference', () => {
  it('splits name:tag with latest as default', () => {
    expect(splitImageStreamTag('a:b')).toEqual({ name: 'a', tag: 'b', ok: true });
    expect(splitImageStreamTag('a:')).toEqual({ name: 'a', tag: 'latest', ok: true });
    expect(splitImageStreamTag('a')).toEqual({ name: 'a', tag: 'latest', ok: false });
  });

  const self = { name: 'is', namespace: 'ns' };
  it.each([
    { from: { kind: 'ImageStreamTag', name: 'v1' }, out: { namespace: 'ns', stream: 'is', tagOrId: 'v1' } },
    { from: { kind: 'ImageStreamTag', name: 'other:v1', namespace: 'x' }, out: { namespace: 'x', stream: 'other', tagOrId: 'v1' } },
    { from: { kind: 'ImageStreamTag', name: 'other:' }, out: { namespace: 'ns', stream: 'other', tagOrId: 'latest' } },
    { from: { kind: 'ImageStreamImage', name: 'sha256:abc' }, out: { namespace: 'ns', stream: 'is', tagOrId: 'sha256:abc' } },
    { from: { kind: 'ImageStreamImage', name: 'other@sha256:abc' }, out: { namespace: 'ns', stream: 'other', tagOrId: 'sha256:abc' } },
  ])('$from.kind $from.name', ({ from, out }) => {
    expect(parseFromReference(self, 't', from)).toEqual(out);
  });

  it.each(['a:b:c', ':x', ''])('invalid istag form %j', (name) => {
    expect(() => parseFromReference(self, 't', { kind: 'ImageStreamTag', name })).toThrowError(
      `spec.tags[t].from.name: Invalid value: "${name}": must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>`,
    );
  });
  it('invalid isimage form', () => {
    expect(() => parseFromReference(self, 't', { kind: 'ImageStreamImage', name: 'a@' })).toThrowError(/must be of the form/);
  });
});
