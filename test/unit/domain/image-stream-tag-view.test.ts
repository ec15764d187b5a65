import { describe, expect, it } from 'vitest';
import type { TagReference } from '../../../src/domain/image-stream.js';
import {
  isImportPending,
  istagsOf,
  latestObservedTagGeneration,
  latestUpdate,
  resolvedPullSpec,
  sortStatusTags,
  streamRepository,
} from '../../../src/domain/image-stream-tag-view.js';
import { D1, D3, ruby, streamWithTags } from '../cli/render/fixtures.js';

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
