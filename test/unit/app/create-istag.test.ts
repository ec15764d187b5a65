/**
 * The `create istag` use case over a memory repository and a fake registry: AlreadyExists,
 * `--from-image` imported now, `--from` tracking, annotations, and the new-file path.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { createIstag as createIstagVerb } from '../../../src/app/create-istag.js';
import { D1, NOW, fakeRegistry, verbFixture, printed } from './tag-verb-fakes.js';

/** The verb with the lines the CLI prints for its result (the assertions below were written against those). */
const createIstag = async (...args: Parameters<typeof createIstagVerb>) => printed(await createIstagVerb(...args));

const APP = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
  generation: 1
spec:
  tags:
  - name: "1.0"
    from: {kind: DockerImage, name: "quay.io/o/app:1.0"}
    generation: 1
status:
  tags:
  - tag: "1.0"
    items:
    - {created: "2026-11-01T00:00:00Z", dockerImageReference: "quay.io/o/app@${D1}", image: "${D1}", generation: 1}
`;

function doc(text: string): ImageStream {
  return parse(text) as ImageStream;
}

describe('create istag', () => {
  it('--from-image creates the stream, imports now and prints the kubectl line', async () => {
    const f = verbFixture({}, fakeRegistry({ 'quay.io/o/tool:1': D1 }));
    const r = await createIstag(f.ctx, { name: 'tool:1', fromImage: 'quay.io/o/tool:1', annotations: { description: 'the tool' }, namespace: 'shop' });
    expect(r).toMatchObject({ stdout: ['imagestreamtag.image.openshift.io/tool:1 created'], stderr: [], exitCode: 0 });
    const s = doc(f.text('imagestreams/shop/tool.yaml'));
    expect(s.spec.tags?.[0]).toMatchObject({ name: '1', annotations: { description: 'the tool' }, from: { kind: 'DockerImage', name: 'quay.io/o/tool:1' }, generation: 2 });
    expect(s.status?.tags?.[0]?.items).toEqual([{ created: NOW, dockerImageReference: `quay.io/o/tool@${D1}`, image: D1, generation: 2 }]);
  });

  it('--from makes a tracking tag in the existing file (no registry call)', async () => {
    const f = verbFixture({ 'app.yaml': APP }, fakeRegistry({}));
    const r = await createIstag(f.ctx, { name: 'app:stable', from: ':1.0', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(f.registry.resolved).toEqual([]);
    const after = f.text('app.yaml');
    // untouched lines keep their flow style byte for byte
    expect(after).toContain('    from: {kind: DockerImage, name: "quay.io/o/app:1.0"}\n');
    expect(after).toContain(`    - {created: "2026-11-01T00:00:00Z", dockerImageReference: "quay.io/o/app@${D1}", image: "${D1}", generation: 1}\n`);
    const s = doc(after);
    expect(s.spec.tags?.[1]).toMatchObject({ name: 'stable', from: { kind: 'ImageStreamTag', name: '1.0' }, generation: 2 });
    expect(s.status?.tags?.find((t) => t.tag === 'stable')?.items?.[0]?.image).toBe(D1);
  });

  it('--from-image on a stream file written without `spec:` adds the key, byte-exact elsewhere', async () => {
    const bare = 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: bare   # written by hand\n  namespace: shop\n';
    const f = verbFixture({ 'bare.yaml': bare }, fakeRegistry({ 'quay.io/o/bare:1': D1 }));
    const r = await createIstag(f.ctx, { name: 'bare:1', fromImage: 'quay.io/o/bare:1', namespace: 'shop' });
    expect(r).toMatchObject({ stdout: ['imagestreamtag.image.openshift.io/bare:1 created'], stderr: [], exitCode: 0 });
    const after = f.text('bare.yaml');
    expect(after.startsWith('apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: bare   # written by hand\n  namespace: shop\n')).toBe(true);
    expect(after).toContain(`\nspec:\n  tags:\n  - name: "1"\n`);
    const s = doc(after);
    expect(s.spec.tags?.[0]).toMatchObject({ name: '1', from: { kind: 'DockerImage', name: 'quay.io/o/bare:1' } });
    expect(s.status?.tags?.[0]?.items?.[0]).toMatchObject({ image: D1, dockerImageReference: `quay.io/o/bare@${D1}` });
  });

  it('an existing tag is AlreadyExists and nothing is written', async () => {
    const f = verbFixture({ 'app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:2': D1 }));
    await expect(createIstag(f.ctx, { name: 'app:1.0', fromImage: 'quay.io/o/app:2', namespace: 'shop' })).rejects.toMatchObject({
      code: 'AlreadyExists',
      message: 'imagestreamtags.image.openshift.io "app:1.0" already exists',
    });
    expect(f.workspace.writes).toEqual([]);
    expect(f.registry.resolved).toEqual([]);
  });

  it('both sources, or a registry in --from, are refused', async () => {
    const f = verbFixture({ 'app.yaml': APP });
    await expect(createIstag(f.ctx, { name: 'app:x', from: 'app:1.0', fromImage: 'quay.io/o/app:1', namespace: 'shop' })).rejects.toMatchObject({ code: 'Usage' });
    await expect(createIstag(f.ctx, { name: 'app:x', from: 'quay.io/o/app:1', namespace: 'shop' })).rejects.toThrow('Invalid --from, registry may not be specified');
    expect(f.workspace.writes).toEqual([]);
  });
});
