import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderNewManifest } from '../../../src/edit/render-new.js';

const stream = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'ruby', annotations: { 'openshift.io/display-name': 'Ruby 3.3', 'tagstream.io/enabled': 'yes' } },
  spec: {
    lookupPolicy: { local: false },
    tags: [
      { name: '20.0', from: { kind: 'DockerImage', name: 'quay.io/ruby:20.0' }, importPolicy: { scheduled: true }, referencePolicy: { type: 'Source' } },
      { name: 'latest', from: { kind: 'ImageStreamTag', name: '20.0' } },
    ],
  },
};

describe('renderNewManifest', () => {
  it('writes the hand-written OpenShift style (2 spaces, kubectl sequences, quotes only when needed)', () => {
    expect(renderNewManifest(stream)).toBe(
      [
        'apiVersion: image.openshift.io/v1',
        'kind: ImageStream',
        'metadata:',
        '  name: ruby',
        '  annotations:',
        '    openshift.io/display-name: Ruby 3.3',
        '    tagstream.io/enabled: "yes"',
        'spec:',
        '  lookupPolicy:',
        '    local: false',
        '  tags:',
        '  - name: "20.0"',
        '    from:',
        '      kind: DockerImage',
        '      name: quay.io/ruby:20.0',
        '    importPolicy:',
        '      scheduled: true',
        '    referencePolicy:',
        '      type: Source',
        '  - name: latest',
        '    from:',
        '      kind: ImageStreamTag',
        '      name: "20.0"',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['1.10'],
    ['on'],
    ['0777'],
    ['1:20'],
    ['a: b'],
    ['~'],
    [''],
    ['x #y'],
  ])('keeps %j a string for YAML 1.1 and 1.2 readers', (s) => {
    const text = renderNewManifest({ v: s });
    expect(parse(text)).toEqual({ v: s });
    expect(parse(text, { schema: 'yaml-1.1' })).toEqual({ v: s });
  });

  it('never folds long lines and starts without a document marker', () => {
    const long = `quay.io/${'x'.repeat(200)}:1`;
    const text = renderNewManifest({ image: long });
    expect(text).toBe(`image: ${long}\n`);
  });

  it('is deterministic', () => {
    expect(renderNewManifest(structuredClone(stream))).toBe(renderNewManifest(stream));
  });

  it('renders JSON with 2 spaces and a final newline', () => {
    expect(renderNewManifest({ a: [1], b: '1.10' }, { format: 'json' })).toBe('{\n  "a": [\n    1\n  ],\n  "b": "1.10"\n}\n');
  });
});
