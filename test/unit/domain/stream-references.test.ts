/** #11.2 (d): a stream's image references are parsed once and read as values by every reader. */
import { describe, expect, it } from 'vitest';
import { isParsed, parseImageReference, sourceText } from '../../../src/domain/image-reference.js';
import { latestTagEvent, type ImageStream } from '../../../src/domain/image-stream.js';
import { applyImportResults } from '../../../src/domain/import-result.js';
import { resolveTagPullSpec, resolveTagReference } from '../../../src/domain/resolve-tag.js';
import { eventReference, repositoryReference, sourceReference, withReference } from '../../../src/domain/stream-references.js';
import { parseImageStream } from '../../../src/inventory/image-stream-schema.js';
import { importRequestForTag } from '../../../src/planning/import-plan.js';
import { resolveLocalName } from '../../../src/planning/lookup-policy.js';
import { resolvedPullSpec } from '../../../src/domain/image-stream-tag-view.js';
import { targetValue } from '../../../src/targets/target-value.js';
import { D1, DA, dockerTag, ev, stream } from './stream-builders.js';

describe('eventReference / sourceReference', () => {
  it('parses a history entry once and hands out the same value on every read', () => {
    const event = ev(`quay.io/o/app@${D1}`, D1, 1);
    const first = eventReference(event);
    expect(first).toMatchObject({ repository: 'quay.io/o/app', domain: 'quay.io', path: 'o/app', tag: null, digest: D1 });
    expect(eventReference(event)).toBe(first);
  });

  it('keeps a malformed history reference as written, with the parser error', () => {
    const ref = eventReference(ev('Not A Ref', '', 1));
    expect(isParsed(ref)).toBe(false);
    expect(sourceText(ref)).toBe('Not A Ref');
  });

  it('a value attached where the text entered is the one readers get; one that does not spell the text is refused', () => {
    const ref = parseImageReference('quay.io/o/app:1');
    const from = withReference({ kind: 'DockerImage', name: 'quay.io/o/app:1' }, ref);
    expect(sourceReference(from)).toBe(ref);
    const other = { kind: 'DockerImage', name: 'quay.io/o/app:2' };
    withReference(other, ref);
    expect(sourceReference(other)).not.toBe(ref);
    expect(sourceReference(other)).toMatchObject({ tag: '2' });
  });

  it('an import records the registry answer with its value: the history entry is not parsed again', () => {
    // a marker only the import's own value carries (a fresh parse would say quay.io/o/app)
    const from = { ...parseImageReference('quay.io/o/app:1'), name: 'marker/o/app' };
    const s = stream('app', { generation: 1, tags: [dockerTag('1', 'quay.io/o/app:1', 1)] });
    const request = { namespace: 'ns', stream: 'app', tag: '1', from, importMode: 'Legacy' as const, insecure: false, scheduled: false, referencePolicy: '' as const };
    const after = applyImportResults(s, [{ ok: true, request, digest: D1 }], '2026-12-05T12:00:00Z');
    const event = latestTagEvent(after, '1');
    expect(event?.dockerImageReference).toBe(`quay.io/o/app@${D1}`);
    expect(eventReference(event!)).toMatchObject({ name: 'marker/o/app', digest: D1, tag: null, repository: 'quay.io/o/app' });
  });

  it('import planning takes the value of a spec tag source (the schema validated it with the same parser)', () => {
    const parsed = parseImageStream({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', namespace: 'ns', generation: 1 },
      spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: 'quay.io/o/app:1' }, generation: 1 }] },
    });
    if (!parsed.ok) throw new Error('stream did not parse');
    const tag = parsed.stream.spec.tags![0]!;
    const request = importRequestForTag(parsed.stream, tag);
    expect(request.from).toBe(sourceReference(tag.from!));
    expect(request.from).toMatchObject({ repository: 'quay.io/o/app', tag: '1' });
  });

  it('spec.dockerImageRepository: the schema attaches the repository it validated (registry hints read it, #11 part 3)', () => {
    const parsed = parseImageStream({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', namespace: 'ns' },
      spec: { dockerImageRepository: 'quay.io/o/app' },
    });
    if (!parsed.ok) throw new Error('stream did not parse');
    const first = repositoryReference(parsed.stream.spec);
    expect(first).toMatchObject({ repository: 'quay.io/o/app', tag: null, digest: null });
    expect(repositoryReference(parsed.stream.spec)).toBe(first);
    expect(repositoryReference({})).toBeUndefined();
  });
});

describe('resolveTagReference: the one tag -> pull spec function, as a value', () => {
  const s = stream('app', {
    tags: [dockerTag('src', 'quay.io/o/app:1', 1), dockerTag('loc', 'quay.io/o/app:1', 1, { referencePolicy: { type: 'Local' } }), dockerTag('bad', 'quay.io/o/app:1', 1)],
    status: [
      { tag: 'src', items: [ev(`quay.io/o/app@${DA}`, DA, 1)] },
      { tag: 'loc', items: [ev(`quay.io/o/app@${DA}`, DA, 1)] },
      { tag: 'bad', items: [ev('Quay.IO/O/App:Bad Ref', D1, 1)] },
    ],
  });

  it.each([
    ['src', {}, { repository: 'quay.io/o/app', digest: DA }],
    ['loc', { localRegistry: 'registry.local:5000' }, { repository: 'registry.local:5000/ns/app', digest: DA }],
    ['loc', {}, { repository: 'quay.io/o/app', digest: DA }],
  ] as const)('%s %j -> %j, and its text is what resolveTagPullSpec writes', (tag, options, expected) => {
    const ref = resolveTagReference(s, tag, options);
    expect(ref).toMatchObject(expected);
    expect(sourceText(ref!)).toBe(resolveTagPullSpec(s, tag, options));
  });

  it('a history reference that is no valid reference is written as it is, never split', () => {
    const ref = resolveTagReference(s, 'bad');
    expect(ref && isParsed(ref)).toBe(false);
    expect(resolveTagPullSpec(s, 'bad')).toBe('Quay.IO/O/App:Bad Ref');
    expect(targetValue(s, 'bad', 'reference')).toEqual({ kind: 'value', value: 'Quay.IO/O/App:Bad Ref' });
    expect(targetValue(s, 'bad', 'name')).toEqual({ kind: 'error', message: 'app:bad: cannot read a repository from "Quay.IO/O/App:Bad Ref"' });
  });

  it('update targets and local lookup read the repository from the value', () => {
    const local = { ...s, spec: { ...s.spec, lookupPolicy: { local: true } } } as ImageStream;
    expect(targetValue(local, 'loc', 'name', { localRegistry: 'registry.local:5000' })).toEqual({ kind: 'value', value: 'registry.local:5000/ns/app' });
    const streams = new Map([['ns/app', { stream: local }]]);
    const localRepository = (ns: string, name: string) => `registry.local:5000/${ns}/${name}`;
    expect(resolveLocalName('app:loc', 'ns', streams, false, { localRepository })).toEqual({ to: `registry.local:5000/ns/app@${DA}`, stream: 'app', tag: 'loc' });
    expect(resolveLocalName('app:bad', 'ns', streams, false, { localRepository })).toBeUndefined();
  });

  it('the ImageStreamTag view hands out the same pull spec', () => {
    const withStatus = { ...s, status: { ...s.status, dockerImageRepository: 'image-registry.svc:5000/ns/app' } } as ImageStream;
    for (const tag of ['src', 'loc', 'bad']) {
      expect(resolvedPullSpec(withStatus, tag, latestTagEvent(withStatus, tag)!)).toBe(resolveTagPullSpec(withStatus, tag));
    }
    expect(resolvedPullSpec(withStatus, 'loc', latestTagEvent(withStatus, 'loc')!)).toBe(`image-registry.svc:5000/ns/app@${DA}`);
  });
});
