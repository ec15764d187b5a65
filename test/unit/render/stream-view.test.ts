import { describe, expect, it } from 'vitest';
import type { ImageStream, TagReference } from '../../../src/domain/image-stream.js';
import {
  followTagReference,
  isImportPending,
  istagsOf,
  latestObservedTagGeneration,
  latestUpdate,
  resolvedPullSpec,
  sortStatusTags,
  streamRepository,
} from '../../../src/render/stream-view.js';
import { D1, D3, ruby, streamWithTags } from './fixtures.js';

function withSpec(tags: TagReference[]): ImageStream {
  return { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 's', namespace: 'ns' }, spec: { tags } };
}
const istag = (name: string, namespace?: string) => ({ kind: 'ImageStreamTag', name, namespace });
const docker = (name: string) => ({ kind: 'DockerImage', name });

describe('sortStatusTags', () => {
  it('orders by newest items[0].created, ties and empty tags by name', () => {
    const s = streamWithTags('x', [
      { tag: 'old', created: '2026-01-01T00:00:00Z' },
      { tag: 'b', created: '2026-06-01T00:00:00Z' },
      { tag: 'a', created: '2026-06-01T00:00:00Z' },
      { tag: 'none' },
      { tag: 'empty' },
    ]);
    expect(sortStatusTags(s.status?.tags ?? [])).toEqual(['a', 'b', 'old', 'empty', 'none']);
  });
});

describe('followTagReference', () => {
  it.each([
    { name: 'terminal DockerImage tag', spec: [{ name: 't', from: docker('x:1') }], tag: 't', want: { tag: 't', ok: true, multiple: false } },
    { name: 'alias by tag name', spec: [{ name: 'a', from: istag('t') }, { name: 't', from: docker('x:1') }], tag: 'a', want: { tag: 't', ok: true, multiple: true } },
    { name: 'alias as stream:tag', spec: [{ name: 'a', from: istag('s:t') }, { name: 't', from: docker('x:1') }], tag: 'a', want: { tag: 't', ok: true, multiple: true } },
    { name: 'chain of two', spec: [{ name: 'a', from: istag('b') }, { name: 'b', from: istag('t') }, { name: 't' }], tag: 'a', want: { tag: 't', ok: true, multiple: true } },
    { name: 'another stream', spec: [{ name: 'a', from: istag('other:t') }], tag: 'a', want: { tag: 'a', ok: false, multiple: false } },
    { name: 'another namespace', spec: [{ name: 'a', from: istag('t', 'elsewhere') }, { name: 't' }], tag: 'a', want: { tag: 'a', ok: false, multiple: false } },
    { name: 'loop', spec: [{ name: 'a', from: istag('b') }, { name: 'b', from: istag('a') }], tag: 'a', want: { tag: 'a', ok: false, multiple: true } },
    { name: 'missing target', spec: [{ name: 'a', from: istag('gone') }], tag: 'a', want: { tag: 'gone', ok: false, multiple: true } },
  ])('$name', ({ spec, tag, want }) => {
    expect(followTagReference(withSpec(spec as TagReference[]), tag)).toEqual(want);
  });
});

describe('generations and pending imports', () => {
  it('observed generation is max(items[0], first ImportSuccess condition)', () => {
    expect(latestObservedTagGeneration(ruby, '3.1')).toBe(2);
    expect(latestObservedTagGeneration(ruby, '3.3')).toBe(3);
    expect(latestObservedTagGeneration(ruby, 'nope')).toBe(0);
  });
  it.each([
    ['3.1', true],
    ['3.3', false],
  ])('tag %s pending: %s', (tag, want) => {
    const ref = ruby.spec.tags?.find((t) => t.name === tag) as TagReference;
    expect(isImportPending(ruby, ref)).toBe(want);
  });
  it('reference tags and tags without a source are never pending', () => {
    expect(isImportPending(ruby, { name: '3.1', from: docker('x:1'), reference: true, generation: 9 })).toBe(false);
    expect(isImportPending(ruby, { name: '3.1', generation: 9 })).toBe(false);
  });
});

describe('pull specs and repositories', () => {
  it('Local reference policy hands out the internal repository', () => {
    const event = ruby.status?.tags?.[0]?.items?.[0];
    expect(event && resolvedPullSpec(ruby, '3.1', event)).toBe(`image-registry.openshift-image-registry.svc:5000/apps/ruby@${D1}`);
  });
  it('istagsOf lists tags with an image, sorted by tag', () => {
    expect(istagsOf(ruby, 'apps').map((v) => [v.name, v.event.image])).toEqual([
      ['ruby:3.1', D1],
      ['ruby:3.3', D3],
      ['ruby:latest', D3],
    ]);
    const refOnly = streamWithTags('r', [{ tag: 'x' }]);
    expect(istagsOf(refOnly, 'ns')).toEqual([]);
  });
  it('repository: public, else spec, else status; latest update is the newest items[0]', () => {
    expect(streamRepository(ruby)).toBe('image-registry.openshift-image-registry.svc:5000/apps/ruby');
    expect(streamRepository({ ...ruby, spec: { ...ruby.spec, dockerImageRepository: 'quay.io/x/y' } })).toBe('quay.io/x/y');
    expect(streamRepository({ ...ruby, status: { ...ruby.status, publicDockerImageRepository: 'pub/x' } })).toBe('pub/x');
    expect(latestUpdate(ruby)).toBe('2026-11-20T09:00:00Z');
  });
});
