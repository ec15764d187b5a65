import { describe, expect, it } from 'vitest';
import { imageStreamTagTrigger, parseTriggerAnnotation, TRIGGER_ANNOTATION } from '../../../src/domain/trigger.js';
import {
  openshiftReferenceParts,
  RESOLVE_NAMES_ANNOTATION,
  resolveLocalName,
  resolveLocalNames,
} from '../../../src/planning/lookup-policy.js';
import { applyTriggers } from '../../../src/planning/apply-triggers.js';
import { D1, D2, index, stream, workload } from './apply-triggers.fixtures.js';

const KC = `quay.io/keycloak/keycloak@${D1}`;
const streams = index(
  stream('ns', 'keycloak', [{ tag: '20.0', items: [[KC, D1]] }, { tag: 'latest', items: [[`quay.io/keycloak/keycloak:latest`, '']], reference: true }], true),
  stream('ns', 'mysql', [{ tag: '8.0', items: [[`docker.io/library/mysql@${D2}`, D2]] }], false),
  stream('ns', 'bar', [{ tag: '1', items: [[`quay.io/foo/bar@${D2}`, D2]] }], false),
  stream('ns', 'app', [{ tag: 'latest', items: [[`quay.io/x/app@${D2}`, D2]], local: true }], true),
  stream('other', 'keycloak', [{ tag: '20.0', items: [[KC, D1]] }], true),
);
const LOCAL = (ns: string, s: string): string => `registry.local:5000/${ns}/${s}`;

describe('resolveLocalName: admission rules 1-7', () => {
  it.each([
    ['1+2. short name with tag -> pinned source reference', 'keycloak:20.0', false, {}, KC],
    ['1. no tag means latest (reference tag without digest -> rule 3, no registry: unchanged)', 'keycloak', false, {}, undefined],
    ['1. no tag means latest (rule 3 with a Local registry)', 'keycloak', false, { localRepository: LOCAL }, 'registry.local:5000/ns/keycloak:latest'],
    ['2. Local reference policy -> Local pull spec', 'app', false, { localRepository: LOCAL }, `registry.local:5000/ns/app@${D2}`],
    ['2. Local policy without Local registry -> source reference', 'app:latest', false, {}, `quay.io/x/app@${D2}`],
    ['3. tag missing, stream has a repository', 'keycloak:unknown', false, { localRepository: LOCAL }, 'registry.local:5000/ns/keycloak:unknown'],
    ['3. tag missing, no repository -> unchanged', 'keycloak:unknown', false, {}, undefined],
    ['4. lookupPolicy.local false -> unchanged', 'mysql:8.0', false, {}, undefined],
    ['5. unparseable -> unchanged', 'Key Cloak:1', false, {}, undefined],
    ['6. namespace component -> not a local name', 'ns/keycloak:20.0', false, {}, undefined],
    ['6. registry -> not a local name', 'quay.io/keycloak:20.0', false, {}, undefined],
    ['7. digest -> never rewritten', `keycloak@${D1}`, false, {}, undefined],
    ['7. tag+digest -> never rewritten', `keycloak:20.0@${D1}`, false, {}, undefined],
    ['no stream of that name -> unchanged', 'nginx:1.25', false, {}, undefined],
    ['forced: lookupPolicy ignored', 'mysql:8.0', true, {}, `docker.io/library/mysql@${D2}`],
    ['forced: registry and namespace ignored', 'quay.io/foo/bar:1', true, {}, `quay.io/foo/bar@${D2}`],
    ['forced: still never a digest', `quay.io/foo/bar@${D2}`, true, {}, undefined],
  ])('%s', (_name, image, forced, opts, expected) => {
    expect(resolveLocalName(image, 'ns', streams, forced, opts)?.to).toBe(expected);
  });

  it('looks up in the object namespace only', () => {
    expect(resolveLocalName('keycloak:20.0', 'third', streams, false)).toBeUndefined();
  });

  it.each([
    ['mysql:8', { registry: '', namespace: '', name: 'mysql', tag: '8', digest: '' }],
    ['myns/mysql:8', { registry: '', namespace: 'myns', name: 'mysql', tag: '8', digest: '' }],
    ['localhost/mysql', { registry: 'localhost', namespace: '', name: 'mysql', tag: '', digest: '' }],
    ['quay.io/x/mysql:8', { registry: 'quay.io', namespace: 'x', name: 'mysql', tag: '8', digest: '' }],
    ['127.0.0.1:5000/a/b/c:1', { registry: '127.0.0.1:5000', namespace: 'a', name: 'b/c', tag: '1', digest: '' }],
  ])('splits %s like library-go reference.Parse', (image, parts) => {
    expect(openshiftReferenceParts(image)).toEqual(parts);
  });
});

describe('resolveLocalNames', () => {
  it('pins a short name and records a trigger in oc canonical form', () => {
    const w = workload('Deployment', 'sso', { containers: [{ name: 'keycloak', image: 'keycloak:20.0' }] });
    const plan = resolveLocalNames(w, streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'image'], from: 'keycloak:20.0', to: KC, trigger: 'ns/keycloak:20.0', reason: 'local-lookup', container: 'keycloak' },
    ]);
    expect(plan.annotation).toEqual({
      path: ['metadata', 'annotations', TRIGGER_ANNOTATION],
      from: undefined,
      to: '[{"from":{"kind":"ImageStreamTag","name":"keycloak:20.0"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"keycloak\\")].image"}]',
    });
  });

  it('the recorded trigger keeps following the tag afterwards', () => {
    const w = workload('Deployment', 'sso', { containers: [{ name: 'keycloak', image: 'keycloak:20.0' }] });
    const plan = resolveLocalNames(w, streams);
    const pinned = workload('Deployment', 'sso', { annotation: plan.annotation?.to ?? '', containers: [{ name: 'keycloak', image: KC }] });
    const moved = index(stream('ns', 'keycloak', [{ tag: '20.0', items: [[`quay.io/keycloak/keycloak@${D2}`, D2], [KC, D1]] }], true));
    expect(applyTriggers(pinned, moved).changes.map((c) => [c.to, c.reason])).toEqual([[`quay.io/keycloak/keycloak@${D2}`, 'tag-moved']]);
    // and the pinned object is stable for lookup itself
    expect(resolveLocalNames(pinned, streams).changes).toEqual([]);
  });

  it('appends to existing triggers and leaves covered containers to them', () => {
    const existing = [imageStreamTagTrigger('app', 'latest', 'spec.template.spec.containers[0].image')];
    const w = workload('Deployment', 'web', {
      annotation: existing,
      containers: [{ name: 'web', image: 'keycloak:20.0' }, { name: 'kc', image: 'keycloak:20.0' }],
      initContainers: [{ name: 'init', image: 'keycloak:20.0' }],
    });
    const plan = resolveLocalNames(w, streams);
    expect(plan.changes.map((c) => c.container)).toEqual(['init', 'kc']);
    const r = parseTriggerAnnotation(plan.annotation?.to ?? '');
    expect(r.ok && r.triggers.map((t) => [t.from.name, t.fieldPath])).toEqual([
      ['app:latest', 'spec.template.spec.containers[0].image'],
      ['keycloak:20.0', 'spec.template.spec.containers[?(@.name=="init")].image'],
      ['keycloak:20.0', 'spec.template.spec.containers[?(@.name=="kc")].image'],
    ]);
    expect(plan.annotation?.from).toBe(w.triggersAnnotation ?? (w.object['metadata'] as { annotations: Record<string, string> }).annotations[TRIGGER_ANNOTATION]);
  });

  it.each([
    ['on the object', { annotations: { [RESOLVE_NAMES_ANNOTATION]: '*' } }],
    ['on the pod template', { templateAnnotations: { [RESOLVE_NAMES_ANNOTATION]: '*' } }],
  ])('resolve-names "*" %s forces local resolution of every image', (_name, extra) => {
    const w = workload('Deployment', 'x', { containers: [{ name: 'db', image: 'mysql:8.0' }, { name: 'bar', image: 'quay.io/foo/bar:1' }], ...extra });
    expect(resolveLocalNames(w, streams).changes.map((c) => c.to)).toEqual([`docker.io/library/mysql@${D2}`, `quay.io/foo/bar@${D2}`]);
    const off = workload('Deployment', 'x', { containers: [{ name: 'db', image: 'mysql:8.0' }], templateAnnotations: { [RESOLVE_NAMES_ANNOTATION]: 'mysql' } });
    expect(resolveLocalNames(off, streams).changes).toEqual([]);
  });

  it('skips objects with a controller owner', () => {
    const w = workload('ReplicaSet', 'rs', {
      containers: [{ name: 'kc', image: 'keycloak:20.0' }],
      extraMetadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u', controller: true }] },
    });
    expect(resolveLocalNames(w, streams)).toEqual({ changes: [], errors: [], notes: [] });
    const notController = workload('ReplicaSet', 'rs', {
      containers: [{ name: 'kc', image: 'keycloak:20.0' }],
      extraMetadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u' }] },
    });
    expect(resolveLocalNames(notController, streams).changes).toHaveLength(1);
  });

  it('uses the object namespace', () => {
    const w = workload('Deployment', 'x', { namespace: 'other', containers: [{ name: 'kc', image: 'keycloak:20.0' }] });
    expect(resolveLocalNames(w, streams).changes[0]?.trigger).toBe('other/keycloak:20.0');
  });

  it('refuses to pin when the existing annotation is invalid (the short name would be lost)', () => {
    const w = workload('Deployment', 'x', { annotation: '[{"paused":"true"}]', containers: [{ name: 'kc', image: 'keycloak:20.0' }] });
    const plan = resolveLocalNames(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.errors[0]?.code).toBe('Invalid');
  });

  it('leaves an unnamed container unpinned, with a note', () => {
    const w = workload('Deployment', 'x', { containers: [{ image: 'keycloak:20.0' }] });
    const plan = resolveLocalNames(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.notes[0]).toContain('containers[0] has no name');
  });

  it('pins a DeploymentConfig but says no trigger could be recorded', () => {
    const w = workload('DeploymentConfig', 'dc', { containers: [{ name: 'kc', image: 'keycloak:20.0' }] });
    const plan = resolveLocalNames(w, streams);
    expect(plan.changes.map((c) => c.to)).toEqual([KC]);
    expect(plan.annotation).toBeUndefined();
    expect(plan.notes[0]).toContain('add an ImageChange trigger');
  });

  it('handles a Pod (no template) and a CronJob', () => {
    const pod = resolveLocalNames(workload('Pod', 'p', { containers: [{ name: 'kc', image: 'keycloak:20.0' }] }), streams);
    expect(pod.changes[0]?.path).toEqual(['spec', 'containers', 0, 'image']);
    expect(pod.annotation?.to).toContain('"fieldPath":"spec.containers[?(@.name==\\"kc\\")].image"');
    const cj = resolveLocalNames(workload('CronJob', 'c', { containers: [{ name: 'kc', image: 'keycloak:20.0' }] }), streams);
    expect(cj.annotation?.to).toContain('spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"kc\\")].image');
  });
});
