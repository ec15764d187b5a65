import { describe, expect, it } from 'vitest';
import { imageInfoJson, manifestListMessage, renderImageInfo } from '../../../../src/cli/render/image-info.js';
import { D3, META, NOW } from './fixtures.js';

describe('renderImageInfo (oc image info)', () => {
  it('a tagged reference prints Digest and every field', () => {
    expect(renderImageInfo({ name: 'quay.io/sclorg/ruby-33-c9s:latest', meta: META }, NOW)).toBe(
      [
        'Name:          quay.io/sclorg/ruby-33-c9s:latest',
        `Digest:        ${D3}`,
        'Media Type:    application/vnd.oci.image.manifest.v1+json',
        'Created:       2d ago',
        'Image Size:    72.85MB in 2 layers',
        `Layers:        72.85MB sha256:${'a'.repeat(64)}`,
        `               1.5kB   sha256:${'b'.repeat(64)}`,
        'OS:            linux',
        'Arch:          amd64',
        'Author:        SCLorg <sclorg@redhat.com>',
        'Entrypoint:    container-entrypoint',
        'Command:       /bin/sh -c $STI_SCRIPTS_PATH/usage',
        'Working Dir:   /opt/app-root/src',
        'User:          1001',
        'Exposes Ports: 443/tcp, 8080/tcp',
        'Environment:   PATH=/usr/bin',
        '               RUBY_VERSION=3.3',
        'Labels:        io.k8s.display-name=Ruby 3.3',
        '               name=sclorg/ruby-33-c9s',
        'Volumes:       /data',
        '',
        '',
      ].join('\n'),
    );
  });

  it('a digest reference omits Digest; an image picked from an index shows Manifest List', () => {
    const out = renderImageInfo({ name: `quay.io/x@${D3}`, referenceDigest: D3, listDigest: `sha256:${'f'.repeat(64)}`, meta: { digest: D3, mediaType: 'm' } }, NOW);
    expect(out).toBe(
      [
        `Name:          quay.io/x@${D3}`,
        `Manifest List: sha256:${'f'.repeat(64)}`,
        'Media Type:    m',
        'Created:       <unknown>',
        'Layer Size:    0B',
        'OS:            ',
        'Arch:          ',
        'Command:       <none>',
        '',
        '',
      ].join('\n'),
    );
  });

  it('lists the platforms of an index', () => {
    expect(
      manifestListMessage([
        { digest: 'sha256:aa', mediaType: 'm', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:bb', mediaType: 'm', size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ]),
    ).toBe(
      'the image is a manifest list and contains multiple images - use --filter-by-os to select from:\n\n  OS             DIGEST\n  linux/amd64    sha256:aa\n  linux/arm64/v8 sha256:bb\n\n',
    );
  });

  it('-o json has the shape of oc info.Image', () => {
    const doc = JSON.parse(imageInfoJson({ name: 'quay.io/x:1', meta: META })) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['name', 'digest', 'contentDigest', 'listDigest', 'mediaType', 'layers', 'config']);
    expect(doc['layers']).toEqual(META.layers?.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })));
    expect((doc['config'] as Record<string, unknown>)['config']).toMatchObject({ User: '1001', ExposedPorts: { '8080/tcp': {}, '443/tcp': {} }, Volumes: { '/data': {} } });
  });
});
