import { describe, expect, it } from 'vitest';
import { objectNotFound, parseObjectArgs, resolveSelectors, type ObjectSelector } from '../../../src/app/find-object.js';
import type { Inventory } from '../../../src/inventory/inventory-model.js';
import { UsageError } from '../../../src/errors.js';

describe('parseObjectArgs: kubectl argument forms', () => {
  it.each<[string[], boolean, ObjectSelector[]]>([
    [['deployment/web'], false, [{ kind: 'Deployment', name: 'web' }]],
    [['deploy/web', 'dc/x', 'sts/db'], false, [{ kind: 'Deployment', name: 'web' }, { kind: 'DeploymentConfig', name: 'x' }, { kind: 'StatefulSet', name: 'db' }]],
    [['deployments.apps/web'], false, [{ kind: 'Deployment', name: 'web' }]],
    [['daemonset', 'a', 'b'], false, [{ kind: 'DaemonSet', name: 'a' }, { kind: 'DaemonSet', name: 'b' }]],
    [['cronjobs,deployments'], true, [{ kind: 'CronJob' }, { kind: 'Deployment' }]],
    [['is/ruby'], false, [{ kind: 'ImageStream', name: 'ruby' }]],
  ])('%j (all=%s)', (args, all, want) => {
    expect(resolveSelectors(inventoryOf([]), parseObjectArgs(args, all))).toEqual(want);
  });

  it.each<[string[], boolean, string]>([
    [[], false, 'you must provide one or more resources by argument or filename'],
    [['deploy'], false, 'resource(s) were provided, but no name was specified'],
    [['deploy/'], false, 'arguments in resource/name form must have a single resource and name: "deploy/"'],
    [['deploy/web'], true, '--all may not be used with arguments in resource/name form'],
    [['deploy', 'web'], true, '--all may not be used with object names'],
    [['deploy,dc', 'web'], false, 'only one resource type may be given with names'],
    [['deploy', 'dc/web'], false, "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'tagstream set triggers deployment/x' instead of 'tagstream set triggers deployment deployment/x')"],
  ])('%j (all=%s) -> %s', (args, all, message) => {
    expect(() => parseObjectArgs(args, all)).toThrow(new UsageError(message));
  });
});

/** An inventory holding only objects of these apiVersion/kind pairs (what type resolution reads). */
function inventoryOf(objects: readonly [apiVersion: string, kind: string][]): Inventory {
  const workloads = objects.map(([apiVersion, kind], i) => ({ apiVersion, kind, name: `o${i}`, namespace: 'default', namespaceDefaulted: true }));
  return { streams: new Map(), workloads, conflicts: [] } as unknown as Inventory;
}

describe('resolveSelectors: any kind the repository holds, as kubectl resolves resource names', () => {
  const repo = inventoryOf([
    ['example.com/v1', 'Widget'],
    ['batch.example.org/v1', 'NightlyPolicy'],
    ['v1', 'Service'],
    ['serving.knative.dev/v1', 'Service'],
    ['a.example.com/v1', 'Gadget'],
    ['b.example.com/v1', 'Gadget'],
  ]);
  it.each<[string, ObjectSelector]>([
    ['widget/x', { kind: 'Widget', group: 'example.com', name: 'x' }],
    ['widgets/x', { kind: 'Widget', group: 'example.com', name: 'x' }],
    ['Widget/x', { kind: 'Widget', group: 'example.com', name: 'x' }],
    ['widgets.example.com/x', { kind: 'Widget', group: 'example.com', name: 'x' }],
    ['Widget.Example.com/x', { kind: 'Widget', group: 'example.com', name: 'x' }],
    ['widgets.v1.example.com/x', { kind: 'Widget', group: 'example.com', name: 'x' }],
    ['nightlypolicies/x', { kind: 'NightlyPolicy', group: 'batch.example.org', name: 'x' }],
    ['service/x', { kind: 'Service', group: '', name: 'x' }],
    ['ksvc/x', { kind: 'Service', group: 'serving.knative.dev', name: 'x' }],
    ['services.serving.knative.dev/x', { kind: 'Service', group: 'serving.knative.dev', name: 'x' }],
    ['gadgets.b.example.com/x', { kind: 'Gadget', group: 'b.example.com', name: 'x' }],
    ['clonesets.apps.kruise.io/x', { kind: 'CloneSet', group: 'apps.kruise.io', name: 'x' }],
    ['deploy/x', { kind: 'Deployment', name: 'x' }],
  ])('%s', (arg, want) => {
    expect(resolveSelectors(repo, parseObjectArgs([arg], false))).toEqual([want]);
  });

  it.each<[string, string]>([
    ['widget/x', 'the server doesn\'t have a resource type "widget"'],
    ['widgets.other.io/x', 'the server doesn\'t have a resource type "widgets.other.io"'],
    ['gadgets/x', 'resource type "gadgets" is ambiguous: it names gadgets.a.example.com, gadgets.b.example.com; qualify it with the group (e.g. gadgets.a.example.com/NAME)'],
  ])('%s -> %s', (arg, message) => {
    const inventory = arg.startsWith('widget/') ? inventoryOf([]) : repo;
    expect(() => resolveSelectors(inventory, parseObjectArgs([arg], false))).toThrow(new UsageError(message));
  });
});

describe('objectNotFound: oc wording per kind', () => {
  it.each<[string, string]>([
    ['Deployment', 'deployments.apps "x" not found'],
    ['DeploymentConfig', 'deploymentconfigs.apps.openshift.io "x" not found'],
    ['CronJob', 'cronjobs.batch "x" not found'],
    ['Pod', 'pods "x" not found'],
    ['ImageStream', 'imagestreams.image.openshift.io "x" not found'],
    ['Widget', 'widgets.example.com "x" not found'],
    ['NightlyPolicy', 'nightlypolicies.example.com "x" not found'],
  ])('%s', (kind, message) => {
    const e = objectNotFound(kind, 'x', 'example.com');
    expect([e.code, e.message]).toEqual(['NotFound', message]);
  });
});
