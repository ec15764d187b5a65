import { describe, expect, it } from 'vitest';
import { planCreateIstag, type CreateIstagOptions } from '../../../src/verbs/create-istag-command.js';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { findSpecTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import { recordObservedSpec } from '../../../src/domain/spec-fingerprint.js';
import { D1, D2, NOW, byKey, dockerTag, ev, frozen, stream } from '../domain/stream-builders.js';
import { sourceText } from '../../../src/domain/image-reference.js';

const python = recordObservedSpec(
  stream('python', {
    generation: 2,
    tags: [dockerTag('3.6', 'docker.io/library/python:3.6', 2)],
    status: [{ tag: '3.6', items: [ev('docker.io/library/python@' + D1, D1, 2)] }],
  }),
);
const shared = stream('ruby', { namespace: 'openshift', generation: 1, status: [{ tag: '2.0', items: [ev('quay.io/r/ruby@' + D2, D2, 1)] }] });
const streams = frozen(byKey(python, shared));
const ctx = { namespace: 'ns', now: NOW };
const run = (o: CreateIstagOptions) => planCreateIstag(streams, o, ctx);
const only = (streams: readonly ImageStream[], name: string) => streams.find((s) => s.metadata.name === name) as ImageStream;

describe('oc create istag (§4)', () => {
  it('--from-image creates a DockerImage tag to import, creating the stream', () => {
    const plan = run({ name: 'app:1', fromImage: 'quay.io/o/app:1', annotations: { description: 'first' } });
    expect(plan.messages).toEqual(['imagestreamtag.image.openshift.io/app:1 created']);
    const s = only(plan.streams, 'app');
    expect(s.metadata.generation).toBe(1);
    expect(findSpecTag(s, '1')).toEqual({
      name: '1',
      annotations: { description: 'first' },
      from: { kind: 'DockerImage', name: 'quay.io/o/app:1' },
      generation: 1,
      importPolicy: { importMode: 'Legacy' },
      referencePolicy: { type: 'Source' },
    });
    expect(plan.imports.map((r) => [r.stream, r.tag, sourceText(r.from)])).toEqual([['app', '1', 'quay.io/o/app:1']]);
  });

  it('--from creates a tracking reference (not a copy)', () => {
    const plan = run({ name: 'python:stable', from: 'python:3.6' });
    const s = only(plan.streams, 'python');
    expect(findSpecTag(s, 'stable')?.from).toEqual({ kind: 'ImageStreamTag', name: 'python:3.6' });
    expect(findSpecTag(s, 'stable')?.generation).toBe(3);
    expect(latestTagEvent(s, 'stable')).toEqual(ev('docker.io/library/python@' + D1, D1, 3, NOW));
    expect(plan.imports).toEqual([]);
  });

  it('--from :tag means the same stream; @id gives ImageStreamImage; ns/ is kept', () => {
    expect(findSpecTag(only(run({ name: 'python:s2', from: ':3.6' }).streams, 'python'), 's2')?.from).toEqual({ kind: 'ImageStreamTag', name: '3.6' });
    expect(findSpecTag(only(run({ name: 'python:s3', from: `python@${D1}` }).streams, 'python'), 's3')?.from).toEqual({ kind: 'ImageStreamImage', name: `python@${D1}` });
    const cross = run({ name: 'mine:ruby', from: 'openshift/ruby:2.0' });
    expect(findSpecTag(only(cross.streams, 'mine'), 'ruby')?.from).toEqual({ kind: 'ImageStreamTag', name: 'ruby:2.0', namespace: 'openshift' });
    expect(latestTagEvent(only(cross.streams, 'mine'), 'ruby')?.image).toBe(D2);
  });

  it('--reference with --from-image records the raw reference, no import', () => {
    const plan = run({ name: 'app:edge', fromImage: 'quay.io/o/app:edge', reference: true, referencePolicy: 'local' });
    const s = only(plan.streams, 'app');
    expect(latestTagEvent(s, 'edge')).toEqual(ev('quay.io/o/app:edge', '', 1, NOW));
    expect(findSpecTag(s, 'edge')?.referencePolicy).toEqual({ type: 'Local' });
    expect(plan.imports).toEqual([]);
  });

  it('no source: a tag with annotations only (oc create imagestreamtag tag:3 -A foo=bar)', () => {
    const plan = run({ name: 'tag:3', annotations: { foo: 'bar' } });
    const t = findSpecTag(only(plan.streams, 'tag'), '3');
    expect(t).toMatchObject({ name: '3', annotations: { foo: 'bar' } });
    expect(t?.from).toBeUndefined();
    expect(plan.imports).toEqual([]);
    expect(plan.messages).toEqual(['imagestreamtag.image.openshift.io/tag:3 created']);
  });

  it('--from=:TAG stores the bare tag name, as oc sends it', () => {
    const plan = run({ name: 'python:alias', from: ':3.6' });
    expect(findSpecTag(only(plan.streams, 'python'), 'alias')?.from).toEqual({ kind: 'ImageStreamTag', name: '3.6' });
    expect(latestTagEvent(only(plan.streams, 'python'), 'alias')?.image).toBe(D1);
  });

  it.each([
    { o: { name: 'python:3.6', fromImage: 'quay.io/x:1' }, code: 'AlreadyExists', message: 'imagestreamtags.image.openshift.io "python:3.6" already exists' },
    { o: { name: 'a:1', from: 'quay.io/o/app:1' }, code: 'Refused', message: 'Invalid --from, registry may not be specified' },
    { o: { name: 'a:1', from: 'x:1', fromImage: 'y:1' }, code: 'Usage', message: '--from and --from-image may not be used together' },
    { o: { name: 'a:1', fromImage: 'y:1', referencePolicy: 'pull' }, code: 'Usage', message: 'valid values for --reference-policy are: source, local' },
    { o: { name: 'tag-c', fromImage: 'y:1' }, code: 'Refused', message: '"tag-c" must be of the form <stream_name>:<tag>' },
    { o: { name: 'a:b:c', fromImage: 'y:1' }, code: 'Refused', message: '"a:b:c" must be of the form <stream_name>:<tag>' },
    { o: { name: 'a:x', from: ':x' }, code: 'Refused', message: 'tag "a:x" cannot track itself' },
    { o: { name: 'python:3.6', from: 'python:3.6' }, code: 'AlreadyExists', message: 'imagestreamtags.image.openshift.io "python:3.6" already exists' },
    { o: { name: 'A:1', fromImage: 'y:1' }, code: 'Invalid', message: /"A" is invalid: metadata.name: Invalid value: "A": must match/ },
    { o: { name: 'a:1', from: 'ghost:1' }, code: 'NotFound', message: 'spec.tags[1].from.name: Not found: "ghost:1"' },
    { o: { name: 'a:1', from: 'python:3.6', scheduled: true }, code: 'Invalid', message: /only tags pointing to Docker repositories may be scheduled for background import/ },
  ])('$code: $message', ({ o, code, message }) => {
    let caught: unknown;
    try {
      run(o as CreateIstagOptions);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code });
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });
});
