import { describe, expect, it } from 'vitest';
import { importRequestForTag, planImports, repositoryImportDue } from '../../../src/planning/import-plan.js';
import { parseImageReference, sourceText } from '../../../src/domain/image-reference.js';
import { DOCKER_REPOSITORY_CHECK_ANNOTATION } from '../../../src/domain/image-stream.js';
import { D1, T0, dockerTag, ev, stream } from '../domain/stream-builders.js';

const CHECK = { [DOCKER_REPOSITORY_CHECK_ANNOTATION]: T0 };
const imported = (tag: string, gen: number) => ({ tag, items: [ev('x@' + D1, D1, gen)] });

describe('planImports (controller + scheduler, §3.6 / §7)', () => {
  const s = stream('app', {
    generation: 5,
    annotations: CHECK,
    tags: [
      dockerTag('current', 'q/a:1', 4),
      dockerTag('pending', 'q/a:2', 5),
      dockerTag('sched', 'q/a:3', 4, { importPolicy: { scheduled: true } }),
      dockerTag('pinned-done', `q/a@${D1}`, 4, { importPolicy: { scheduled: true } }),
      dockerTag('pinned-pending', `q/a@${D1}`, 5, { importPolicy: { scheduled: true } }),
      dockerTag('ref', 'q/a:4', 5, { reference: true, importPolicy: { scheduled: true } }),
      dockerTag('bad', 'Not A Ref', 4, { importPolicy: { scheduled: true } }),
      { name: 'istag', from: { kind: 'ImageStreamTag', name: 'current' }, generation: 5 },
    ],
    status: [imported('current', 4), imported('pending', 4), imported('sched', 4), imported('pinned-done', 4), imported('pinned-pending', 4), imported('bad', 4)],
  });

  it('only tags whose generation is ahead, when the schedule is not due', () => {
    expect(planImports(s).map((r) => r.tag)).toEqual(['pending', 'pinned-pending']);
  });

  it('scheduled check: tag-based scheduled tags too, digest-pinned only until imported at their generation', () => {
    expect(planImports(s, { scheduledDue: true }).map((r) => r.tag)).toEqual(['pending', 'sched', 'pinned-pending']);
  });

  it('never-imported stream (no dockerRepositoryCheck): every importable tag', () => {
    const fresh = { ...s, metadata: { ...s.metadata, annotations: {} } };
    expect(planImports(fresh).map((r) => r.tag)).toEqual(['current', 'pending', 'sched', 'pinned-done', 'pinned-pending', 'bad']);
  });

  it('force imports the chosen importable tags even when nothing is due (a registry push hint)', () => {
    expect(planImports(s, { onlyTags: ['current', 'istag', 'ref'], force: true }).map((r) => r.tag)).toEqual(['current']);
    expect(planImports(s, { onlyTags: ['current'] }).map((r) => r.tag)).toEqual([]);
  });

  it('onlyTags restricts the choice', () => {
    expect(planImports(s, { onlyTags: ['pinned-pending'] }).map((r) => r.tag)).toEqual(['pinned-pending']);
  });

  it('requests carry the tag policies, prefer-arch/os annotations and importMode (§3.3)', () => {
    const ref = dockerTag('x', 'quay.io/o/x:1', 1, {
      importPolicy: { insecure: true, scheduled: true, importMode: 'PreserveOriginal' },
      referencePolicy: { type: 'Local' },
      annotations: { 'importer.image.openshift.io/prefer-arch': 'arm64', 'importer.image.openshift.io/prefer-os': 'linux' },
    });
    expect(importRequestForTag(stream('app'), ref)).toEqual({
      namespace: 'ns',
      stream: 'app',
      tag: 'x',
      from: parseImageReference('quay.io/o/x:1'),
      importMode: 'PreserveOriginal',
      insecure: true,
      scheduled: true,
      preferArch: 'arm64',
      preferOs: 'linux',
      referencePolicy: 'Local',
    });
    expect(importRequestForTag(stream('app'), dockerTag('y', 'a', 1), 'PreserveOriginal').importMode).toBe('PreserveOriginal');
  });

  it('repository import is due once, for a never-imported stream with spec.dockerImageRepository', () => {
    expect(sourceText(repositoryImportDue(stream('r', { dockerImageRepository: 'quay.io/o/r' }))!.from)).toBe('quay.io/o/r');
    expect(repositoryImportDue(stream('r', { dockerImageRepository: 'quay.io/o/r', annotations: CHECK }))).toBeUndefined();
    expect(repositoryImportDue(stream('r'))).toBeUndefined();
  });
});
