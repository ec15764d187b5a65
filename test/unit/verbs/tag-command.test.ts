import { describe, expect, it } from 'vitest';
import { planTag, type TagOptions } from '../../../src/verbs/tag-command.js';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { applyImportResults } from '../../../src/domain/import-result.js';
import { findSpecTag, findStatusTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import { D1, D2, NOW, T0, byKey, dockerTag, ev, frozen, stream } from '../domain/stream-builders.js';
import { parseImageReference, sourceText } from '../../../src/domain/image-reference.js';

const python = stream('python', {
  generation: 3,
  tags: [
    dockerTag('3.6', 'docker.io/library/python:3.6', 3),
    dockerTag('edge', 'python:edge', 2, { reference: true }),
    dockerTag('empty', 'python:empty', 3),
  ],
  status: [
    { tag: '3.6', items: [ev('docker.io/library/python@' + D1, D1, 3)] },
    { tag: 'edge', items: [ev('python:edge', '', 2)] },
    { tag: 'empty', items: [], conditions: [{ type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: 'gone', generation: 3 }] },
  ],
});
const shared = stream('ruby', { namespace: 'openshift', generation: 1, status: [{ tag: '2.0', items: [ev('quay.io/r/ruby@' + D2, D2, 1)] }] });
const streams = frozen(byKey(python, shared));
const ctx = { namespace: 'ns', now: NOW };
const run = (args: string[], flags: Partial<TagOptions> = {}) => planTag(streams, { args, ...flags }, ctx);
const only = (plan: { streams: readonly ImageStream[] }, name: string) => plan.streams.find((s) => s.metadata.name === name) as ImageStream;

describe('oc tag: sources and what is written (§2.2)', () => {
  it('istag source (no --alias) becomes a permanent ImageStreamImage copy, resolved at once', () => {
    const plan = run(['python:3.6', 'python:latest']);
    expect(plan.messages).toEqual([`Tag python:latest set to python@${D1}.`]);
    const s = only(plan, 'python');
    expect(findSpecTag(s, 'latest')).toEqual({
      name: 'latest',
      annotations: null,
      from: { kind: 'ImageStreamImage', name: `python@${D1}` },
      generation: 4,
      importPolicy: { importMode: 'Legacy' },
      referencePolicy: { type: 'Source' },
    });
    expect(latestTagEvent(s, 'latest')).toEqual(ev('docker.io/library/python@' + D1, D1, 4, NOW));
    expect(plan.imports).toEqual([]);
  });

  it('a copy stays put when its source moves; an alias follows', () => {
    const copied = only(run(['python:3.6', 'python:latest']), 'python');
    const aliased = only(planTag(byKey(copied, shared), { args: ['python:3.6', 'python:stable'], alias: true }, ctx), 'python');
    const request = { namespace: 'ns', stream: 'python', tag: '3.6', from: parseImageReference('docker.io/library/python:3.6'), importMode: 'Legacy' as const, insecure: false, scheduled: false, referencePolicy: '' as const };
    const moved = applyImportResults(aliased, [{ ok: true, request, digest: D2 }], NOW);
    expect(latestTagEvent(moved, '3.6')?.image).toBe(D2);
    expect(latestTagEvent(moved, 'stable')?.image).toBe(D2);
    expect(latestTagEvent(moved, 'latest')?.image).toBe(D1);
  });

  it('istag source that is a reference tag becomes a DockerImage spec', () => {
    const s = only(run(['python:edge', 'python:e2']), 'python');
    expect(findSpecTag(s, 'e2')?.from).toEqual({ kind: 'DockerImage', name: 'python:edge' });
  });

  it('--alias creates a tracking tag that mirrors its source', () => {
    const plan = run(['python:3.6', 'python:stable'], { alias: true });
    expect(plan.messages).toEqual(['Tag python:stable set up to track python:3.6.']);
    const s = only(plan, 'python');
    expect(findSpecTag(s, 'stable')?.from).toEqual({ kind: 'ImageStreamTag', name: 'python:3.6' });
    expect(latestTagEvent(s, 'stable')?.image).toBe(D1);
  });

  it('cross-namespace istag source keeps its namespace; other-namespace destinations get prefixed messages', () => {
    const plan = run(['openshift/ruby:2.0', 'other/ruby:2.0']);
    expect(plan.messages).toEqual([`Tag other/ruby:2.0 set to openshift/ruby@${D2}.`]);
    const s = only(plan, 'ruby');
    expect(s.metadata.namespace).toBe('other');
    expect(findSpecTag(s, '2.0')?.from).toEqual({ kind: 'ImageStreamImage', name: `ruby@${D2}`, namespace: 'openshift' });
    expect(latestTagEvent(s, '2.0')).toEqual(ev('quay.io/r/ruby@' + D2, D2, 1, NOW));
  });

  it('isimage source in another namespace gets the current namespace', () => {
    const s = only(run([`python@${D1}`, 'other/copy:1']), 'copy');
    expect(findSpecTag(s, '1')?.from).toEqual({ kind: 'ImageStreamImage', name: `python@${D1}`, namespace: 'ns' });
  });

  it('DockerImage source: generation 0 -> import requested every time, stream created when missing', () => {
    const plan = run(['quay.io/a/b:1', 'app:1', 'app:2'], { scheduled: true, insecure: true, referencePolicy: 'local', importMode: 'PreserveOriginal' });
    expect(plan.messages).toEqual(['Tag app:1 set to import quay.io/a/b:1 periodically.', 'Tag app:2 set to import quay.io/a/b:1 periodically.']);
    const s = only(plan, 'app');
    expect(s.metadata.generation).toBe(2);
    expect(s.metadata.creationTimestamp).toBe(NOW);
    expect(findSpecTag(s, '1')).toEqual({
      name: '1',
      annotations: null,
      from: { kind: 'DockerImage', name: 'quay.io/a/b:1' },
      generation: 1,
      importPolicy: { insecure: true, scheduled: true, importMode: 'PreserveOriginal' },
      referencePolicy: { type: 'Local' },
    });
    expect(findSpecTag(s, '2')?.generation).toBe(2);
    expect(plan.imports.map((i) => [i.tag, sourceText(i.from), i.importMode, i.insecure, i.scheduled, i.referencePolicy])).toEqual([
      ['1', 'quay.io/a/b:1', 'PreserveOriginal', true, true, 'Local'],
      ['2', 'quay.io/a/b:1', 'PreserveOriginal', true, true, 'Local'],
    ]);
    // running the same command again forces another import
    const again = planTag(byKey(s), { args: ['quay.io/a/b:1', 'app:1'] }, ctx);
    expect(findSpecTag(only(again, 'app'), '1')?.generation).toBe(3);
    expect(again.imports).toHaveLength(1);
  });

  it('a bare name is a Docker Hub image; --source=docker forces DockerImage', () => {
    expect(findSpecTag(only(run(['ruby', 'r:1']), 'r'), '1')?.from?.kind).toBe('DockerImage');
    expect(findSpecTag(only(run(['python:3.6', 'r:1'], { source: 'docker' }), 'r'), '1')?.from).toEqual({ kind: 'DockerImage', name: 'python:3.6' });
  });

  it('--reference records the raw spec and imports nothing', () => {
    const plan = run(['quay.io/a/b:1', 'app:ref'], { reference: true });
    const s = only(plan, 'app');
    expect(latestTagEvent(s, 'ref')).toEqual(ev('quay.io/a/b:1', '', 1, NOW));
    expect(plan.imports).toEqual([]);
  });

  it('whole-tag replacement resets unset fields', () => {
    const before = stream('app', {
      generation: 2,
      tags: [dockerTag('1', 'q/a:1', 2, { annotations: { description: 'x' }, referencePolicy: { type: 'Local' }, importPolicy: { importMode: 'PreserveOriginal', scheduled: true } })],
      status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)] }],
    });
    const s = only(planTag(byKey(before), { args: ['quay.io/q/a:2', 'app:1'] }, ctx), 'app');
    expect(findSpecTag(s, '1')).toEqual({
      name: '1',
      annotations: null,
      from: { kind: 'DockerImage', name: 'quay.io/q/a:2' },
      generation: 3,
      importPolicy: { importMode: 'Legacy' },
      referencePolicy: { type: 'Source' },
    });
  });

  it('-d deletes spec and status', () => {
    const plan = run(['python:3.6'], { delete: true });
    expect(plan.messages).toEqual(['Deleted tag ns/python:3.6.']);
    const s = only(plan, 'python');
    expect(findSpecTag(s, '3.6')).toBeUndefined();
    expect(findStatusTag(s, '3.6')).toBeUndefined();
    expect(s.metadata.generation).toBe(4);
  });

  it('does not mutate its input', () => {
    run(['python:3.6', 'python:latest']);
    expect(streams.get('ns/python')).toBe(python);
    expect(findSpecTag(python, 'latest')).toBeUndefined();
    expect(latestTagEvent(python, '3.6')?.created).toBe(T0);
  });
});

describe('oc tag: errors (nothing changes)', () => {
  it.each([
    { args: [], flags: {}, code: 'Usage', message: 'you must specify a source and at least one destination or one or more tags to delete' },
    { args: ['a', 'b:1'], flags: { source: 'image' }, code: 'Usage', message: 'invalid source "image"; valid values are docker, dockerimage, imagestreamimage, imagestreamtag, isimage, istag' },
    { args: ['UP:1', 'b:1'], flags: {}, code: 'Refused', message: /^invalid SOURCE: / },
    { args: ['quay.io/a:1', 'b:1'], flags: { source: 'istag' }, code: 'Refused', message: 'server in SOURCE is only allowed when providing a container image' },
    { args: ['python', 'b:1'], flags: { source: 'istag' }, code: 'Refused', message: '--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE' },
    { args: ['python:1', 'b:1'], flags: { source: 'isimage' }, code: 'Refused', message: '--source=ImageStreamImage requires a valid <name>@<id> in SOURCE' },
    { args: ['python:empty', 'python:x'], flags: {}, code: 'Refused', message: '"python:empty" is not currently pointing to an image, cannot use it as the source of a tag' },
    { args: ['ghost:1', 'python:x'], flags: {}, code: 'NotFound', message: 'imagestreams.image.openshift.io "ghost" not found' },
    { args: ['a/b/c:1'], flags: { delete: true }, code: 'Refused', message: 'invalid image stream "a/b/c:1"' },
    { args: ['/b:1'], flags: { delete: true }, code: 'Refused', message: 'invalid namespace "" for image stream "/b:1"' },
    { args: ['python:3.6', 'python:x'], flags: { delete: true, alias: true }, code: 'Refused', message: '--alias and --delete may not be both specified' },
    { args: ['quay.io/a:1', 'b:1'], flags: { referencePolicy: 'remote' }, code: 'Usage', message: "reference policy must be set to 'source' or 'local'" },
    { args: ['b:1'], flags: { delete: true, source: 'docker' }, code: 'Refused', message: 'cannot specify a source kind when deleting' },
    { args: ['b:1'], flags: { delete: true, scheduled: true }, code: 'Refused', message: 'cannot set flags for importing images when deleting a tag' },
    { args: ['b:1'], flags: { delete: true, importMode: 'Legacy' }, code: 'Refused', message: 'cannot specify an import mode when deleting' },
    { args: ['quay.io/a:1', 'b:1'], flags: { importMode: 'Both' }, code: 'Usage', message: 'valid ImportMode values are Legacy or PreserveOriginal' },
    { args: ['quay.io/a:1'], flags: {}, code: 'Refused', message: 'at least a destination is required' },
    { args: ['python:3.6', 'python:x'], flags: { scheduled: true }, code: 'Refused', message: 'only container images can have importing flags set' },
    { args: ['python:3.6', 'python:x'], flags: { alias: true, source: 'docker', insecure: true }, code: 'Refused', message: 'cannot set a container image tag as an alias and also set import flags' },
    { args: ['python:3.6', 'other:x'], flags: { alias: true }, code: 'Refused', message: 'cannot set alias across different Image Streams' },
    { args: ['python:3.6', 'elsewhere/python:x'], flags: { alias: true }, code: 'Refused', message: 'cannot set alias across different Image Streams' },
    { args: ['quay.io/a:1', 'app'], flags: {}, code: 'Refused', message: '"app" must be of the form <stream_name>:<tag>' },
    { args: ['quay.io/a:1', 'app:-x'], flags: {}, code: 'Refused', message: /^invalid tag "-x": tags must start with an alphanumeric character/ },
    { args: ['quay.io/a:1', 'App:1'], flags: {}, code: 'Invalid', message: 'The ImageStream "App" is invalid: metadata.name: Invalid value: "App": must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"' },
    { args: ['python:nope'], flags: { delete: true }, code: 'NotFound', message: 'imagestreamtags.image.openshift.io "python:nope" not found' },
    { args: ['ghost:1'], flags: { delete: true }, code: 'NotFound', message: 'imagestreams.image.openshift.io "ghost" not found' },
    { args: ['quay.io/a:1', 'ok:1', 'bad'], flags: {}, code: 'Refused', message: '"bad" must be of the form <stream_name>:<tag>' },
    { args: ['python:3.6', 'python:3.6'], flags: { alias: true }, code: 'Refused', message: 'tag "python:3.6" cannot track itself' },
    { args: ['ubi:latest', 'ubi:latest'], flags: { alias: true }, code: 'Refused', message: 'tag "ubi:latest" cannot track itself' },
  ])('$message', ({ args, flags, code, message }) => {
    let caught: unknown;
    try {
      run(args, flags as Partial<TagOptions>);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code });
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });
});

describe('oc tag --alias: tracking cycles are refused', () => {
  // stable tracks latest, latest tracks 3.6
  const chained = stream('python', {
    generation: 3,
    tags: [
      dockerTag('3.6', 'docker.io/library/python:3.6', 3),
      { name: 'latest', from: { kind: 'ImageStreamTag', name: '3.6' }, generation: 3 },
      { name: 'stable', from: { kind: 'ImageStreamTag', name: 'python:latest' }, generation: 3 },
    ],
    status: [{ tag: '3.6', items: [ev('docker.io/library/python@' + D1, D1, 3)] }],
  });
  const current = frozen(byKey(chained));

  it('a tag that would track itself through other tags is refused, nothing planned', () => {
    expect(() => planTag(current, { args: ['python:stable', 'python:3.6'], alias: true }, ctx)).toThrow(
      'tag "python:3.6" would track itself through a cycle of tags: python:3.6 -> python:stable -> python:latest -> python:3.6',
    );
  });

  it('re-pointing a tracker along the chain (no cycle) is accepted', () => {
    const plan = planTag(current, { args: ['python:3.6', 'python:stable'], alias: true }, ctx);
    expect(findSpecTag(only(plan, 'python'), 'stable')?.from).toEqual({ kind: 'ImageStreamTag', name: 'python:3.6' });
  });
});
