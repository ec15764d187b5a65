import { describe, expect, it } from 'vitest';
import { applyImportResults, type ImportRequest, type ImportResult } from '../../../src/domain/import-result.js';
import { DOCKER_REPOSITORY_CHECK_ANNOTATION, findSpecTag, findStatusTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import { tagNeedsImport } from '../../../src/domain/generation.js';
import { D1, D2, NOW, T0, dockerTag, ev, frozen, stream } from './stream-builders.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

const req = (tag: string, from: string, extra: Partial<ImportRequest> = {}): ImportRequest => ({
  namespace: 'ns',
  stream: 'app',
  tag,
  from: parseImageReference(from),
  importMode: 'Legacy',
  insecure: false,
  scheduled: false,
  referencePolicy: '',
  ...extra,
});
const ok = (r: ImportRequest, digest: string): ImportResult => ({ ok: true, request: r, digest });
const fail = (r: ImportRequest, reason: string, message: string): ImportResult => ({ ok: false, request: r, reason, message });
const CHECK = { [DOCKER_REPOSITORY_CHECK_ANNOTATION]: T0 };

describe('applyImportResults: success (importSuccessful)', () => {
  it('first import of a created stream: event at generation+1, spec generation follows, annotation set', () => {
    const s = frozen(stream('app', { generation: 1, tags: [dockerTag('20.0', 'quay.io/keycloak/keycloak:20.0', 1)] }));
    const out = applyImportResults(s, [ok(req('20.0', 'quay.io/keycloak/keycloak:20.0'), D1)], NOW);
    expect(out.metadata.generation).toBe(2);
    expect(findSpecTag(out, '20.0')).toMatchObject({ generation: 2, from: { kind: 'DockerImage', name: 'quay.io/keycloak/keycloak:20.0' }, importPolicy: { importMode: 'Legacy' }, referencePolicy: { type: 'Source' } });
    expect(findStatusTag(out, '20.0')?.items).toEqual([ev('quay.io/keycloak/keycloak@' + D1, D1, 2, NOW)]);
    expect(out.metadata.annotations?.[DOCKER_REPOSITORY_CHECK_ANNOTATION]).toBe(NOW);
    expect(tagNeedsImport(out, '20.0')).toBe(false);
  });

  it('records the repository exactly as written (no docker.io / library normalization)', () => {
    const s = stream('app', { generation: 1, tags: [dockerTag('latest', 'busybox:latest', 1)] });
    const out = applyImportResults(s, [ok(req('latest', 'busybox:latest'), D1)], NOW);
    expect(latestTagEvent(out, 'latest')?.dockerImageReference).toBe('busybox@' + D1);
  });

  it('same digest again on an imported stream: nothing changes, same object', () => {
    const s = frozen(
      stream('app', { generation: 2, annotations: CHECK, tags: [dockerTag('1', 'q/a:1', 2, { importPolicy: { importMode: 'Legacy' } })], status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)] }] }),
    );
    expect(applyImportResults(s, [ok(req('1', 'q/a:1'), D1)], NOW)).toBe(s);
  });

  it('same digest on a stream without the annotation: only the annotation is written', () => {
    const s = frozen(stream('app', { generation: 2, tags: [dockerTag('1', 'q/a:1', 2, { importPolicy: { importMode: 'Legacy' } })], status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)] }] }));
    const out = applyImportResults(s, [ok(req('1', 'q/a:1'), D1)], NOW);
    expect(out.metadata.annotations?.[DOCKER_REPOSITORY_CHECK_ANNOTATION]).toBe(NOW);
    expect(out.metadata.generation).toBe(2);
    expect(out.status).toEqual(s.status);
  });

  it('same digest while the spec generation is ahead: only items[0].generation moves', () => {
    const s = frozen(
      stream('app', { generation: 3, annotations: CHECK, tags: [dockerTag('1', 'q/a:1', 3, { importPolicy: { importMode: 'Legacy' } })], status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)] }] }),
    );
    const out = applyImportResults(s, [ok(req('1', 'q/a:1'), D1)], NOW);
    expect(findStatusTag(out, '1')?.items).toEqual([ev('q/a@' + D1, D1, 4, T0)]);
    expect(out.metadata.generation).toBe(4);
    expect(findSpecTag(out, '1')?.generation).toBe(4);
  });

  it('new digest prepends history and clears conditions; reference policy kept, import policy replaced', () => {
    const s = frozen(
      stream('app', {
        generation: 2,
        annotations: CHECK,
        tags: [dockerTag('1', 'q/a:1', 2, { referencePolicy: { type: 'Local' }, importPolicy: { importMode: 'PreserveOriginal' } })],
        status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)], conditions: [{ type: 'ImportSuccess', status: 'False', reason: 'X', message: 'y', generation: 2 }] }],
      }),
    );
    const out = applyImportResults(s, [ok(req('1', 'q/a:1', { scheduled: true, referencePolicy: 'Source' }), D2)], NOW);
    expect(findStatusTag(out, '1')).toEqual({ tag: '1', items: [ev('q/a@' + D2, D2, 3, NOW), ev('q/a@' + D1, D1, 2)] });
    expect(findSpecTag(out, '1')).toMatchObject({ generation: 3, referencePolicy: { type: 'Local' }, importPolicy: { scheduled: true, importMode: 'Legacy' } });
  });

  it('import into a new tag creates the spec tag', () => {
    const s = stream('app', { generation: 1, annotations: CHECK });
    const out = applyImportResults(s, [ok(req('new', 'q/a:9', { referencePolicy: 'Local' }), D1)], NOW);
    expect(findSpecTag(out, 'new')).toEqual({
      name: 'new',
      annotations: null,
      from: { kind: 'DockerImage', name: 'q/a:9' },
      generation: 2,
      importPolicy: { importMode: 'Legacy' },
      referencePolicy: { type: 'Local' },
    });
  });

  it('trackers of an imported tag follow it', () => {
    const s = stream('app', {
      generation: 2,
      annotations: CHECK,
      tags: [dockerTag('1', 'q/a:1', 2), { name: 'stable', from: { kind: 'ImageStreamTag', name: '1' }, generation: 2 }],
      status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)] }, { tag: 'stable', items: [ev('q/a@' + D1, D1, 2)] }],
    });
    const out = applyImportResults(s, [ok(req('1', 'q/a:1'), D2)], NOW);
    expect(latestTagEvent(out, 'stable')?.image).toBe(D2);
  });
});

describe('applyImportResults: failure (setFailureCondition)', () => {
  const base = stream('app', {
    generation: 3,
    annotations: CHECK,
    tags: [dockerTag('1', 'q/a:1', 3)],
    status: [{ tag: '1', items: [ev('q/a@' + D1, D1, 2)] }],
  });

  it('records ImportSuccess=False, keeps the last good image, moves the tag to the new generation', () => {
    const out = applyImportResults(frozen(base), [fail(req('1', 'q/a:1'), 'NotFound', 'dockerimage.image.openshift.io "q/a:1" not found')], NOW);
    expect(findStatusTag(out, '1')).toEqual({
      tag: '1',
      items: [ev('q/a@' + D1, D1, 2)],
      conditions: [{ type: 'ImportSuccess', status: 'False', lastTransitionTime: NOW, reason: 'NotFound', message: 'dockerimage.image.openshift.io "q/a:1" not found', generation: 4 }],
    });
    expect(out.metadata.generation).toBe(4);
    expect(findSpecTag(out, '1')?.generation).toBe(4);
    expect(tagNeedsImport(out, '1')).toBe(false);
  });

  it('an empty message becomes "unknown error prevented import"', () => {
    const out = applyImportResults(base, [fail(req('1', 'q/a:1'), 'InternalError', '')], NOW);
    expect(findStatusTag(out, '1')?.conditions?.[0]?.message).toBe('unknown error prevented import');
  });

  it('an identical condition changes nothing (same object)', () => {
    const once = applyImportResults(base, [fail(req('1', 'q/a:1'), 'Unauthorized', 'denied')], NOW);
    expect(applyImportResults(once, [fail(req('1', 'q/a:1'), 'Unauthorized', 'denied')], '2030-01-01T00:00:00Z')).toBe(once);
  });

  it('a failing new tag gets a spec tag and a condition, no history', () => {
    const out = applyImportResults(stream('app', { generation: 1, annotations: CHECK }), [fail(req('x', 'q/a:x'), 'NotFound', 'nope')], NOW);
    expect(findSpecTag(out, 'x')).toMatchObject({ from: { kind: 'DockerImage', name: 'q/a:x' }, generation: 2 });
    expect(findStatusTag(out, 'x')?.items).toEqual([]);
    expect(findStatusTag(out, 'x')?.conditions).toHaveLength(1);
  });

  it('a stream created by the import starts at generation 1', () => {
    const out = applyImportResults(stream('app'), [ok(req('latest', 'q/a'), D1)], NOW);
    expect(out.metadata.generation).toBe(1);
    expect(findSpecTag(out, 'latest')?.generation).toBe(1);
    expect(latestTagEvent(out, 'latest')).toEqual(ev('q/a@' + D1, D1, 1, NOW));
  });
});
