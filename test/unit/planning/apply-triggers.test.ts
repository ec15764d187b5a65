import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../../src/errors.js';
import { imageStreamTagTrigger } from '../../../src/domain/trigger.js';
import { applyTriggers, resolveLatestTaggedImage } from '../../../src/planning/apply-triggers.js';
import { D1, D2, D3, index, stream, workload } from './apply-triggers.fixtures.js';

const T = 'spec.template.spec';
const byName = (name: string, list = 'containers'): string => `${T}.${list}[?(@.name=="${name}")].image`;
const REF1 = `quay.io/x/app@${D1}`;
const REF2 = `quay.io/x/app@${D2}`;

const streams = index(
  stream('ns', 'app', [
    { tag: 'latest', items: [[REF2, D2], [REF1, D1]] },
    { tag: 'v1', items: [[REF1, D1]] },
    { tag: 'empty', items: [] },
    { tag: 'nohistory' },
    { tag: 'local', items: [[REF2, D2]], local: true },
    { tag: 'ref', items: [['quay.io/x/app:1.2', '']], reference: true },
  ]),
  stream('other', 'db', [{ tag: '15', items: [[`quay.io/x/db@${D3}`, D3]] }]),
);

describe('applyTriggers: evaluation order (§5.2)', () => {
  it('1. a paused trigger is left alone', () => {
    const w = workload('Deployment', 'web', {
      annotation: [imageStreamTagTrigger('app', 'latest', byName('web'), '', true)],
      containers: [{ name: 'web', image: 'old' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.errors).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['paused']);
  });

  it('2. a path outside the pod spec is skipped silently, even when malformed', () => {
    const w = workload('Deployment', 'web', {
      annotation: [imageStreamTagTrigger('app', 'latest', 'spec.containers[?(@.name==web)].image')],
      containers: [{ name: 'web', image: 'old' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan).toMatchObject({ changes: [], errors: [] });
    expect(plan.skipped[0]?.reason).toBe('outside-pod-spec');
  });

  it.each([
    ['stream missing', 'nope:latest', 'unresolved'],
    ['tag missing', 'app:missing', 'unresolved'],
    ['status tag with no items', 'app:empty', 'unresolved'],
    ['spec tag never imported', 'app:nohistory', 'unresolved'],
    ['bare stream name', 'app', 'not-indexed'],
    ['other namespace by default', 'db:15', 'unresolved'],
  ])('3. an unresolvable tag (%s) is skipped without error, before the path is checked', (_name, from, reason) => {
    const w = workload('Deployment', 'web', {
      annotation: [{ from: { kind: 'ImageStreamTag', name: from, namespace: '', apiVersion: '' }, fieldPath: `${T}.containers[oops].image`, paused: false }],
      containers: [{ name: 'web', image: 'old' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe(reason);
  });

  it('4. a malformed path blocks every trigger of the object', () => {
    const w = workload('Deployment', 'web', {
      annotation: [imageStreamTagTrigger('app', 'latest', byName('web')), imageStreamTagTrigger('app', 'v1', `${T}.containers[0].name`)],
      containers: [{ name: 'web', image: 'old' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]).toBeInstanceOf(ManifestError);
    expect(plan.errors[0]?.code).toBe('FieldPath');
    expect(plan.errors[0]?.reason).toBe(
      `Deployment ns/web: field path is not valid: ${T}.containers[0].name; expected ${T}.containers[<index>].image, ${T}.initContainers[<index>].image or ${T}.containers[?(@.name=="<name>")].image`,
    );
    expect(plan.errors[0]?.message).toContain('(web.yaml:1:1)');
  });

  it('5. a missing container blocks every trigger of the object', () => {
    const w = workload('Deployment', 'web', {
      annotation: [imageStreamTagTrigger('app', 'latest', byName('web')), imageStreamTagTrigger('app', 'v1', byName('sidecar'))],
      containers: [{ name: 'web', image: 'old' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.errors[0]?.reason).toBe(`Deployment ns/web: no such container: ${byName('sidecar')}; the pod spec has web`);
  });

  it('5. a malformed selector also reads "no such container" (OpenShift wording)', () => {
    const path = `${T}.containers[?(@.name=='web')].image`;
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'latest', path)], containers: [{ name: 'web', image: 'old' }] });
    expect(applyTriggers(w, streams).errors[0]?.reason).toBe(
      `Deployment ns/web: no such container: ${path}; expected an index or ?(@.name=="<name>") between the brackets (double quotes, no spaces)`,
    );
  });

  it('6. sets the field when it differs, with a path from the object root', () => {
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))], containers: [{ name: 'web', image: REF1 }] });
    expect(applyTriggers(w, streams).changes).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'image'], from: REF1, to: REF2, trigger: 'ns/app:latest', reason: 'tag-moved', container: 'web' },
    ]);
  });

  it('6. writes nothing when the field already holds the image', () => {
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))], containers: [{ name: 'web', image: REF2 }] });
    expect(applyTriggers(w, streams)).toEqual({ changes: [], errors: [], skipped: [] });
  });
});

describe('applyTriggers: behaviour', () => {
  it('fires if only one trigger resolves', () => {
    const w = workload('StatefulSet', 'db', {
      annotation: [imageStreamTagTrigger('app', 'latest', byName('test')), imageStreamTagTrigger('stream-2', '1', byName('test2'))],
      containers: [{ name: 'test', image: '' }, { name: 'test2', image: '' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.changes.map((c) => [c.container, c.to, c.reason])).toEqual([['test', REF2, 'initial']]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['unresolved']);
  });

  it('sets back a manual edit of a triggered field', () => {
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))], containers: [{ name: 'web', image: 'nginx:1.25' }] });
    expect(applyTriggers(w, streams).changes[0]).toMatchObject({ from: 'nginx:1.25', to: REF2, reason: 'set-back' });
  });

  it('treats the " " placeholder as an initial resolution', () => {
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'v1', byName('web'))], containers: [{ name: 'web', image: ' ' }] });
    expect(applyTriggers(w, streams).changes[0]).toMatchObject({ from: ' ', to: REF1, reason: 'initial' });
  });

  it('fills an absent image field', () => {
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'v1', byName('web'))], containers: [{ name: 'web' }] });
    expect(applyTriggers(w, streams).changes[0]).toMatchObject({ from: undefined, to: REF1 });
  });

  it('index selection respects the list, name selection searches initContainers first', () => {
    const w = workload('Deployment', 'web', {
      annotation: [
        imageStreamTagTrigger('app', 'v1', `${T}.initContainers[0].image`),
        imageStreamTagTrigger('app', 'latest', `${T}.containers[?(@.name=="migrate")].image`),
        imageStreamTagTrigger('db', '15', `${T}.containers[1].image`, 'other'),
      ],
      initContainers: [{ name: 'setup', image: 'a' }, { name: 'migrate', image: 'b' }],
      containers: [{ name: 'web', image: 'c' }, { name: 'side', image: 'd' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => [c.path.join('.'), c.to, c.trigger])).toEqual([
      ['spec.template.spec.initContainers.0.image', REF1, 'ns/app:v1'],
      ['spec.template.spec.initContainers.1.image', REF2, 'ns/app:latest'],
      ['spec.template.spec.containers.1.image', `quay.io/x/db@${D3}`, 'other/db:15'],
    ]);
  });

  it('`stream:` means latest', () => {
    const w = workload('Deployment', 'web', {
      annotation: [{ from: { kind: 'ImageStreamTag', name: 'app:', namespace: '', apiVersion: '' }, fieldPath: byName('web'), paused: false }],
      containers: [{ name: 'web', image: 'x' }],
    });
    expect(applyTriggers(w, streams).changes[0]).toMatchObject({ to: REF2, trigger: 'ns/app:latest' });
  });

  it('two triggers on one field: the last one wins', () => {
    const w = workload('Deployment', 'web', {
      annotation: [imageStreamTagTrigger('app', 'v1', `${T}.containers[0].image`), imageStreamTagTrigger('app', 'latest', byName('web'))],
      containers: [{ name: 'web', image: REF1 }],
    });
    expect(applyTriggers(w, streams).changes.map((c) => c.to)).toEqual([REF2]);
    const back = workload('Deployment', 'web', {
      annotation: [imageStreamTagTrigger('app', 'latest', `${T}.containers[0].image`), imageStreamTagTrigger('app', 'v1', byName('web'))],
      containers: [{ name: 'web', image: REF1 }],
    });
    expect(applyTriggers(back, streams).changes).toEqual([]);
  });

  it('skips triggers OpenShift would not index', () => {
    const w = workload('Deployment', 'web', {
      annotation: [{ from: { kind: 'DockerImage', name: 'app:latest', namespace: '', apiVersion: '' }, fieldPath: byName('web'), paused: false }],
      containers: [{ name: 'web', image: 'x' }],
    });
    const plan = applyTriggers(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe('not-indexed');
  });

  it('an invalid annotation (string paused) yields one Invalid error and no change', () => {
    const w = workload('Deployment', 'web', {
      annotation: `[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${byName('web').replace(/"/g, '\\"')}","paused":"false"}]`,
      containers: [{ name: 'web', image: 'x' }],
    });
    const plan = applyTriggers(w, streams, { annotationLocation: { file: 'web.yaml', line: 6, col: 34 } });
    expect(plan.changes).toEqual([]);
    expect(plan.errors[0]?.code).toBe('Invalid');
    expect(plan.errors[0]?.message).toMatch(/\[0\]\.paused: expected a JSON boolean.*\(web\.yaml:6:34\)$/);
  });

  it('JSON null means no triggers', () => {
    const w = workload('Deployment', 'web', { annotation: 'null', containers: [{ name: 'web', image: 'x' }] });
    expect(applyTriggers(w, streams)).toEqual({ changes: [], errors: [], skipped: [] });
  });

  it('an erroring object does not stop the next one', () => {
    const bad = workload('Deployment', 'bad', { annotation: [imageStreamTagTrigger('app', 'latest', byName('gone'))], containers: [{ name: 'web', image: 'x' }] });
    const good = workload('Deployment', 'good', { annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))], containers: [{ name: 'web', image: 'x' }] });
    const plans = [bad, good].map((w) => applyTriggers(w, streams));
    expect(plans.map((p) => [p.errors.length, p.changes.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it.each([
    ['CronJob', 'spec.jobTemplate.spec.template.spec', ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image']],
    ['DaemonSet', T, ['spec', 'template', 'spec', 'containers', 0, 'image']],
    ['Job', T, ['spec', 'template', 'spec', 'containers', 0, 'image']],
    ['Pod', 'spec', ['spec', 'containers', 0, 'image']],
    ['ReplicationController', T, ['spec', 'template', 'spec', 'containers', 0, 'image']],
  ])('works on %s under its pod spec path', (kind, specPath, path) => {
    const w = workload(kind, 'w', { annotation: [imageStreamTagTrigger('app', 'v1', `${specPath}.containers[0].image`)], containers: [{ name: 'c', image: 'x' }] });
    expect(applyTriggers(w, streams).changes.map((c) => c.path)).toEqual([path]);
  });

  it('ignores the annotation on kinds without annotation triggers (DeploymentConfig)', () => {
    const w = workload('DeploymentConfig', 'dc', { annotation: [imageStreamTagTrigger('app', 'v1', byName('c'))], containers: [{ name: 'c', image: 'x' }] });
    expect(applyTriggers(w, streams).changes).toEqual([]);
  });
});

describe('value written (§5.3)', () => {
  const app = streams.get('ns/app')?.stream;
  if (!app) throw new Error('fixture');
  it.each([
    ['Source: items[0].dockerImageReference', 'latest', undefined, REF2],
    ['Local with a Local registry', 'local', 'registry.local:5000/ns/app', `registry.local:5000/ns/app@${D2}`],
    ['Local without a Local registry: the source reference', 'local', undefined, REF2],
    ['reference tag: the raw reference', 'ref', 'registry.local:5000/ns/app', 'quay.io/x/app:1.2'],
    ['no history: unresolved', 'nohistory', undefined, undefined],
  ])('%s', (_name, tag, localRepo, expected) => {
    const resolved = resolveLatestTaggedImage(app, 'ns', tag, { localRepository: (ns, s) => (localRepo && ns === 'ns' && s === 'app' ? localRepo : undefined) });
    expect(resolved?.reference).toBe(expected);
  });

  it('applies the Local pull spec through applyTriggers', () => {
    const w = workload('Deployment', 'web', { annotation: [imageStreamTagTrigger('app', 'local', byName('web'))], containers: [{ name: 'web', image: 'x' }] });
    const plan = applyTriggers(w, streams, { localRepository: (ns, s) => `registry.local:5000/${ns}/${s}` });
    expect(plan.changes[0]?.to).toBe(`registry.local:5000/ns/app@${D2}`);
  });
});
