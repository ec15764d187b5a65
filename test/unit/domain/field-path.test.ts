import { describe, expect, it } from 'vitest';
import { containerNameFieldPath, findContainer, parseFieldPath, type FieldPathParse } from '../../../src/domain/field-path.js';
import {
  ANNOTATION_TRIGGER_KINDS,
  allContainers,
  openshiftWatches,
  podSpecFieldPath,
  podTemplateMetadataPath,
} from '../../../src/domain/pod-spec.js';

const T = 'spec.template.spec';

describe('parseFieldPath', () => {
  it.each<[string, FieldPathParse]>([
    [`${T}.containers[0].image`, { kind: 'container', path: { podSpecPath: T, list: 'containers', selector: { index: 0 } } }],
    [`${T}.initContainers[2].image`, { kind: 'container', path: { podSpecPath: T, list: 'initContainers', selector: { index: 2 } } }],
    [`${T}.containers[?(@.name=="web")].image`, { kind: 'container', path: { podSpecPath: T, list: 'containers', selector: { name: 'web' } } }],
    [
      `${T}.initContainers[?(@.name=="init-db")].image`,
      { kind: 'container', path: { podSpecPath: T, list: 'initContainers', selector: { name: 'init-db' } } },
    ],
    // Go's parser strips one optional "." before the remainder.
    [`${T}.containers[1]image`, { kind: 'container', path: { podSpecPath: T, list: 'containers', selector: { index: 1 } } }],
    // strconv.Atoi accepts a sign.
    [`${T}.containers[+1].image`, { kind: 'container', path: { podSpecPath: T, list: 'containers', selector: { index: 1 } } }],
  ])('accepts %s', (path, expected) => {
    expect(parseFieldPath(path, T)).toEqual(expected);
  });

  it.each([
    ['another pod spec path', 'spec.containers[0].image'],
    ['CronJob path on a Deployment', 'spec.jobTemplate.spec.template.spec.containers[0].image'],
    ['no dot after the spec path', `${T}containers[0].image`],
    ['empty', ''],
  ])('skips (outside) %s', (_name, path) => {
    expect(parseFieldPath(path, T)).toEqual({ kind: 'outside' });
  });

  it.each([
    ['no container list', `${T}.volumes[0].image`],
    ['no closing bracket', `${T}.containers[?(@.name=="web").image`],
    ['remainder not image', `${T}.containers[0].name`],
    ['no remainder', `${T}.containers[?(@.name=="test")]`],
    ['two dots', `${T}.containers[0]..image`],
    ['remainder after image', `${T}.containers[0].image.tag`],
  ])('rejects %s with "field path is not valid"', (_name, path) => {
    expect(parseFieldPath(path, T)).toEqual({ kind: 'invalid', message: `field path is not valid: ${path}` });
  });

  it.each([
    ['single quotes', `${T}.containers[?(@.name=='web')].image`],
    ['[@name==...]', `${T}.containers[@name=="web"].image`],
    ['[@.name=x]', `${T}.containers[@.name=test].image`],
    ['empty brackets', `${T}.containers[].image`],
    ['a word', `${T}.containers[web].image`],
  ])('a malformed selector (%s) never matches: "no such container"', (_name, path) => {
    expect(parseFieldPath(path, T)).toEqual({ kind: 'unmatchable', message: `no such container: ${path}` });
  });

  it('whitespace in the filter is read as part of a name (Go TrimSuffix), so no container matches', () => {
    const p = parseFieldPath(`${T}.containers[?(@.name == "web")].image`, T);
    expect(p).toEqual({ kind: 'container', path: { podSpecPath: T, list: 'containers', selector: { name: '?(@.name == "web' } } });
  });

  it('never evaluates script filters', () => {
    const path = `${T}.containers[?(@.name==(() => { throw new Error("ran") })())].image`;
    expect(() => parseFieldPath(path, T)).not.toThrow();
    expect(parseFieldPath(path, T).kind).not.toBe('container');
  });
});

describe('findContainer', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          initContainers: [{ name: 'shared', image: 'init-a' }, { name: 'setup', image: 'init-b' }],
          containers: [{ name: 'web', image: 'web-img' }, { name: 'shared', image: 'main-shared' }, { image: 'unnamed' }],
        },
      },
    },
  };
  const find = (path: string): unknown => {
    const p = parseFieldPath(path, T);
    if (p.kind !== 'container') throw new Error(p.kind);
    return findContainer(deployment, 'Deployment', p.path)?.image;
  };

  it.each([
    ['index respects containers', `${T}.containers[0].image`, 'web-img'],
    ['index respects initContainers', `${T}.initContainers[0].image`, 'init-a'],
    ['name searches initContainers first', `${T}.containers[?(@.name=="shared")].image`, 'init-a'],
    ['name ignores the list prefix', `${T}.initContainers[?(@.name=="web")].image`, 'web-img'],
    ['name finds an init container through containers[...]', `${T}.containers[?(@.name=="setup")].image`, 'init-b'],
    ['unnamed container by index', `${T}.containers[2].image`, 'unnamed'],
    ['index out of range', `${T}.containers[3].image`, undefined],
    ['negative index', `${T}.containers[-1].image`, undefined],
    ['unknown name', `${T}.containers[?(@.name=="nope")].image`, undefined],
  ])('%s', (_name, path, expected) => {
    expect(find(path)).toBe(expected);
  });

  it('gives the image path from the object root', () => {
    const p = parseFieldPath(`${T}.containers[?(@.name=="setup")].image`, T);
    if (p.kind !== 'container') throw new Error(p.kind);
    expect(findContainer(deployment, 'Deployment', p.path)?.imagePath).toEqual(['spec', 'template', 'spec', 'initContainers', 1, 'image']);
  });
});

describe('pod spec paths', () => {
  it.each([
    ['Pod', 'spec', undefined],
    ['Deployment', T, ['spec', 'template', 'metadata']],
    ['StatefulSet', T, ['spec', 'template', 'metadata']],
    ['DaemonSet', T, ['spec', 'template', 'metadata']],
    ['ReplicaSet', T, ['spec', 'template', 'metadata']],
    ['ReplicationController', T, ['spec', 'template', 'metadata']],
    ['Job', T, ['spec', 'template', 'metadata']],
    ['DeploymentConfig', T, ['spec', 'template', 'metadata']],
    ['CronJob', 'spec.jobTemplate.spec.template.spec', ['spec', 'jobTemplate', 'spec', 'template', 'metadata']],
    ['ConfigMap', undefined, undefined],
  ])('%s', (kind, specPath, templateMeta) => {
    expect(podSpecFieldPath(kind)).toBe(specPath);
    expect(podTemplateMetadataPath(kind)).toEqual(templateMeta);
  });

  it('says which kinds OpenShift watches for the annotation', () => {
    expect(ANNOTATION_TRIGGER_KINDS.filter(openshiftWatches)).toEqual(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']);
    expect(['Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'DeploymentConfig'].some(openshiftWatches)).toBe(false);
  });

  it('lists a CronJob containers (init first) with their paths', () => {
    const cj = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }], initContainers: [{ name: 'i' }] } } } } } };
    expect(allContainers(cj, 'CronJob').map((c) => [c.name, c.imagePath.join('.')])).toEqual([
      ['i', 'spec.jobTemplate.spec.template.spec.initContainers.0.image'],
      ['c', 'spec.jobTemplate.spec.template.spec.containers.0.image'],
    ]);
  });

  it('writes the canonical oc fieldPath', () => {
    expect(containerNameFieldPath(T, 'web')).toBe('spec.template.spec.containers[?(@.name=="web")].image');
  });
});
