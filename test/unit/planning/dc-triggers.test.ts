import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyDeploymentConfigTriggers, readDeploymentConfigTriggers } from '../../../src/planning/dc-triggers.js';
import type { TriggerWorkload } from '../../../src/planning/apply-triggers.js';
import { D1, D2, D3, index, stream } from './apply-triggers.fixtures.js';

const REF1 = `quay.io/x/app@${D1}`;
const REF2 = `quay.io/x/app@${D2}`;
const DB = `quay.io/x/db@${D3}`;

const streams = index(
  stream('ns', 'app', [
    { tag: 'latest', items: [[REF2, D2], [REF1, D1]] },
    { tag: 'local', items: [[REF2, D2]], local: true },
    { tag: 'pending' },
  ]),
  stream('shared', 'db', [{ tag: '15', items: [[DB, D3]] }]),
);

interface IctSpec {
  readonly from: string;
  readonly names: readonly string[];
  readonly automatic?: boolean;
  readonly namespace?: string;
  readonly kind?: string;
  readonly last?: string;
}

function dc(triggers: readonly (IctSpec | 'config')[], containers: Record<string, string>, init: Record<string, string> = {}): TriggerWorkload {
  const object = {
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    metadata: { name: 'app', namespace: 'ns' },
    spec: {
      template: {
        spec: {
          initContainers: Object.entries(init).map(([name, image]) => ({ name, image })),
          containers: Object.entries(containers).map(([name, image]) => ({ name, image })),
        },
      },
      triggers: triggers.map((t) =>
        t === 'config'
          ? { type: 'ConfigChange' }
          : {
              type: 'ImageChange',
              imageChangeParams: {
                ...(t.automatic === undefined ? { automatic: true } : { automatic: t.automatic }),
                containerNames: t.names,
                from: { ...(t.kind === undefined ? { kind: 'ImageStreamTag' } : t.kind === '' ? {} : { kind: t.kind }), name: t.from, ...(t.namespace ? { namespace: t.namespace } : {}) },
                ...(t.last !== undefined ? { lastTriggeredImage: t.last } : {}),
              },
            },
      ),
    },
  };
  return { kind: 'DeploymentConfig', name: 'app', namespace: 'ns', object, site: { location: { file: 'dc.yaml', line: 1, col: 1 } } };
}

const LTI = (i: number): (string | number)[] => ['spec', 'triggers', i, 'imageChangeParams', 'lastTriggeredImage'];

describe('applyDeploymentConfigTriggers (§5.6)', () => {
  it('writes lastTriggeredImage and every named container', () => {
    const plan = applyDeploymentConfigTriggers(dc(['config', { from: 'app:latest', names: ['web', 'init'] }], { web: '' }, { init: ' ' }), streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => [c.path.join('.'), c.from, c.to, c.container])).toEqual([
      [LTI(1).join('.'), undefined, REF2, 'lastTriggeredImage'],
      ['spec.template.spec.containers.0.image', '', REF2, 'web'],
      ['spec.template.spec.initContainers.0.image', ' ', REF2, 'init'],
    ]);
    expect(plan.changes.every((c) => c.trigger === 'ns/app:latest')).toBe(true);
  });

  it('is all-or-nothing until every automatic trigger has resolved once', () => {
    const w = dc([{ from: 'app:latest', names: ['web'] }, { from: 'app:pending', names: ['side'] }], { web: '', side: '' });
    const plan = applyDeploymentConfigTriggers(w, streams);
    expect(plan.changes).toEqual([]);
    expect(plan.errors).toEqual([]);
    expect(plan.skipped.at(-1)?.reason).toBe('unresolved');
  });

  it('once resolved before, an unresolvable trigger keeps lastTriggeredImage and the rest proceeds', () => {
    const w = dc([{ from: 'app:latest', names: ['web'] }, { from: 'app:pending', names: ['side'], last: 'old/side@x' }], { web: '', side: 'manual' });
    const plan = applyDeploymentConfigTriggers(w, streams);
    expect(plan.changes.map((c) => [c.container, c.to])).toEqual([
      ['lastTriggeredImage', REF2],
      ['web', REF2],
      ['side', 'old/side@x'],
    ]);
  });

  it('skips automatic: false triggers (and they do not block the others)', () => {
    const w = dc([{ from: 'app:latest', names: ['web'] }, { from: 'app:pending', names: ['side'], automatic: false }], { web: '', side: '' });
    const plan = applyDeploymentConfigTriggers(w, streams);
    expect(plan.changes.map((c) => c.container)).toEqual(['lastTriggeredImage', 'web']);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['paused']);
  });

  it('ignores unknown container names but still moves lastTriggeredImage', () => {
    const plan = applyDeploymentConfigTriggers(dc([{ from: 'app:latest', names: ['ghost'] }], { web: 'x' }), streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => c.container)).toEqual(['lastTriggeredImage']);
  });

  it('defaults from.namespace to the DC namespace, and follows an explicit one', () => {
    const plan = applyDeploymentConfigTriggers(dc([{ from: 'db:15', names: ['db'], namespace: 'shared' }], { db: '' }), streams);
    expect(plan.changes.map((c) => [c.to, c.trigger])).toEqual([
      [DB, 'shared/db:15'],
      [DB, 'shared/db:15'],
    ]);
    expect(applyDeploymentConfigTriggers(dc([{ from: 'db:15', names: ['db'] }], { db: '' }), streams).changes).toEqual([]);
  });

  it('defaults from.kind to ImageStreamTag', () => {
    const plan = applyDeploymentConfigTriggers(dc([{ from: 'app:latest', names: ['web'], kind: '' }], { web: '' }), streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes).toHaveLength(2);
  });

  it('writes nothing when everything is current', () => {
    const plan = applyDeploymentConfigTriggers(dc([{ from: 'app:latest', names: ['web'], last: REF2 }], { web: REF2 }), streams);
    expect(plan.changes).toEqual([]);
  });

  it('uses the Local pull spec for referencePolicy Local', () => {
    const plan = applyDeploymentConfigTriggers(dc([{ from: 'app:local', names: ['web'] }], { web: '' }), streams, {
      localRepository: (ns, s) => `registry.local/${ns}/${s}`,
    });
    expect(plan.changes.map((c) => c.to)).toEqual([`registry.local/ns/app@${D2}`, `registry.local/ns/app@${D2}`]);
  });

  it.each([
    [{ from: 'app:latest', names: ['web'], kind: 'DockerImage' }, 'spec.triggers[0].imageChangeParams.from.kind: Invalid value: "DockerImage": kind must be an ImageStreamTag'],
    [{ from: 'app', names: ['web'] }, 'spec.triggers[0].imageChangeParams.from.name: Invalid value: "app": must be of the form name:tag'],
    [{ from: 'App_1:x', names: ['web'] }, 'must be of the form name:tag'],
    [{ from: 'app:latest', names: [] }, 'spec.triggers[0].imageChangeParams.containerNames: Required value'],
  ])('rejects an invalid trigger: %j', (trigger, message) => {
    const plan = applyDeploymentConfigTriggers(dc([trigger], { web: '' }), streams);
    expect(plan.changes).toEqual([]);
    expect(plan.errors[0]?.code).toBe('Invalid');
    expect(plan.errors[0]?.reason).toContain(message);
    expect(plan.errors[0]?.reason).toMatch(/^DeploymentConfig ns\/app: /);
  });
});

describe('readDeploymentConfigTriggers', () => {
  it('a DC without triggers defaults to ConfigChange', () => {
    expect(readDeploymentConfigTriggers({ spec: {} })).toEqual({ configChange: true, imageChange: [], problems: [] });
  });

  it('reads a real multi-trigger DC from the corpus (when present)', () => {
    const file = resolve(
      dirname(fileURLToPath(import.meta.url)),
      '../../../../shared/corpus/triggers/openshift__openshift-tests/test__extended__testdata__deployments__multi-ict-deployment.yaml',
    );
    if (!existsSync(file)) return;
    const object = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const read = readDeploymentConfigTriggers(object);
    expect(read.configChange).toBe(true);
    expect(read.problems).toEqual([]);
    expect(read.imageChange.map((t) => [t.automatic, t.containerNames, t.from])).toEqual([
      [true, ['ruby', 'ruby2'], { kind: 'ImageStreamTag', name: 'ruby:latest', namespace: 'openshift' }],
    ]);
    const ruby = index(stream('openshift', 'ruby', [{ tag: 'latest', items: [[`quay.io/x/ruby@${D1}`, D1]] }]));
    const plan = applyDeploymentConfigTriggers({ kind: 'DeploymentConfig', name: 'example', namespace: 'test', object }, ruby);
    expect(plan.changes.map((c) => c.path.join('.'))).toEqual([
      'spec.triggers.1.imageChangeParams.lastTriggeredImage',
      'spec.template.spec.containers.0.image',
      'spec.template.spec.containers.1.image',
    ]);
  });
});
