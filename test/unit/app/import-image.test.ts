/**
 * The `import-image` use case over a memory repository and a fake registry: re-imports (same
 * digest, moved tag), failures recorded as conditions, creation with --confirm, --all with the
 * maxBulkImport cap, --dry-run, and oc's output.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { importImage as importImageVerb } from '../../../src/app/import-image.js';
import { D1, D2, D3, NOW, fakeRegistry, verbFixture, setTags, printed } from './tag-verb-fakes.js';

/** The verb with the lines the CLI prints for its result (the assertions below were written against those). */
const importImage = async (...args: Parameters<typeof importImageVerb>) => printed(await importImageVerb(...args));

/** Imported once by Tagstream (observed-spec recorded), tag `latest` tracks `1.0`. */
const APP = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
  generation: 2
  annotations:
    openshift.io/image.dockerRepositoryCheck: "2026-11-01T00:00:00Z"
spec:
  lookupPolicy:
    local: false
  tags:
  - name: "1.0"
    from:
      kind: DockerImage
      name: quay.io/o/app:1.0
    generation: 2
    importPolicy:
      importMode: Legacy
    referencePolicy:
      type: Source
  - name: latest
    from:
      kind: ImageStreamTag
      name: "1.0"
    generation: 2
status:
  tags:
  - tag: "1.0"
    items:
    - created: "2026-11-01T00:00:00Z"
      dockerImageReference: quay.io/o/app@${D1}
      image: ${D1}
      generation: 2
  - tag: latest
    items:
    - created: "2026-11-01T00:00:00Z"
      dockerImageReference: quay.io/o/app@${D1}
      image: ${D1}
      generation: 2
`;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: quay.io/o/app@${D1}
`;

function doc(text: string): ImageStream {
  return parse(text) as ImageStream;
}

describe('import-image: existing stream', () => {
  it('same digest: nothing is written, output says imported', async () => {
    const f = verbFixture({ 'is/app.yaml': APP, 'deploy.yaml': DEPLOY }, fakeRegistry({ 'quay.io/o/app:1.0': D1 }));
    const r = await importImage(f.ctx, { target: 'app:1.0', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.slice(0, 3)).toEqual(['imagestream.image.openshift.io/app imported', '', 'Name:\t\t\tapp']);
    expect(f.workspace.writes).toEqual([]);
  });

  it('moved tag: new item on top, the alias follows, the trigger fires', async () => {
    const f = verbFixture({ 'is/app.yaml': APP, 'deploy.yaml': DEPLOY }, fakeRegistry({ 'quay.io/o/app:1.0': D2 }));
    const r = await importImage(f.ctx, { target: 'app:latest', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    // following the alias: the request goes to the final tag 1.0
    expect(f.registry.resolved.map((x) => x.reference)).toEqual(['quay.io/o/app:1.0']);
    const s = doc(f.text('is/app.yaml'));
    expect(s.status?.tags?.[0]?.items?.map((i) => [i.image, i.generation, i.created])).toEqual([
      [D2, 3, NOW],
      [D1, 2, '2026-11-01T00:00:00Z'],
    ]);
    expect(s.status?.tags?.[1]?.items?.[0]?.image).toBe(D2);
    expect(s.metadata.annotations?.['openshift.io/image.dockerRepositoryCheck']).toBe(NOW);
    expect(f.text('deploy.yaml')).toBe(DEPLOY.replace(`image: quay.io/o/app@${D1}`, `image: quay.io/o/app@${D2}`));
    expect(r.stdout.join('\n')).toContain(`  * quay.io/o/app@${D2}`);
  });

  it('failure: condition written, last good image kept, errors on stderr, exit 1', async () => {
    const f = verbFixture({ 'is/app.yaml': APP, 'deploy.yaml': DEPLOY }, fakeRegistry({}));
    const r = await importImage(f.ctx, { target: 'app:1.0', namespace: 'shop' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout[0]).toBe('imagestream.image.openshift.io/app imported with errors');
    // the failed tag is named once; no "imported completed with errors" trailer
    expect(r.stderr).toEqual(['error: tag 1.0 failed: dockerimage.image.openshift.io "quay.io/o/app:1.0" not found']);
    const s = doc(f.text('is/app.yaml'));
    expect(s.status?.tags?.[0]?.items?.map((i) => i.image)).toEqual([D1]);
    expect(s.status?.tags?.[0]?.conditions).toEqual([
      { type: 'ImportSuccess', status: 'False', lastTransitionTime: NOW, reason: 'NotFound', message: 'dockerimage.image.openshift.io "quay.io/o/app:1.0" not found', generation: 3 },
    ]);
    expect(f.text('deploy.yaml')).toBe(DEPLOY);
  });

  it('--dry-run asks the registry and writes nothing', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:1.0': D2 }));
    const r = await importImage(f.ctx, { target: 'app:1.0', dryRun: true, namespace: 'shop' });
    expect(r.stdout[0]).toBe('imagestream.image.openshift.io/app imported (dry run)');
    expect(r.files.map((x) => x.path)).toEqual(['is/app.yaml']);
    expect(f.workspace.writes).toEqual([]);
  });

  it('refusals write nothing and ask nothing', async () => {
    const f = verbFixture({ 'is/app.yaml': APP }, fakeRegistry({ 'quay.io/o/app:1.0': D2 }));
    await expect(importImage(f.ctx, { target: 'app:1.0', from: 'quay.io/o/other:1', namespace: 'shop' })).rejects.toThrow(
      `the tag "1.0" points to "quay.io/o/app:1.0" - use the 'tag' command if you want to change the source to "quay.io/o/other:1"`,
    );
    await expect(importImage(f.ctx, { target: 'nope', namespace: 'shop' })).rejects.toThrow(
      'no image stream named "nope" exists, pass --confirm to create and import',
    );
    await expect(importImage(f.ctx, { target: 'app@sha256:' + '1'.repeat(64), namespace: 'shop' })).rejects.toThrow("to import images by ID, use the 'tag' command");
    expect(f.workspace.writes).toEqual([]);
    expect(f.registry.resolved).toEqual([]);
  });
});

describe('import-image: new streams and repositories', () => {
  it('--confirm creates the stream in a new file, in the target tag (latest)', async () => {
    const f = verbFixture({}, fakeRegistry({ 'quay.io/o/tool:2.0': D3 }));
    const r = await importImage(f.ctx, { target: 'tool', from: 'quay.io/o/tool:2.0', confirm: true, namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    const s = doc(f.text('imagestreams/shop/tool.yaml'));
    expect(s.metadata).toMatchObject({ name: 'tool', namespace: 'shop', generation: 1, creationTimestamp: NOW });
    expect(s.spec.tags).toMatchObject([{ name: 'latest', from: { kind: 'DockerImage', name: 'quay.io/o/tool:2.0' }, generation: 1 }]);
    expect(s.status?.tags?.[0]?.items).toEqual([{ created: NOW, dockerImageReference: `quay.io/o/tool@${D3}`, image: D3, generation: 1 }]);
  });

  it('--confirm with a failed import still creates the stream with the condition (as the server does)', async () => {
    const f = verbFixture({}, fakeRegistry({}));
    const r = await importImage(f.ctx, { target: 'tool', from: 'quay.io/o/tool:2.0', confirm: true, namespace: 'shop' });
    expect(r.exitCode).toBe(1);
    const s = doc(f.text('imagestreams/shop/tool.yaml'));
    expect(s.status?.tags?.[0]).toMatchObject({ tag: 'latest', conditions: [{ reason: 'NotFound' }] });
  });

  it('--confirm with only a transient failure creates nothing (the next attempt starts clean)', async () => {
    const registry = fakeRegistry({});
    registry.unavailable.add('quay.io/o/tool:2.0');
    const f = verbFixture({}, registry);
    const r = await importImage(f.ctx, { target: 'tool', from: 'quay.io/o/tool:2.0', confirm: true, namespace: 'shop' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toEqual(['imagestream.image.openshift.io/tool imported with errors']);
    expect(r.stderr[0]).toMatch(/^error: tag latest failed: Internal error occurred: quay\.io\/o\/tool:2\.0: /);
    expect(f.workspace.writes).toEqual([]);
  });

  it('--all imports at most maxBulkImport tags in priority order and names the rest', async () => {
    const registry = fakeRegistry({
      'quay.io/o/repo:latest': D1,
      'quay.io/o/repo:2.1': D2,
      'quay.io/o/repo:1.0': D3,
    });
    setTags(registry, 'quay.io/o/repo', ['other', '1.0', 'latest', '2.1', 'zeta']);
    const f = verbFixture({}, registry, { maxBulkImport: 3 });
    const r = await importImage(f.ctx, { target: 'repo', from: 'quay.io/o/repo', all: true, confirm: true, namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(registry.resolved.map((x) => x.reference)).toEqual(['quay.io/o/repo:latest', 'quay.io/o/repo:2.1', 'quay.io/o/repo:1.0']);
    expect(r.stdout[r.stdout.length - 1]).toBe('info: The remote repository contained 2 additional tags which were not imported: other, zeta');
    const s = doc(f.text('imagestreams/shop/repo.yaml'));
    expect(s.spec.dockerImageRepository).toBe('quay.io/o/repo');
    expect(s.spec.tags?.map((t) => t.name).sort()).toEqual(['1.0', '2.1', 'latest']);
  });

  it('--all on a repository that cannot be listed fails without writing', async () => {
    const f = verbFixture({}, fakeRegistry({}));
    await expect(importImage(f.ctx, { target: 'repo', from: 'quay.io/o/missing', all: true, confirm: true, namespace: 'shop' })).rejects.toThrow(
      'cannot list the tags of quay.io/o/missing: repository quay.io/o/missing not found',
    );
    expect(f.workspace.writes).toEqual([]);
  });

  it('--reference-policy=local on a new stream copies into localRegistry', async () => {
    const f = verbFixture({}, fakeRegistry({ 'quay.io/o/tool:2.0': D3 }), { localRegistry: 'mirror.local:5000' });
    const r = await importImage(f.ctx, { target: 'tool:2.0', from: 'quay.io/o/tool:2.0', confirm: true, referencePolicy: 'local', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(f.registry.copies).toEqual([{ source: `quay.io/o/tool@${D3}`, destination: 'mirror.local:5000/shop/tool' }]);
    const s = doc(f.text('imagestreams/shop/tool.yaml'));
    expect(s.spec.tags?.[0]?.referencePolicy).toEqual({ type: 'Local' });
    expect(s.status?.dockerImageRepository).toBe('mirror.local:5000/shop/tool');
  });
});
