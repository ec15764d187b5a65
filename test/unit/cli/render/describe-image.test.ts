import { describe, expect, it } from 'vitest';
import type { ImageMetadata } from '../../../../src/ports/registry.js';
import { describeImageStreamTag, imageSize } from '../../../../src/cli/render/describe-image.js';
import { istagsOf } from '../../../../src/domain/image-stream-tag-view.js';
import { D3, META, NOW, ruby } from './fixtures.js';

const view = istagsOf(ruby, 'apps').find((v) => v.tag === '3.3');
if (!view) throw new Error('fixture has ruby:3.3');


describe('describeImageStreamTag (oc describe istag)', () => {
  it('without registry metadata prints what the repository holds', () => {
    expect(describeImageStreamTag(view, undefined, NOW)).toBe(
      `Image Name:\t${D3}\nDocker Image:\tquay.io/sclorg/ruby-33-c9s@${D3}\nName:\t\t${D3}\nCreated:\t21 hours ago\n`,
    );
  });

  it('with metadata: sizes, layers, config, sorted ports and labels', () => {
    expect(describeImageStreamTag(view, META, NOW)).toBe(
      [
        `Image Name:\t${D3}`,
        `Docker Image:\tquay.io/sclorg/ruby-33-c9s@${D3}`,
        `Name:\t\t${D3}`,
        'Created:\t21 hours ago',
        'Image Size:\t72.85MB in 2 layers',
        `Layers:\t\t72.85MB\tsha256:${'a'.repeat(64)}`,
        `\t\t1.5kB\tsha256:${'b'.repeat(64)}`,
        'Image Created:\t2 days ago',
        'Author:\t\tSCLorg <sclorg@redhat.com>',
        'Arch:\t\tamd64',
        'Entrypoint:\tcontainer-entrypoint',
        'Command:\t/bin/sh -c $STI_SCRIPTS_PATH/usage',
        'Working Dir:\t/opt/app-root/src',
        'User:\t\t1001',
        'Exposes Ports:\t443/tcp, 8080/tcp',
        'Docker Labels:\tio.k8s.display-name=Ruby 3.3',
        '\t\tname=sclorg/ruby-33-c9s',
        'Environment:\tPATH=/usr/bin',
        '\t\tRUBY_VERSION=3.3',
        'Volumes:\t/data',
        '',
      ].join('\n'),
    );
  });

  it('an index: Layer Size, Manifests, empty Command', () => {
    const index: ImageMetadata = {
      digest: D3,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: `sha256:${'c'.repeat(64)}`, mediaType: 'm', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: `sha256:${'d'.repeat(64)}`, mediaType: 'm', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ],
      size: 1234,
    };
    const out = describeImageStreamTag(view, index, NOW);
    expect(out).toContain('Layer Size:\t1.234kB\n');
    expect(out).toContain(`Manifests:\tlinux/amd64\tsha256:${'c'.repeat(64)}\n\t\tlinux/arm/v7\tsha256:${'d'.repeat(64)}\n`);
    expect(out).toContain('Command:\t<none>\n');
    // no config, so no creation time: never Go's zero time ("292 years ago")
    expect(out).toContain('Image Created:\t<none>\n');
    expect(out).not.toContain('292 years');
  });

  it('a single layer is listed with its size and digest too', () => {
    const one: ImageMetadata = { ...META, layers: [{ digest: `sha256:${'e'.repeat(64)}`, size: 2048, mediaType: 'm' }], size: 4096 };
    const out = describeImageStreamTag(view, one, NOW);
    expect(out).toContain('Image Size:\t4.096kB in 1 layer\n');
    expect(out).toContain(`Layers:\t\t2.048kB\tsha256:${'e'.repeat(64)}\n`);
  });

  it('size falls back to the sum of layers', () => {
    expect(imageSize({ ...META, size: undefined })).toBe(72_851_500);
  });
});
