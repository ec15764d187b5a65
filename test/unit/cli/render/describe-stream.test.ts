import { describe, expect, it } from 'vitest';
import type { ImageStream } from '../../../../src/domain/image-stream.js';
import { describeImageStream } from '../../../../src/cli/render/describe-stream.js';
import { D1, D2, D3, NOW, ruby } from './fixtures.js';

describe('describeImageStream (oc describe is)', () => {
  it('prints meta, alias grouping, scheduled source, annotations, pending import, failed condition and history', () => {
    expect(describeImageStream(ruby, 'apps', NOW)).toBe(
      [
        'Name:\t\t\truby',
        'Namespace:\t\tapps',
        'Labels:\t\t\t<none>',
        'Annotations:\t\t<none>',
        'Image Repository:\timage-registry.openshift-image-registry.svc:5000/apps/ruby',
        'Image Lookup:\t\tlocal=true',
        'Unique Images:\t\t3',
        'Tags:\t\t\t3',
        '',
        '3.3 (latest)',
        '  updates automatically from registry quay.io/sclorg/ruby-33-c9s:latest',
        '',
        '  Ruby 3.3 runtime',
        '  Tags: builder, ruby',
        '  Supports: ruby:3.3, ruby',
        '  Example Repo: https://github.com/sclorg/ruby-ex.git',
        '',
        `  * quay.io/sclorg/ruby-33-c9s@${D3}`,
        '      21 hours ago',
        `    quay.io/sclorg/ruby-33-c9s@${D2}`,
        '      7 weeks ago',
        '',
        '3.1',
        '  tagged from quay.io/sclorg/ruby-31-c9s:latest',
        '    will use insecure HTTPS or HTTP connections',
        '    prefer registry pullthrough when referencing this tag',
        '',
        '  ~ importing latest image ...',
        '  ! error: Import failed (NotFound): dockerimage.image.openshift.io "quay.io/sclorg/ruby-31-c9s:latest" not found',
        '      18 hours ago',
        `  * quay.io/sclorg/ruby-31-c9s@${D1}`,
        '      2 weeks ago',
        '',
      ].join('\n'),
    );
  });

  it('labels, description annotation, reference tags, status-only tags and image ids not in the pull spec', () => {
    const s: ImageStream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {
        name: 'web',
        creationTimestamp: '2026-11-14T06:00:00Z',
        labels: { team: 'a', app: 'web' },
        annotations: { description: 'The web app', 'openshift.io/image.dockerRepositoryCheck': '2026-11-20T00:00:00Z' },
      },
      spec: {
        tags: [
          { name: 'stable', from: { kind: 'DockerImage', name: 'registry.example.com/web:1.2' }, reference: true, generation: 1 },
          { name: 'copy', from: { kind: 'ImageStreamImage', name: `web@${D1}`, namespace: 'other' }, generation: 1 },
          { name: 'bare' },
        ],
      },
      status: {
        tags: [
          { tag: 'pushed', items: [{ created: '2026-11-21T05:59:58Z', dockerImageReference: 'registry.example.com/web:pushed', image: D2, generation: 1 }] },
          { tag: 'stable', items: [{ created: '2026-11-21T05:00:00Z', dockerImageReference: 'registry.example.com/web:1.2', image: '', generation: 1 }] },
        ],
      },
    };
    expect(describeImageStream(s, 'apps', NOW)).toBe(
      [
        'Name:\t\t\tweb',
        'Namespace:\t\tapps',
        'Created:\t\t7 days ago',
        'Labels:\t\t\tapp=web',
        '\t\t\tteam=a',
        'Description:\t\tThe web app',
        'Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2026-11-20T00:00:00Z',
        'Image Repository:\t<none>',
        'Image Lookup:\t\tlocal=false',
        'Unique Images:\t\t2',
        'Tags:\t\t\t4',
        '',
        'bare',
        '  tag without source image',
        '',
        '',
        'copy',
        `  tagged from other/web@${D1}`,
        '',
        '  ~ importing latest image ...',
        '',
        'pushed',
        '  no spec tag',
        '',
        '  * registry.example.com/web:pushed',
        `      2 seconds ago\t${D2}`,
        '',
        'stable',
        '  reference to registry registry.example.com/web:1.2',
        '',
        '  * registry.example.com/web:1.2',
        '      About an hour ago',
        '',
      ].join('\n'),
    );
  });

  it('a stream without tags', () => {
    const s: ImageStream = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'e' }, spec: {} };
    expect(describeImageStream(s, 'ns', NOW)).toBe(
      'Name:\t\t\te\nNamespace:\t\tns\nLabels:\t\t\t<none>\nAnnotations:\t\t<none>\nImage Repository:\t<none>\nImage Lookup:\t\tlocal=false\nTags:\t\t\t<none>\n',
    );
  });
});

describe('describeImageStream: Tagstream bookkeeping', () => {
  const managed: ImageStream = {
    ...ruby,
    metadata: { ...ruby.metadata, annotations: { team: 'web', 'tagstream.io/observed-spec': '{"tags":[]}' } },
  };

  it('hides tagstream.io/ annotations unless showManaged is asked for', () => {
    const plain = describeImageStream(managed, 'apps', NOW);
    expect(plain).toContain('Annotations:\t\tteam=web\n');
    expect(plain).not.toContain('tagstream.io/');
    const shown = describeImageStream(managed, 'apps', NOW, { showManaged: true });
    expect(shown).toContain('tagstream.io/observed-spec={"tags":[]}');
  });
});
