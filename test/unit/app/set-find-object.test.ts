import { describe, expect, it } from 'vitest';
import { objectNotFound, parseObjectArgs, type ObjectSelector } from '../../../src/app/find-object.js';
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
    expect(parseObjectArgs(args, all)).toEqual(want);
  });

  it.each<[string[], boolean, string]>([
    [[], false, 'you must provide one or more resources by argument or filename'],
    [['deploy'], false, 'resource(s) were provided, but no name was specified'],
    [['widget/x'], false, 'the server doesn\'t have a resource type "widget"'],
    [['deploy/'], false, 'arguments in resource/name form must have a single resource and name: "deploy/"'],
    [['deploy/web'], true, '--all may not be used with arguments in resource/name form'],
    [['deploy', 'web'], true, '--all may not be used with object names'],
    [['deploy,dc', 'web'], false, 'only one resource type may be given with names'],
    [['deploy', 'dc/web'], false, "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'tagstream set triggers deployment/x' instead of 'tagstream set triggers deployment deployment/x')"],
  ])('%j (all=%s) -> %s', (args, all, message) => {
    expect(() => parseObjectArgs(args, all)).toThrow(new UsageError(message));
  });
});

describe('objectNotFound: oc wording per kind', () => {
  it.each<[string, string]>([
    ['Deployment', 'deployments.apps "x" not found'],
    ['DeploymentConfig', 'deploymentconfigs.apps.openshift.io "x" not found'],
    ['CronJob', 'cronjobs.batch "x" not found'],
    ['Pod', 'pods "x" not found'],
    ['ImageStream', 'imagestreams.image.openshift.io "x" not found'],
  ])('%s', (kind, message) => {
    const e = objectNotFound(kind, 'x');
    expect([e.code, e.message]).toEqual(['NotFound', message]);
  });
});
