import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { RESOLVE_NAMES_ANNOTATION } from '../../../src/planning/lookup-policy.js';
import {
  completeImageLookup,
  imageLookupRow,
  resolveNamesAnnotationPath,
  setImageLookup,
} from '../../../src/verbs/set-image-lookup.js';
import type { TriggerTarget } from '../../../src/verbs/set-triggers.js';
import { workload } from '../planning/apply-triggers.fixtures.js';

function is(name: string, local?: boolean): TriggerTarget {
  return {
    kind: 'ImageStream',
    name,
    namespace: 'ns',
    object: { kind: 'ImageStream', metadata: { name }, spec: local === undefined ? {} : { lookupPolicy: { local } } },
  };
}

describe('completeImageLookup', () => {
  it.each([
    ['no args lists every stream', [], {}, { mode: 'list', enabled: true, allStreams: true, targets: [] }],
    ['--all updates every stream', [], { all: true }, { mode: 'update', enabled: true, allStreams: true, targets: [] }],
    ['bare names are streams', ['mysql', 'ruby'], {}, { mode: 'update', enabled: true, allStreams: false, targets: [{ kind: 'ImageStream', name: 'mysql' }, { kind: 'ImageStream', name: 'ruby' }] }],
    ['--enabled=false', ['mysql'], { enabled: false }, { mode: 'update', enabled: false, allStreams: false, targets: [{ kind: 'ImageStream', name: 'mysql' }] }],
    ['type/name and --list', ['deploy/web', 'dc/app', 'statefulsets.apps/db'], { list: true }, {
      mode: 'list',
      enabled: true,
      allStreams: false,
      targets: [{ kind: 'Deployment', name: 'web' }, { kind: 'DeploymentConfig', name: 'app' }, { kind: 'StatefulSet', name: 'db' }],
    }],
  ])('%s', (_name, args, flags, expected) => {
    expect(completeImageLookup(args, flags)).toEqual(expected);
  });

  it('refuses an unknown resource type', () => {
    expect(() => completeImageLookup(['widget/x'])).toThrow(UsageError);
    expect(() => completeImageLookup(['widget/x'])).toThrow('the server doesn\'t have a resource type "widget"');
  });
});

describe('setImageLookup on streams', () => {
  it.each([
    ['enable an absent policy', undefined, true, [{ path: ['spec', 'lookupPolicy', 'local'], from: undefined, to: true }]],
    ['enable a false policy', false, true, [{ path: ['spec', 'lookupPolicy', 'local'], from: false, to: true }]],
    ['disable', true, false, [{ path: ['spec', 'lookupPolicy', 'local'], from: true, to: false }]],
    ['already enabled', true, true, []],
    ['absent is already disabled', undefined, false, []],
  ])('%s', (_name, current, enabled, changes) => {
    expect(setImageLookup(is('mysql', current), enabled).changes).toEqual(changes);
  });

  it('uses oc messages', () => {
    expect(setImageLookup(is('mysql'), true).message).toBe('imagestream.image.openshift.io/mysql image lookup updated');
    expect(setImageLookup(is('mysql', true), true).message).toBe('info: imagestreams/mysql was not changed');
  });
});

describe('setImageLookup on workloads', () => {
  const ann = (path: readonly (string | number)[]): (string | number)[] => [...path, 'annotations', RESOLVE_NAMES_ANNOTATION];

  it.each([
    ['Deployment', ['spec', 'template', 'metadata']],
    ['DeploymentConfig', ['spec', 'template', 'metadata']],
    ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'metadata']],
    ['Pod', ['metadata']],
  ])('%s: resolve-names goes on the pod template (or the object without one)', (kind, metadata) => {
    expect(resolveNamesAnnotationPath(kind)).toEqual(ann(metadata));
    const r = setImageLookup(workload(kind, 'w', { containers: [{ name: 'c' }] }), true);
    expect(r.changes).toEqual([{ path: ann(metadata), from: undefined, to: '*' }]);
  });

  it('--enabled=false removes the annotation (to: undefined)', () => {
    const w = workload('Deployment', 'w', { templateAnnotations: { [RESOLVE_NAMES_ANNOTATION]: '*' } });
    expect(setImageLookup(w, false).changes).toEqual([{ path: ann(['spec', 'template', 'metadata']), from: '*', to: undefined }]);
    expect(setImageLookup(workload('Deployment', 'w'), false).changes).toEqual([]);
  });

  it('refuses objects without images', () => {
    expect(() => setImageLookup({ kind: 'ConfigMap', name: 'c', namespace: 'ns', object: {} }, true)).toThrow(
      'the resource configmaps/c does not support altering image lookup',
    );
  });
});

describe('imageLookupRow: NAME LOCAL', () => {
  it.each<[string, TriggerTarget, { name: string; local: string }]>([
    ['stream by bare name', is('mysql', true), { name: 'mysql', local: 'true' }],
    ['stream without policy', is('ruby'), { name: 'ruby', local: 'false' }],
    ['workload, template annotation', workload('Deployment', 'w', { templateAnnotations: { [RESOLVE_NAMES_ANNOTATION]: '*' } }), { name: 'deployments/w', local: 'true' }],
    ['workload, object annotation', workload('Deployment', 'w', { annotations: { [RESOLVE_NAMES_ANNOTATION]: '*' } }), { name: 'deployments/w', local: 'true' }],
    ['workload, other value', workload('StatefulSet', 's', { templateAnnotations: { [RESOLVE_NAMES_ANNOTATION]: 'x' } }), { name: 'statefulsets/s', local: 'false' }],
    ['no pod spec', { kind: 'ConfigMap', name: 'c', namespace: 'ns', object: {} }, { name: 'configmaps/c', local: 'UNKNOWN' }],
  ])('%s', (_name, target, row) => {
    expect(imageLookupRow(target)).toEqual(row);
  });
});
