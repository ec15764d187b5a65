/**
 * One alias-chain follower (#11.6): `followTagReference` / `trackedTag` (domain/tracking.ts) serve
 * `describe` (cli/render/describe-stream.ts), `import-image` (verbs/import-image-command.ts) and the
 * stream trackers. Before, each had its own copy and they disagreed on `stream:` (empty tag).
 */
import { describe, expect, it } from 'vitest';
import type { ImageStream, TagReference } from '../../../src/domain/image-stream.js';
import { followTagReference, trackedTag, trackingCycle } from '../../../src/domain/tracking.js';
import { describeImageStream } from '../../../src/cli/render/describe-stream.js';
import { planImportImage } from '../../../src/verbs/import-image-command.js';
import { byKey } from './stream-builders.js';

function withSpec(tags: TagReference[], name = 's'): ImageStream {
  return { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name, namespace: 'ns' }, spec: { tags } };
}
const istag = (name: string, namespace?: string) => ({ kind: 'ImageStreamTag', name, namespace });
const docker = (name: string) => ({ kind: 'DockerImage', name });
const ctx = { namespace: 'ns', now: '2026-12-05T00:00:00Z' };
/** The view describe had of a chain (moved from test/unit/render/stream-view.test.ts). */
const describeView = (s: ImageStream, tag: string) => {
  const f = followTagReference(s, tag);
  return { tag: f.finalTag, ok: f.error === undefined, multiple: f.multiple };
};

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
    expect(describeView(withSpec(spec as TagReference[]), tag)).toEqual(want);
  });

  it.each([
    // the cases where the three copies differed, or could have: one answer now
    { name: '`s:` means s:latest (describe stopped at tag "")', from: 's:', want: { finalTag: 'latest', multiple: true, tracked: 'latest' } },
    { name: 'more than one `:` is invalid', from: 's:a:b', want: { finalTag: 'a', multiple: false, error: 'invalid', tracked: undefined } },
    { name: 'another stream is cross', from: 'other:latest', want: { finalTag: 'a', multiple: false, error: 'cross', tracked: undefined } },
    { name: 'an empty name follows to no tag', from: '', want: { finalTag: '', multiple: true, error: 'not-found', tracked: undefined } },
    { name: 'an empty stream name is another stream', from: ':latest', want: { finalTag: 'a', multiple: false, error: 'cross', tracked: undefined } },
  ])('$name', ({ from, want }) => {
    const s = withSpec([{ name: 'a', from: istag(from) }, { name: 'latest', from: docker('quay.io/o/app:1') }] as TagReference[]);
    const { tracked, ...followed } = want;
    expect(followTagReference(s, 'a')).toMatchObject(followed);
    if (followed.error === undefined) expect(followTagReference(s, 'a').ref?.name).toBe('latest');
    expect(trackedTag(s, s.spec.tags?.[0] as TagReference)).toBe(tracked);
  });

  it('each consumer reads `s:` as s:latest: describe groups the alias, import-image imports latest, tracking sees no cycle', () => {
    const s = withSpec([{ name: 'a', from: istag('s:') }, { name: 'latest', from: docker('quay.io/o/app:1'), generation: 1 }] as TagReference[]);
    expect(describeImageStream(s, 'ns', new Date('2026-12-05T00:00:00Z'))).toContain('\nlatest (a)\n');
    const plan = planImportImage(byKey(s), { target: 's:a' }, ctx);
    expect(plan.imports.map((r) => r.tag)).toEqual(['latest']);
    expect(trackingCycle(s, 'a')).toBeUndefined();
  });

  it('import-image names each way a chain can fail', () => {
    const refuse = (from: string) => () => planImportImage(byKey(withSpec([{ name: 'a', from: istag(from) }] as TagReference[])), { target: 's:a' }, ctx);
    expect(refuse('s:a:b')).toThrow('tag "a" points to an invalid imagestreamtag');
    expect(refuse('other:b')).toThrow('tag "a" points to an imagestreamtag from another ImageStream');
    expect(refuse('a')).toThrow('tag "a" on the image stream is a reference to same tag');
  });
});
