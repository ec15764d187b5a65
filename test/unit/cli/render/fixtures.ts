/** Small ImageStreams shared by the renderer tests (the same shapes as test/fixtures/cli/basic). */
import type { ImageStream } from '../../../../src/domain/image-stream.js';
import type { ImageMetadata } from '../../../../src/ports/registry.js';

export const NOW = new Date('2026-11-21T06:00:00Z');
export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;
export const D3 = `sha256:${'3'.repeat(64)}`;

export const ruby: ImageStream = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'ruby', namespace: 'apps', generation: 4 },
  spec: {
    lookupPolicy: { local: true },
    tags: [
      {
        name: '3.3',
        annotations: { description: 'Ruby 3.3 runtime', tags: 'builder,ruby', supports: 'ruby:3.3,ruby', sampleRepo: 'https://github.com/sclorg/ruby-ex.git' },
        from: { kind: 'DockerImage', name: 'quay.io/sclorg/ruby-33-c9s:latest' },
        generation: 3,
        importPolicy: { scheduled: true, importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
      { name: 'latest', from: { kind: 'ImageStreamTag', name: '3.3' }, generation: 2, referencePolicy: { type: 'Source' } },
      {
        name: '3.1',
        from: { kind: 'DockerImage', name: 'quay.io/sclorg/ruby-31-c9s:latest' },
        generation: 4,
        importPolicy: { insecure: true },
        referencePolicy: { type: 'Local' },
      },
    ],
  },
  status: {
    dockerImageRepository: 'image-registry.openshift-image-registry.svc:5000/apps/ruby',
    tags: [
      {
        tag: '3.1',
        items: [{ created: '2026-11-01T10:00:00Z', dockerImageReference: `quay.io/sclorg/ruby-31-c9s@${D1}`, image: D1, generation: 2 }],
        conditions: [
          {
            type: 'ImportSuccess',
            status: 'False',
            lastTransitionTime: '2026-11-20T12:00:00Z',
            reason: 'NotFound',
            message: 'dockerimage.image.openshift.io "quay.io/sclorg/ruby-31-c9s:latest" not found',
            generation: 2,
          },
        ],
      },
      {
        tag: '3.3',
        items: [
          { created: '2026-11-20T09:00:00Z', dockerImageReference: `quay.io/sclorg/ruby-33-c9s@${D3}`, image: D3, generation: 3 },
          { created: '2026-10-01T09:00:00Z', dockerImageReference: `quay.io/sclorg/ruby-33-c9s@${D2}`, image: D2, generation: 1 },
        ],
      },
      {
        tag: 'latest',
        items: [{ created: '2026-11-20T09:00:00Z', dockerImageReference: `quay.io/sclorg/ruby-33-c9s@${D3}`, image: D3, generation: 2 }],
      },
    ],
  },
};

/** A stream with only spec tags and the given status tag names (each with one event at `created`). */
export function streamWithTags(name: string, tags: readonly { tag: string; created?: string }[]): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name },
    spec: {},
    status: {
      tags: tags.map((t) => ({
        tag: t.tag,
        items: t.created ? [{ created: t.created, dockerImageReference: `example.com/${name}@${D1}`, image: D1, generation: 1 }] : [],
      })),
    },
  };
}

/** Registry metadata of ruby:3.3's image. */
export const META: ImageMetadata = {
  digest: D3,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  created: '2026-11-19T06:00:00Z',
  author: 'SCLorg <sclorg@redhat.com>',
  architecture: 'amd64',
  os: 'linux',
  entrypoint: ['container-entrypoint'],
  cmd: ['/bin/sh', '-c', '$STI_SCRIPTS_PATH/usage'],
  env: ['PATH=/usr/bin', 'RUBY_VERSION=3.3'],
  workingDir: '/opt/app-root/src',
  user: '1001',
  exposedPorts: ['8080/tcp', '443/tcp'],
  labels: { 'io.k8s.display-name': 'Ruby 3.3', name: 'sclorg/ruby-33-c9s' },
  volumes: ['/data'],
  layers: [
    { digest: `sha256:${'a'.repeat(64)}`, size: 72_850_000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
    { digest: `sha256:${'b'.repeat(64)}`, size: 1_500, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
  ],
  size: 72_853_000,
};
