import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { imageStreamTagTrigger, TRIGGER_ANNOTATION } from '../../../src/domain/trigger.js';
import {
  completeSetTriggers,
  listTriggers,
  setTriggers,
  type SetTriggersFlags,
  type TriggerTarget,
} from '../../../src/verbs/set-triggers.js';
import { workload } from '../planning/apply-triggers.fixtures.js';

const T = 'spec.template.spec';
const byName = (n: string): string => `${T}.containers[?(@.name=="${n}")].image`;
const esc = (n: string): string => `spec.template.spec.containers[?(@.name==\\"${n}\\")].image`;

function deploy(opts: Parameters<typeof workload>[2] = {}): TriggerTarget {
  return workload('Deployment', 'web', { containers: [{ name: 'web', image: 'x' }, { name: 'side', image: 'y' }], initContainers: [{ name: 'init', image: 'z' }], ...opts });
}

function run(target: TriggerTarget, flags: SetTriggersFlags): ReturnType<typeof setTriggers> {
  return setTriggers(target, completeSetTriggers(flags, target.namespace));
}

function annotationOf(result: ReturnType<typeof setTriggers>): unknown {
  return result.changes.find((c) => c.path.join('/') === `metadata/annotations/${TRIGGER_ANNOTATION}`)?.to;
}

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('completeSetTriggers: oc validation messages', () => {
  it.each<[string, SetTriggersFlags, string]>([
    ['from-image with a registry', { fromImage: 'quay.io/app:latest', containers: 'web' }, 'the value of --from-image must point to an image stream tag on this server'],
    ['from-image with a digest', { fromImage: `app@sha256:${'a'.repeat(64)}`, containers: 'web' }, 'the value of --from-image must point to an image stream tag on this server'],
    ['from-image without a tag', { fromImage: 'app', containers: 'web' }, 'the value of --from-image must include the tag you wish to pull from'],
    ['auto and manual', { auto: true, manual: true }, 'you must specify at most one of --auto or --manual'],
    ['remove and remove-all', { remove: true, removeAll: true }, 'you must specify either --remove or --remove-all'],
    ['remove-all with a type', { removeAll: true, fromConfig: true }, '--remove-all may not be used with any other flag'],
    ['remove-all with auto', { removeAll: true, auto: true }, '--remove-all may not be used with any other flag'],
    ['remove without a type', { remove: true }, '--remove requires a flag defining a trigger type to be specified'],
    ['two types', { fromConfig: true, fromImage: 'app:latest' }, 'you may only set one trigger type at a time'],
    ['image and webhook', { fromImage: 'app:latest', fromGithub: false }, 'you may only set one trigger type at a time'],
  ])('%s', (_name, flags, message) => {
    expect(usageError(() => completeSetTriggers(flags, 'ns'))).toBe(message);
  });

  it('an unparseable --from-image', () => {
    expect(usageError(() => completeSetTriggers({ fromImage: 'App:1' }, 'ns'))).toMatch(
      /^the value of --from-image does not appear to be a valid reference to an image: invalid reference format/,
    );
  });

  it('no flag prints the table; a type alone means --auto', () => {
    expect(completeSetTriggers({}, 'ns').printTable).toBe(true);
    expect(completeSetTriggers({ fromConfig: true }, 'ns')).toMatchObject({ printTable: false, auto: true, reset: false });
    expect(completeSetTriggers({ manual: true }, 'ns')).toMatchObject({ reset: true, auto: false, manual: true });
  });

  it('splits namespace from --from-image and drops the current one', () => {
    expect(completeSetTriggers({ fromImage: 'other/app:1' }, 'ns')).toMatchObject({ fromImage: 'app:1', fromImageNamespace: 'other' });
    expect(completeSetTriggers({ fromImage: 'ns/app:1' }, 'ns')).toMatchObject({ fromImage: 'app:1', fromImageNamespace: '' });
  });
});

describe('setTriggers on annotation kinds', () => {
  it('adds an image trigger in oc canonical form', () => {
    const r = run(deploy(), { fromImage: 'app:latest', containers: 'web' });
    expect(r.changes).toEqual([
      { path: ['metadata', 'annotations', TRIGGER_ANNOTATION], from: undefined, to: `[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${esc('web')}"}]` },
    ]);
    expect(r.message).toBe('deployment.apps/web triggers updated');
  });

  it('one trigger per container; --manual pauses; other namespace kept', () => {
    const r = run(deploy(), { fromImage: 'other/app:1', containers: 'web,init', manual: true });
    expect(annotationOf(r)).toBe(
      `[{"from":{"kind":"ImageStreamTag","name":"app:1","namespace":"other"},"fieldPath":"${esc('web')}","paused":true},` +
        `{"from":{"kind":"ImageStreamTag","name":"app:1","namespace":"other"},"fieldPath":"${esc('init')}","paused":true}]`,
    );
  });

  it('re-writes existing entries in name form and drops unresolvable ones', () => {
    const target = deploy({
      annotation: [
        imageStreamTagTrigger('a', '1', `${T}.containers[1].image`),
        imageStreamTagTrigger('b', '1', `${T}.initContainers[0].image`),
        imageStreamTagTrigger('c', '1', `${T}.containers[?(@.name=="gone")].image`),
      ],
    });
    const r = run(target, { fromImage: 'app:latest', containers: 'web' });
    expect(annotationOf(r)).toBe(
      `[{"from":{"kind":"ImageStreamTag","name":"a:1"},"fieldPath":"${esc('side')}"},` +
        `{"from":{"kind":"ImageStreamTag","name":"b:1"},"fieldPath":"${esc('init')}"},` +
        `{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${esc('web')}"}]`,
    );
  });

  it('updates the trigger with the same stream:tag and namespace', () => {
    const target = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    const r = run(target, { fromImage: 'app:latest', containers: 'side', manual: true });
    expect(annotationOf(r)).toBe(`[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${esc('side')}","paused":true}]`);
  });

  it('reports no change with oc wording', () => {
    const target = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    const r = run(target, { fromImage: 'app:latest', containers: 'web' });
    expect(r).toEqual({ changes: [], message: 'info: deployments/web was not changed', warnings: [] });
  });

  it.each<[string, SetTriggersFlags, string]>([
    ['--containers missing', { fromImage: 'app:latest' }, 'you must specify --containers when setting --from-image'],
    ['unknown containers', { fromImage: 'app:latest', containers: 'zz,web,aa' }, 'not all container names exist: aa, zz (accepts: init, side, web)'],
    ['github webhook', { fromGithub: true }, 'deployments/web does not support GitHub web hooks'],
    ['generic webhook', { fromWebhook: true }, 'deployments/web does not support web hooks'],
    ['generic allow-env webhook', { fromWebhookAllowEnv: true }, 'deployments/web does not support web hooks'],
    ['gitlab webhook', { fromGitlab: true }, 'deployments/web does not support GitLab web hooks'],
    ['bitbucket webhook', { fromBitbucket: true }, 'deployments/web does not support Bitbucket web hooks'],
  ])('error: %s', (_name, flags, message) => {
    expect(usageError(() => run(deploy(), flags))).toBe(message);
  });

  it('error: a container already triggered by another trigger', () => {
    const target = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    expect(usageError(() => run(target, { fromImage: 'other:1', containers: 'web' }))).toBe('only one trigger may reference each container: web');
  });

  it('works on a custom resource with a pod template (an Argo Rollout), beyond oc; not on one without', () => {
    const rollout = { ...workload('Rollout', 'web', { containers: [{ name: 'web', image: 'x' }] }), object: { ...workload('Rollout', 'web', { containers: [{ name: 'web', image: 'x' }] }).object, apiVersion: 'argoproj.io/v1alpha1' } };
    const r = run(rollout, { fromImage: 'app:latest', containers: 'web' });
    expect(r.message).toBe('rollout.argoproj.io/web triggers updated');
    expect(JSON.parse(annotationOf(r) as string)).toEqual([{ from: { kind: 'ImageStreamTag', name: 'app:latest' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' }]);
    const task = { ...rollout, kind: 'Task', object: { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'web' }, spec: { steps: [{ image: 'x' }] } } };
    expect(usageError(() => run(task, { fromConfig: true }))).toBe(
      'tasks/web has no pod template (spec.template.spec or spec.jobTemplate.spec.template.spec with a containers list), so it cannot have image triggers',
    );
  });

  it('error: kinds oc does not trigger', () => {
    for (const kind of ['Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'ConfigMap']) {
      const plural = { Job: 'jobs', Pod: 'pods', ReplicaSet: 'replicasets', ReplicationController: 'replicationcontrollers', ConfigMap: 'configmaps' }[kind];
      expect(usageError(() => run(workload(kind, 'x', { containers: [{ name: 'c' }] }), { fromConfig: true }))).toBe(`${plural}/x does not support triggers`);
    }
  });

  it('--manual pauses every trigger and the Deployment; --auto undoes it', () => {
    const target = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    const manual = run(target, { manual: true });
    expect(manual.changes).toEqual([
      { path: ['metadata', 'annotations', TRIGGER_ANNOTATION], from: expect.any(String), to: `[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${esc('web')}","paused":true}]` },
      { path: ['spec', 'paused'], from: undefined, to: true },
    ]);
    const paused = deploy({ annotation: String(manual.changes[0]?.to), spec: { paused: true } });
    expect(run(paused, { auto: true }).changes).toEqual([
      { path: ['metadata', 'annotations', TRIGGER_ANNOTATION], from: expect.any(String), to: `[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${esc('web')}"}]` },
      { path: ['spec', 'paused'], from: true, to: false },
    ]);
  });

  it('a StatefulSet has no pause mapping', () => {
    const sts = workload('StatefulSet', 'db', { containers: [{ name: 'db' }], annotation: [imageStreamTagTrigger('pg', '15', byName('db'))] });
    expect(run(sts, { manual: true }).changes.map((c) => c.path.join('.'))).toEqual([`metadata.annotations.${TRIGGER_ANNOTATION}`]);
  });

  it('--remove --from-image removes by stream:tag whatever the namespace; none left writes null', () => {
    const target = deploy({
      annotation: [imageStreamTagTrigger('app', 'latest', byName('web'), 'other'), imageStreamTagTrigger('db', '1', byName('side'))],
    });
    const r = run(target, { remove: true, fromImage: 'app:latest' });
    expect(annotationOf(r)).toBe(`[{"from":{"kind":"ImageStreamTag","name":"db:1"},"fieldPath":"${esc('side')}"}]`);
    const last = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    expect(annotationOf(run(last, { remove: true, fromImage: 'app:latest' }))).toBe('null');
  });

  it('--from-config --remove pauses a Deployment', () => {
    expect(run(deploy(), { remove: true, fromConfig: true }).changes).toContainEqual({ path: ['spec', 'paused'], from: undefined, to: true });
  });

  it('--remove-all writes null and pauses a Deployment', () => {
    const target = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    expect(run(target, { removeAll: true }).changes).toEqual([
      { path: ['metadata', 'annotations', TRIGGER_ANNOTATION], from: expect.any(String), to: 'null' },
      { path: ['spec', 'paused'], from: undefined, to: true },
    ]);
  });

  it('pausing a Deployment warns what that means under GitOps and how to undo it (oc behaviour kept)', () => {
    const target = deploy({ annotation: [imageStreamTagTrigger('app', 'latest', byName('web'))] });
    const [warning] = run(target, { removeAll: true }).warnings;
    expect(warning).toMatch(/^warning: deployments\/web: spec\.paused is now true .*Argo CD or Flux.* stops rolling out\. Undo with: tagstream set triggers deployment\/web --from-config --auto$/);
    expect(run(deploy(), { remove: true, fromConfig: true }).warnings).toHaveLength(1);
    // unpausing, and kinds without spec.paused, say nothing
    expect(run(deploy(), { fromConfig: true }).warnings).toEqual([]);
    expect(run(workload('StatefulSet', 'db', { containers: [{ name: 'web' }] }), { removeAll: true }).warnings).toEqual([]);
  });

  it('works on a CronJob with its own pod spec path', () => {
    const cj = workload('CronJob', 'nightly', { containers: [{ name: 'job' }] });
    expect(annotationOf(run(cj, { fromImage: 'app:latest', containers: 'job' }))).toBe(
      '[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"job\\")].image"}]',
    );
  });
});

function dc(triggers: unknown, containers: readonly string[] = ['web', 'side']): TriggerTarget {
  return {
    kind: 'DeploymentConfig',
    name: 'app',
    namespace: 'ns',
    object: {
      kind: 'DeploymentConfig',
      metadata: { name: 'app', namespace: 'ns' },
      spec: { template: { spec: { containers: containers.map((name) => ({ name, image: '' })) } }, ...(triggers === undefined ? {} : { triggers }) },
    },
  };
}

const ICT = (from: string, names: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'ImageChange',
  imageChangeParams: { automatic: true, containerNames: names, from: { kind: 'ImageStreamTag', name: from }, ...extra },
});

describe('setTriggers on DeploymentConfigs (native spec.triggers)', () => {
  it('adds an ImageChange trigger after ConfigChange', () => {
    const r = run(dc([{ type: 'ConfigChange' }]), { fromImage: 'app:latest', containers: 'web' });
    expect(r.changes).toEqual([
      {
        path: ['spec', 'triggers'],
        from: [{ type: 'ConfigChange' }],
        to: [{ type: 'ConfigChange' }, ICT('app:latest', ['web'])],
      },
    ]);
    expect(r.message).toBe('deploymentconfig.apps.openshift.io/app triggers updated');
  });

  it('keeps an existing trigger as written (lastTriggeredImage) when it is unchanged', () => {
    const existing = ICT('app:latest', ['web'], { lastTriggeredImage: 'quay.io/x/app@sha256:1' });
    const r = run(dc([{ type: 'ConfigChange' }, existing]), { fromImage: 'db:1', containers: 'side' });
    expect(r.changes[0]?.to).toEqual([existing, { type: 'ConfigChange' }, ICT('db:1', ['side'])]);
  });

  it('an explicit namespace equal to the DC namespace counts as unchanged', () => {
    const existing = { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['web'], from: { kind: 'ImageStreamTag', namespace: 'ns', name: 'app:latest' }, lastTriggeredImage: 'x' } };
    expect(run(dc([existing, { type: 'ConfigChange' }]), { fromConfig: true }).changes).toEqual([]);
  });

  it('--manual turns automatic off and drops ConfigChange', () => {
    const r = run(dc([{ type: 'ConfigChange' }, ICT('app:latest', ['web'])]), { manual: true });
    expect(r.changes[0]?.to).toEqual([{ type: 'ImageChange', imageChangeParams: { containerNames: ['web'], from: { kind: 'ImageStreamTag', name: 'app:latest' } } }]);
  });

  it('--remove-all leaves an empty list (never null, which would default)', () => {
    expect(run(dc([{ type: 'ConfigChange' }, ICT('app:latest', ['web'])]), { removeAll: true }).changes[0]?.to).toEqual([]);
  });

  it('a cross-namespace source keeps its namespace', () => {
    const r = run(dc([]), { fromImage: 'shared/db:15', containers: 'web,side' });
    expect(r.changes[0]?.to).toEqual([
      { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['web', 'side'], from: { kind: 'ImageStreamTag', namespace: 'shared', name: 'db:15' } } },
    ]);
  });

  it.each<[SetTriggersFlags, string]>([
    [{ fromGithub: true }, 'deployment configs do not support GitHub web hooks'],
    [{ fromWebhook: true }, 'deployment configs do not support web hooks'],
    [{ fromGitlab: true }, 'deployment configs do not support GitLab web hooks'],
    [{ fromBitbucket: true }, 'deployment configs do not support Bitbucket web hooks'],
    [{ fromImage: 'app:latest' }, 'you must specify --containers when setting --from-image'],
    [{ fromImage: 'app:latest', containers: 'nope' }, 'not all container names exist: nope (accepts: side, web)'],
  ])('error %j', (flags, message) => {
    expect(usageError(() => run(dc([{ type: 'ConfigChange' }]), flags))).toBe(message);
  });
});

describe('listTriggers: NAME TYPE VALUE AUTO rows', () => {
  it('a Deployment: config row from spec.paused, one image row per trigger', () => {
    const target = deploy({
      annotation: [imageStreamTagTrigger('app', 'latest', byName('web')), imageStreamTagTrigger('db', '1', byName('side'), 'other', true)],
      spec: { paused: true },
    });
    expect(listTriggers(target)).toEqual([
      { name: 'deployments/web', type: 'config', value: '', auto: false },
      { name: 'deployments/web', type: 'image', value: 'app:latest (web)', auto: true },
      { name: 'deployments/web', type: 'image', value: 'other/db:1 (side)', auto: false },
    ]);
  });

  it('a DeploymentConfig lists all container names', () => {
    expect(listTriggers(dc([{ type: 'ConfigChange' }, ICT('app:latest', ['web', 'side'], { automatic: false })]))).toEqual([
      { name: 'deploymentconfigs/app', type: 'config', value: '', auto: true },
      { name: 'deploymentconfigs/app', type: 'image', value: 'app:latest (web, side)', auto: false },
    ]);
  });

  it('an undecodable object prints <error>', () => {
    expect(listTriggers(deploy({ annotation: '{"not":"a list"}' }))).toEqual([{ name: 'deployments/web', type: '<error>', value: '', auto: false }]);
    expect(listTriggers(workload('Job', 'j'))).toEqual([{ name: 'jobs/j', type: '<error>', value: '', auto: false }]);
  });

  it('a DaemonSet config row is always true', () => {
    expect(listTriggers(workload('DaemonSet', 'd', { spec: { paused: true } }))).toEqual([{ name: 'daemonsets/d', type: 'config', value: '', auto: true }]);
  });
});
