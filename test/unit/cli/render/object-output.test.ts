import { describe, expect, it } from 'vitest';
import { istagObject, listObject, renderNames, renderObject, streamObject } from '../../../../src/cli/render/object-output.js';
import { istagsOf } from '../../../../src/domain/image-stream-tag-view.js';
import { D1, ruby } from './fixtures.js';

describe('object output (-o json|yaml|name)', () => {
  it('json: 4-space indentation, keys sorted, namespace filled in', () => {
    const out = renderObject(streamObject({ ...ruby, metadata: { name: 'ruby' } }, 'apps'), 'json');
    expect(out.startsWith('{\n    "apiVersion": "image.openshift.io/v1",\n    "kind": "ImageStream",\n    "metadata": {\n        "name": "ruby",\n        "namespace": "apps"\n    },')).toBe(true);
    expect(out.endsWith('}\n')).toBe(true);
  });
  it('yaml: sorted keys, sequences not indented, strings that look like numbers quoted', () => {
    const out = renderObject(listObject([{ kind: 'X', b: ['3.3', 'on'], a: 1, t: '2026-11-20T09:00:00Z' }]), 'yaml');
    expect(out).toBe(
      'apiVersion: v1\nitems:\n- a: 1\n  b:\n  - "3.3"\n  - "on"\n  kind: X\n  t: "2026-11-20T09:00:00Z"\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });
  it('istag object uses the resolved pull spec and the tag spec', () => {
    const view = istagsOf(ruby, 'apps')[0];
    if (!view) throw new Error('fixture');
    const obj = istagObject(ruby, view);
    expect(obj).toMatchObject({
      kind: 'ImageStreamTag',
      metadata: { name: 'ruby:3.1', namespace: 'apps', creationTimestamp: '2026-11-01T10:00:00Z' },
      tag: { name: '3.1' },
      generation: 2,
      lookupPolicy: { local: true },
      image: { metadata: { name: D1 }, dockerImageReference: `image-registry.openshift-image-registry.svc:5000/apps/ruby@${D1}` },
    });
    expect(obj['conditions']).toHaveLength(1);
  });
  it('name output', () => {
    expect(renderNames('imagestream', ['a', 'b'])).toBe('imagestream.image.openshift.io/a\nimagestream.image.openshift.io/b\n');
    expect(renderNames('imagestreamtag', ['a:1'])).toBe('imagestreamtag.image.openshift.io/a:1\n');
  });
});
