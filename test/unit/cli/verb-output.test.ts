import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderChangedObjects } from '../../../src/cli/commands/tag.js';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import type { WorkloadChange } from '../../../src/domain/change-set.js';

const stream = (name: string): ImageStream => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name, namespace: 'shop' }, spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: 'quay.io/o/a:1' } }] } });
const pinned: WorkloadChange = { file: 'apps/web.yaml', kind: 'Deployment', namespace: 'shop', name: 'web', container: 'web', field: 'spec.template.spec.containers[0].image', from: 'a', to: 'b', trigger: 'shop/app:1' };

describe('-o of tag / import-image / create istag: the changed objects', () => {
  it('name: each changed stream, then each workload a fired trigger changed', () => {
    const out = renderChangedObjects({ streams: [stream('app')], workloads: [pinned, { ...pinned, container: 'side' }] }, 'name');
    expect(out).toBe('imagestream.image.openshift.io/app\ndeployment.apps/web\n');
  });

  it('json: each stream as stored, parseable', () => {
    const out = renderChangedObjects({ streams: [stream('app')], workloads: [] }, 'json');
    expect(JSON.parse(out)).toMatchObject({ kind: 'ImageStream', metadata: { name: 'app', namespace: 'shop' } });
  });

  it('yaml: one document per stream', () => {
    const out = renderChangedObjects({ streams: [stream('a'), stream('b')], workloads: [] }, 'yaml');
    expect(parseAllDocuments(out).map((d) => (d.toJS() as ImageStream).metadata.name)).toEqual(['a', 'b']);
  });

  it('nothing changed: nothing printed', () => {
    expect(renderChangedObjects({ streams: [], workloads: [] }, 'json')).toBe('');
  });
});
