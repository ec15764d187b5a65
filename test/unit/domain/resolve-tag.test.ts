import { describe, expect, it } from 'vitest';
import { latestTaggedImage, localRepository, resolveImageId, resolveSpecTagEvent, resolveTagPullSpec } from '../../../src/domain/resolve-tag.js';
import { propagateTracking, trackedTag } from '../../../src/domain/tracking.js';
import { latestTagEvent } from '../../../src/domain/image-stream.js';
import type { TagReference } from '../../../src/domain/image-stream.js';
import { D1, D2, D3, DA, DB, NOW, T0, byKey, dockerTag, ev, frozen, stream } from './stream-builders.js';

const history = stream('app', {
  generation: 3,
  tags: [dockerTag('1', 'quay.io/o/app:1', 2), dockerTag('2', 'quay.io/o/app:2', 3, { referencePolicy: { type: 'Local' } })],
  status: [
    { tag: '1', items: [ev('quay.io/o/app@' + DA, DA, 2), ev('quay.io/o/app@' + D1, D1, 1)] },
    { tag: '2', items: [ev('quay.io/o/app@' + DB, DB, 3)] },
    { tag: 'ref', items: [ev('quay.io/o/app:edge', '', 1)] },
  ],
});

describe('resolveImageId (ImageStreamImage lookup)', () => {
  it.each([
    { id: D1, image: D1 },
    { id: '1111', image: D1 },
    { id: 'sha256:1111', image: D1 },
    { id: 'aba', image: DA },
  ])('$id -> found', ({ id, image }) => {
    expect(resolveImageId(history, id).image).toBe(image);
  });
  it('several images share the prefix -> Conflict', () => {
    expect(() => resolveImageId(history, 'ab')).toThrowError(
      `Operation cannot be fulfilled on imagestreamimages.image.openshift.io "ab": multiple images match the prefix "ab": ${DA}, ${DB}`,
    );
  });
  it('no match -> NotFound', () => {
    expect(() => resolveImageId(history, 'ffff')).toThrowError('imagestreamimages.image.openshift.io "ffff" not found');
  });
  it('finds history entries, not only items[0]', () => {
    expect(resolveImageId(history, D1).dockerImageReference).toBe('quay.io/o/app@' + D1);
  });
});

describe('pull specs', () => {
  it('latestTaggedImage defaults an empty tag to latest', () => {
    const s = stream('x', { status: [{ tag: 'latest', items: [ev('a@' + D1, D1, 1)] }] });
    expect(latestTaggedImage(s, '')?.image).toBe(D1);
    expect(latestTaggedImage(s, 'nope')).toBeUndefined();
  });
  it('Source policy -> items[0] reference, Local -> <local repository>@digest', () => {
    expect(resolveTagPullSpec(history, '1')).toBe('quay.io/o/app@' + DA);
    expect(resolveTagPullSpec(history, '2')).toBe('quay.io/o/app@' + DB);
    expect(resolveTagPullSpec(history, '2', { localRegistry: 'registry.local:5000' })).toBe(`registry.local:5000/ns/app@${DB}`);
    const withStatus = { ...history, status: { ...history.status, dockerImageRepository: 'image-registry.svc:5000/ns/app' } };
    expect(resolveTagPullSpec(withStatus, '2', { localRegistry: 'ignored' })).toBe(`image-registry.svc:5000/ns/app@${DB}`);
    expect(resolveTagPullSpec(history, 'ref', { localRegistry: 'r' })).toBe('quay.io/o/app:edge');
    expect(resolveTagPullSpec(history, 'missing')).toBeUndefined();
  });
  it('localRepository needs a status repository or a configured registry', () => {
    expect(localRepository(history)).toBeUndefined();
  });
});

describe('resolveSpecTagEvent (§2.1)', () => {
  const other = stream('other', { namespace: 'shared', status: [{ tag: 'v1', items: [ev('quay.io/x/y@' + D3, D3, 4)] }] });
  const internal = stream('src', {
    status: [{ tag: 'v1', items: [ev(`reg.local:5000/ns/src@${D2}`, D2, 1)] }],
  });
  const ctx = { streams: byKey(history, other, internal), now: NOW, localRegistry: 'reg.local:5000' };
  const dest = stream('dest', { generation: 5 });
  const tag = (from: TagReference['from'], extra: Partial<TagReference> = {}): TagReference => ({ name: 't', from, generation: 5, ...extra });

  it.each([
    { name: 'importable DockerImage -> nothing now', ref: tag({ kind: 'DockerImage', name: 'a:1' }), event: undefined },
    { name: 'reference DockerImage -> raw spec', ref: tag({ kind: 'DockerImage', name: 'a:1' }, { reference: true }), event: ev('a:1', '', 5, NOW) },
    { name: 'istag other stream', ref: tag({ kind: 'ImageStreamTag', name: 'app:1' }), event: ev('quay.io/o/app@' + DA, DA, 5, NOW) },
    { name: 'istag other namespace', ref: tag({ kind: 'ImageStreamTag', name: 'other:v1', namespace: 'shared' }), event: ev('quay.io/x/y@' + D3, D3, 5, NOW) },
    { name: 'istag without history', ref: tag({ kind: 'ImageStreamTag', name: 'app:nothing' }), event: undefined },
    { name: 'isimage by prefix', ref: tag({ kind: 'ImageStreamImage', name: 'app@1111' }), event: ev('quay.io/o/app@' + D1, D1, 5, NOW) },
    { name: 'internal image re-pointed at destination', ref: tag({ kind: 'ImageStreamTag', name: 'src:v1' }), event: ev(`reg.local:5000/ns/dest@${D2}`, D2, 5, NOW) },
    {
      name: 'internal image kept with reference',
      ref: tag({ kind: 'ImageStreamTag', name: 'src:v1' }, { reference: true }),
      event: ev(`reg.local:5000/ns/src@${D2}`, D2, 5, NOW),
    },
  ])('$name', ({ ref, event }) => {
    expect(resolveSpecTagEvent(dest, ref, ctx)).toEqual(event);
  });

  it.each([
    { ref: tag({ kind: 'ImageStreamTag', name: 'ghost:1' }), message: 'spec.tags[t].from.name: Not found: "ghost:1"', code: 'NotFound' },
    { ref: tag({ kind: 'ImageStreamImage', name: 'app@ab' }), message: /error generating tag event: .*multiple images match the prefix "ab"/, code: 'Conflict' },
    { ref: tag({ kind: 'ImageStreamImage', name: 'app@fff' }), message: /imagestreamimages.image.openshift.io "fff" not found/, code: 'NotFound' },
    { ref: tag({ kind: 'Image', name: 'x' }), message: /supported values: "DockerImage", "ImageStreamImage", "ImageStreamTag"/, code: 'Invalid' },
  ])('error $code', ({ ref, message, code }) => {
    let caught: unknown;
    try {
      resolveSpecTagEvent(dest, ref, ctx);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code });
    expect((caught as Error).message).toMatch(message);
  });
});

describe('tracking', () => {
  const alias = (name: string, from: string, namespace?: string): TagReference => ({
    name,
    from: { kind: 'ImageStreamTag', name: from, ...(namespace ? { namespace } : {}) },
    generation: 1,
  });
  it.each([
    { ref: alias('a', 'b'), tracked: 'b' },
    { ref: alias('a', 'is:b'), tracked: 'b' },
    { ref: alias('a', 'is:'), tracked: 'latest' },
    { ref: alias('a', 'b', 'ns'), tracked: 'b' },
    { ref: alias('a', 'b', 'elsewhere'), tracked: undefined },
    { ref: alias('a', 'other:b'), tracked: undefined },
    { ref: dockerTag('a', 'b', 1), tracked: undefined },
  ])('trackedTag $ref.from.name ($ref.from.namespace) -> $tracked', ({ ref, tracked }) => {
    expect(trackedTag(stream('is'), ref)).toBe(tracked);
  });

  it('settles chains transitively in one run and stops on cycles', () => {
    const s = frozen(
      stream('is', {
        tags: [dockerTag('c', 'q/c:1', 1), alias('b', 'c'), alias('a', 'is:b'), alias('x', 'y'), alias('y', 'x'), alias('cross', 'other:c')],
        status: [{ tag: 'c', items: [ev('q/c@' + D2, D2, 2, T0)] }],
      }),
    );
    const out = propagateTracking(s);
    expect(latestTagEvent(out, 'b')).toEqual(ev('q/c@' + D2, D2, 2, T0));
    expect(latestTagEvent(out, 'a')).toEqual(ev('q/c@' + D2, D2, 2, T0));
    expect(latestTagEvent(out, 'x')).toBeUndefined();
    expect(latestTagEvent(out, 'cross')).toBeUndefined();
    expect(propagateTracking(out)).toBe(out);
  });
});
