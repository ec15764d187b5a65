/**
 * The `tag` use case over a memory repository and a fake registry: what is written (byte-exact
 * edits of existing files, new files at imageStreamPath), the import done right away, triggers,
 * failures recorded on the tag, and refusals that write nothing.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findStatusTag, type ImageStream } from '../../../src/domain/image-stream.js';
import { tag as tagVerb } from '../../../src/app/tag.js';
import { D1, D2, NOW, fakeRegistry, verbFixture, printed } from './tag-verb-fakes.js';

/** The verb with the lines the CLI prints for its result (the assertions below were written against those). */
const tag = async (...args: Parameters<typeof tagVerb>) => printed(await tagVerb(...args));

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web # the storefront
        image: placeholder
`;

/** A stream Tagstream has written before (generation 2, one import of 1.0 at D1). */
const APP = `# app stream, maintained by hand and by Tagstream
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
  generation: 2
spec:
  lookupPolicy:
    local: false
  tags:
  - name: "1.0"   # pinned
    from:
      kind: DockerImage
      name: quay.io/o/app:1.0
    generation: 2
    importPolicy:
      importMode: Legacy
    referencePolicy:
      type: Source
status:
  tags:
  - tag: "1.0"
    items:
    - created: "2026-11-01T00:00:00Z"
      dockerImageReference: quay.io/o/app@${D1}
      image: ${D1}
      generation: 2
`;

/** Shares its first 63 hex digits with D1. */
/** Another image whose digest starts as D1's does (the prefix `D1_PREFIX` is ambiguous in a stream holding both). */
const D1X = `${D1.slice(0, -1)}${D1.endsWith('0') ? '1' : '0'}`;
const D1_PREFIX = D1.slice('sha256:'.length, 'sha256:'.length + 8);

function doc(text: string): ImageStream {
  return parse(text) as ImageStream;
}

describe('tag: external image', () => {
  it('creates the stream in a new file, imports now, and fires the trigger', async () => {
    const f = verbFixture({ 'deploy.yaml': DEPLOY }, fakeRegistry({ 'quay.io/o/app:1': D1 }));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:1', 'app:1'], namespace: 'shop' });
    // every object the verb changed is reported (#13.1), with its file
    expect(r).toMatchObject({ stdout: ['Tag app:1 set to quay.io/o/app:1.', 'deployment.apps/web image updated (deploy.yaml)'], stderr: [], exitCode: 0 });
    expect(r.changed).toEqual([
      { kind: 'ImageStream', namespace: 'shop', name: 'app', file: 'imagestreams/shop/app.yaml', change: 'created' },
      { kind: 'Deployment', namespace: 'shop', name: 'web', file: 'deploy.yaml', change: 'image updated' },
    ]);
    const s = doc(f.text('imagestreams/shop/app.yaml'));
    expect(s.metadata).toMatchObject({ name: 'app', namespace: 'shop', generation: 2, creationTimestamp: NOW });
    expect(s.spec.tags?.[0]).toMatchObject({ name: '1', from: { kind: 'DockerImage', name: 'quay.io/o/app:1' }, generation: 2 });
    expect(s.status?.tags?.[0]?.items).toEqual([{ created: NOW, dockerImageReference: `quay.io/o/app@${D1}`, image: D1, generation: 2 }]);
    expect(f.text('deploy.yaml')).toBe(DEPLOY.replace('image: placeholder', `image: quay.io/o/app@${D1}`));
    expect(r.workloads).toMatchObject([{ name: 'web', container: 'web', trigger: 'shop/app:1' }]);
    expect(f.registry.resolved.map((x) => [x.reference, x.options.importMode])).toEqual([['quay.io/o/app:1', 'Legacy']]);
  });

  it('edits an existing stream in place: only the new tag is added, comments and layout stay', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:2.0': D2 }));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:2.0', 'app:2.0'], namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    const after = f.text('is/app.yaml');
    expect(after.startsWith('# app stream, maintained by hand and by Tagstream\n')).toBe(true);
    expect(after).toContain('  - name: "1.0"   # pinned\n');
    const s = doc(after);
    // the tag write is generation 3; the import that follows is 4 (spec §1.5)
    expect(s.metadata.generation).toBe(4);
    expect(s.spec.tags?.map((t) => [t.name, t.generation])).toEqual([['1.0', 2], ['2.0', 4]]);
    expect(s.status?.tags?.find((t) => t.tag === '2.0')?.items).toEqual([{ created: NOW, dockerImageReference: `quay.io/o/app@${D2}`, image: D2, generation: 4 }]);
    // the untouched tag's history is byte-identical
    expect(after).toContain(`    - created: "2026-11-01T00:00:00Z"\n      dockerImageReference: quay.io/o/app@${D1}\n`);
    expect(f.workspace.writes).toEqual(['is/app.yaml']);
  });

  it('re-tagging the same image adds no history item (generation 0 re-import, same digest)', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:1.0': D1 }));
    await tag(f.ctx, { args: ['quay.io/o/app:1.0', 'app:1.0'], namespace: 'shop' });
    const s = doc(f.text('is/app.yaml'));
    expect(s.status?.tags?.[0]?.items).toHaveLength(1);
    expect(s.status?.tags?.[0]?.items?.[0]).toMatchObject({ image: D1, generation: 4, created: '2026-11-01T00:00:00Z' });
  });

  it('re-tagging after the registry tag moved puts the new image on top', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:1.0': D2 }));
    await tag(f.ctx, { args: ['quay.io/o/app:1.0', 'app:1.0'], namespace: 'shop' });
    const s = doc(f.text('is/app.yaml'));
    expect(s.status?.tags?.[0]?.items?.map((i) => i.image)).toEqual([D2, D1]);
  });

  it('a failed import records the condition, keeps the last image, and exits 1', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({}));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:9.9', 'app:1.0'], namespace: 'shop' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toEqual(['Tag app:1.0 set to quay.io/o/app:9.9.']);
    expect(r.stderr).toEqual(['error: tag app:1.0 failed: dockerimage.image.openshift.io "quay.io/o/app:9.9" not found']);
    const s = doc(f.text('is/app.yaml'));
    expect(s.spec.tags?.[0]?.from?.name).toBe('quay.io/o/app:9.9');
    expect(s.status?.tags?.[0]?.items?.map((i) => i.image)).toEqual([D1]);
    expect(s.status?.tags?.[0]?.conditions).toEqual([
      { type: 'ImportSuccess', status: 'False', lastTransitionTime: NOW, reason: 'NotFound', message: 'dockerimage.image.openshift.io "quay.io/o/app:9.9" not found', generation: 4 },
    ]);
  });

  it('a transient failure is reported but not recorded: the spec write stands, the next reconcile retries', async () => {
    const registry = fakeRegistry({});
    registry.unavailable.add('quay.io/o/app:2.0');
    const f = verbFixture({ 'is/app.yaml': APP }, registry);
    const r = await tag(f.ctx, { args: ['quay.io/o/app:2.0', 'app:2.0'], namespace: 'shop' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr[0]).toMatch(/^error: tag app:2\.0 failed: Internal error occurred: quay\.io\/o\/app:2\.0: /);
    const s = doc(f.text('is/app.yaml'));
    expect(s.spec.tags?.[1]).toMatchObject({ name: '2.0', generation: 3 });
    expect(s.status?.tags?.map((t) => t.tag)).toEqual(['1.0']);
  });

  it('several destinations (one in another namespace) are written and imported in one run', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:3.0': D2 }));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:3.0', 'app:3.0', 'qa/app:3.0'], namespace: 'shop' });
    expect(r).toMatchObject({ exitCode: 0, stderr: [] });
    expect(r.stdout).toEqual(['Tag app:3.0 set to quay.io/o/app:3.0.', 'Tag qa/app:3.0 set to quay.io/o/app:3.0.']);
    expect(f.registry.resolved.map((x) => x.reference)).toEqual(['quay.io/o/app:3.0', 'quay.io/o/app:3.0']);
    expect(findStatusTag(doc(f.text('is/app.yaml')), '3.0')?.items?.[0]?.image).toBe(D2);
    expect(findStatusTag(doc(f.text('imagestreams/qa/app.yaml')), '3.0')?.items?.[0]?.image).toBe(D2);
    expect([...f.workspace.writes].sort()).toEqual(['imagestreams/qa/app.yaml', 'is/app.yaml']);
  });

  it('--reference records the pull spec without asking the registry', async () => {
    const f = verbFixture({}, fakeRegistry({}));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:1', 'app:ref'], reference: true, namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(f.registry.resolved).toEqual([]);
    const s = doc(f.text('imagestreams/shop/app.yaml'));
    expect(s.spec.tags?.[0]).toMatchObject({ reference: true, generation: 1 });
    expect(s.status?.tags?.[0]?.items).toEqual([{ created: NOW, dockerImageReference: 'quay.io/o/app:1', image: '', generation: 1 }]);
  });
});

describe('tag: image stream sources', () => {
  it('istag source makes a permanent copy (ImageStreamImage); --alias tracks', async () => {
    const f = verbFixture({ 'is/app.yaml': APP });
    const r = await tag(f.ctx, { args: ['app:1.0', 'app:stable'], namespace: 'shop' });
    expect(r.stdout).toEqual(['Tag app:stable set to app@' + D1 + '.']);
    let s = doc(f.text('is/app.yaml'));
    expect(s.spec.tags?.[1]?.from).toEqual({ kind: 'ImageStreamImage', name: `app@${D1}` });
    expect(s.status?.tags?.[1]?.items?.[0]).toMatchObject({ image: D1, dockerImageReference: `quay.io/o/app@${D1}` });

    const a = await tag(f.ctx, { args: ['app:1.0', 'app:latest'], alias: true, namespace: 'shop' });
    expect(a.stdout).toEqual(['Tag app:latest set up to track app:1.0.']);
    s = doc(f.text('is/app.yaml'));
    expect(s.spec.tags?.find((t) => t.name === 'latest')?.from).toEqual({ kind: 'ImageStreamTag', name: 'app:1.0' });
    expect(s.status?.tags?.find((t) => t.tag === 'latest')?.items?.[0]?.image).toBe(D1);
  });

  it('a hand-written ImageStreamImage prefix is resolved when a verb reads the stream', async () => {
    const handEdited = APP.replace(
      'status:\n',
      `  - name: pinned\n    from:\n      kind: ImageStreamImage\n      name: app@${D1_PREFIX}\n    generation: 2\nstatus:\n`,
    );
    const f = verbFixture({ 'is/app.yaml': handEdited });
    const r = await tag(f.ctx, { args: ['app:pinned', 'app:latest'], alias: true, namespace: 'shop' });
    expect(r).toMatchObject({ exitCode: 0, stderr: [] });
    const s = doc(f.text('is/app.yaml'));
    expect(s.status?.tags?.find((t) => t.tag === 'pinned')?.items?.[0]).toMatchObject({ image: D1, dockerImageReference: `quay.io/o/app@${D1}` });
    expect(s.status?.tags?.find((t) => t.tag === 'latest')?.items?.[0]?.image).toBe(D1);
  });

  it('an ambiguous hand-written prefix is a warning; the verb still runs', async () => {
    const handEdited = APP.replace(
      'status:\n',
      `  - name: pinned\n    from:\n      kind: ImageStreamImage\n      name: app@${D1_PREFIX}\n    generation: 2\nstatus:\n`,
    ).replace('  - tag: "1.0"', `  - tag: other\n    items:\n    - {created: "2026-11-01T00:00:00Z", dockerImageReference: "quay.io/o/app@${D1X}", image: "${D1X}", generation: 2}\n  - tag: "1.0"`);
    const f = verbFixture({ 'is/app.yaml': handEdited }, fakeRegistry({ 'quay.io/o/app:2.0': D2 }));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:2.0', 'app:2.0'], namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toEqual([expect.stringMatching(/^warning: shop\/app: .*multiple images match the prefix/)]);
    expect(doc(f.text('is/app.yaml')).status?.tags?.map((t) => t.tag).sort()).toEqual(['1.0', '2.0', 'other']);
  });

  it('-d deletes spec and history', async () => {
    const f = verbFixture({ 'is/app.yaml': APP });
    const r = await tag(f.ctx, { args: ['app:1.0'], delete: true, namespace: 'shop' });
    expect(r.stdout).toEqual(['Deleted tag shop/app:1.0.']);
    const s = doc(f.text('is/app.yaml'));
    expect(s.spec.tags ?? []).toEqual([]);
    expect(s.status?.tags ?? []).toEqual([]);
  });
});

describe('tag: refusals write nothing', () => {
  const cases: [string, Parameters<typeof tag>[1], RegExp][] = [
    ['missing tag in DEST', { args: ['quay.io/o/app:1', 'app'] }, /must be of the form <stream_name>:<tag>/],
    ['alias across streams', { args: ['app:1.0', 'other:x'], alias: true }, /cannot set alias across different Image Streams/],
    ['importing flags on an istag', { args: ['app:1.0', 'app:x'], scheduled: true }, /only container images can have importing flags set/],
    ['source tag without history', { args: ['app:none', 'app:x'] }, /not found|not currently pointing to an image/],
    ['delete of a missing tag', { args: ['app:nope'], delete: true }, /not found/],
    ['bad reference policy', { args: ['quay.io/o/app:1', 'app:x'], referencePolicy: 'mirror' }, /reference policy must be set to 'source' or 'local'/],
  ];
  it.each(cases)('%s', async (_name, request, message) => {
    const f = verbFixture({ 'is/app.yaml': APP });
    await expect(tag(f.ctx, { ...request, namespace: 'shop' })).rejects.toThrow(message);
    expect(f.workspace.writes).toEqual([]);
    expect(f.registry.resolved).toEqual([]);
  });

  it('a new stream whose path holds something else is refused', async () => {
    const f = verbFixture({ 'imagestreams/shop/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n' }, fakeRegistry({ 'quay.io/o/app:1': D1 }));
    await expect(tag(f.ctx, { args: ['quay.io/o/app:1', 'app:1'], namespace: 'shop' })).rejects.toThrow(
      'cannot create imagestream shop/app: imagestreams/shop/app.yaml already exists and does not define it',
    );
    expect(f.workspace.writes).toEqual([]);
  });

  it('a stream whose file cannot be read is not created a second time elsewhere', async () => {
    const broken = APP.replace('  name: app\n', '  name: app\n  labels: {oops\n');
    const f = verbFixture({ 'is/app.yaml': broken }, fakeRegistry({ 'quay.io/o/app:1': D1 }));
    await expect(tag(f.ctx, { args: ['quay.io/o/app:1', 'app:1'], namespace: 'shop' })).rejects.toThrow(
      /^cannot create imagestream shop\/app: a file that may already define it could not be used \(.+\); fix that file first \(is\/app\.yaml:\d+:\d+\)$/,
    );
    expect(f.workspace.writes).toEqual([]);
  });

  it('a broken file that defines another stream does not block the creation', async () => {
    const f = verbFixture({ 'other.yaml': 'kind: ImageStream\nmetadata: {name: application\n' }, fakeRegistry({ 'quay.io/o/app:1': D1 }));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:1', 'app:1'], namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toEqual([expect.stringMatching(/^warning: other\.yaml:/)]);
    expect(f.workspace.writes).toEqual(['imagestreams/shop/app.yaml']);
  });

  it('a stream defined twice is refused', async () => {
    const f = verbFixture({ 'a.yaml': APP, 'b.yaml': APP });
    await expect(tag(f.ctx, { args: ['app:1.0', 'app:x'], alias: true, namespace: 'shop' })).rejects.toThrow(/defined in more than one file/);
    expect(f.workspace.writes).toEqual([]);
  });
});

describe('tag: namespaces and Local policy', () => {
  it('a file that relies on defaultNamespace keeps relying on it', async () => {
    const f = verbFixture({ 'is/app.yaml': APP.replace('  namespace: shop\n', '') }, fakeRegistry({ 'quay.io/o/app:2.0': D2 }), { defaultNamespace: 'shop' });
    const r = await tag(f.ctx, { args: ['quay.io/o/app:2.0', 'app:2.0'] });
    expect(r.exitCode).toBe(0);
    const after = f.text('is/app.yaml');
    expect(after).not.toContain('namespace:');
    expect(doc(after).spec.tags?.map((t) => t.name)).toEqual(['1.0', '2.0']);
    expect([...f.workspace.files.keys()]).toEqual(['is/app.yaml']);
  });

  it('Local policy copies the image to localRegistry and workloads pull from there', async () => {
    const f = verbFixture({ 'deploy.yaml': DEPLOY }, fakeRegistry({ 'quay.io/o/app:1': D1 }), { localRegistry: 'mirror.local:5000' });
    const r = await tag(f.ctx, { args: ['quay.io/o/app:1', 'app:1'], referencePolicy: 'local', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(f.registry.copies).toEqual([{ source: `quay.io/o/app@${D1}`, destination: 'mirror.local:5000/shop/app' }]);
    expect(f.text('deploy.yaml')).toContain(`image: mirror.local:5000/shop/app@${D1}\n`);
    expect(doc(f.text('imagestreams/shop/app.yaml')).status?.dockerImageRepository).toBe('mirror.local:5000/shop/app');
  });

  it('Local policy without localRegistry fails that tag clearly and moves no workload', async () => {
    const f = verbFixture({ 'deploy.yaml': DEPLOY }, fakeRegistry({ 'quay.io/o/app:1': D1 }));
    const r = await tag(f.ctx, { args: ['quay.io/o/app:1', 'app:1'], referencePolicy: 'local', namespace: 'shop' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toEqual(['error: tag app:1 failed: tag 1 has referencePolicy Local but no localRegistry is configured in .tagstream.yaml']);
    expect(f.text('deploy.yaml')).toBe(DEPLOY);
    const s = doc(f.text('imagestreams/shop/app.yaml'));
    expect(s.status?.tags?.[0]).toMatchObject({ tag: '1', conditions: [{ reason: 'BadRequest' }] });
    expect(s.status?.tags?.[0]?.items ?? []).toEqual([]);
  });
});
