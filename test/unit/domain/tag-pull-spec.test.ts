/** One tag -> pull spec function (#11.2): triggers, lookup and update targets get the same answer. */
import { describe, expect, it } from 'vitest';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { resolveTagPullSpec } from '../../../src/domain/resolve-tag.js';
import { resolveLatestTaggedImage } from '../../../src/planning/apply-triggers.js';

const D = `sha256:${'a'.repeat(64)}`;

function stream(policy: 'Local' | 'Source', statusRepository?: string, namespace?: string): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ruby', ...(namespace ? { namespace } : {}) },
    spec: { tags: [{ name: '3', from: { kind: 'DockerImage', name: 'quay.io/o/ruby:3' }, referencePolicy: { type: policy } }] },
    status: {
      ...(statusRepository ? { dockerImageRepository: statusRepository } : {}),
      tags: [{ tag: '3', items: [{ created: '2026-11-01T00:00:00Z', dockerImageReference: `quay.io/o/ruby@${D}`, image: D, generation: 1 }] }],
    },
  } as ImageStream;
}

const localRepository = (ns: string, name: string) => `local.example:5000/${ns}/${name}`;

describe('tag -> pull spec', () => {
  it.each<[string, ImageStream, string]>([
    ['Source policy: the recorded reference', stream('Source', 'image-registry.svc:5000/shop/ruby', 'shop'), `quay.io/o/ruby@${D}`],
    ['Local policy with status.dockerImageRepository: the status repository, as OpenShift', stream('Local', 'image-registry.svc:5000/shop/ruby', 'shop'), `image-registry.svc:5000/shop/ruby@${D}`],
    ['Local policy without it: the configured local registry', stream('Local', undefined, 'shop'), `local.example:5000/shop/ruby@${D}`],
    ['Local policy, namespace from defaultNamespace', stream('Local'), `local.example:5000/shop/ruby@${D}`],
  ])('%s; both entry points agree', (_name, s, expected) => {
    expect(resolveTagPullSpec(s, '3', { namespace: 'shop', localRegistry: 'local.example:5000' })).toBe(expected);
    expect(resolveLatestTaggedImage(s, 'shop', '3', { localRepository })?.reference).toBe(expected);
  });
});
