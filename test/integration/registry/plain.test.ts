import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { makeAttestation, makeImage, makeIndex } from '../../harness/oci-image.js';
import { headDigest, pushImage, startRegistry, type TestRegistry, registryRejection } from '../../harness/registry.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

let reg: TestRegistry;

beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => {
  await reg?.stop();
});

describe('registry client on a plain HTTP loopback registry', () => {
  it('resolves a tag to the digest of the exact bytes pushed, and follows a moved tag', async () => {
    const a = makeImage({ layers: [{ 'a.txt': 'a' }] });
    const b = makeImage({ layers: [{ 'b.txt': 'b' }] });
    await pushImage(reg, 'demo/app', 'v1', a);
    const client = createRegistryClient();
    const first = await client.resolve(parseImageReference(`${reg.host}/demo/app:v1`), { importMode: 'Legacy' });
    expect(first).toEqual({ digest: a.digest, mediaType: a.mediaType });
    expect((await headDigest(reg, 'demo/app', 'v1')).digest).toBe(a.digest);

    await pushImage(reg, 'demo/app', 'v1', b);
    client.newRun();
    const second = await client.resolve(parseImageReference(`${reg.host}/demo/app:v1`), { importMode: 'Legacy' });
    expect(second.digest).toBe(b.digest);
    expect(second.digest).not.toBe(first.digest);
    await client.close();
  });

  it('costs one HEAD for the same tag resolved twice (and concurrently) in one run', async () => {
    const img = makeImage({ layers: [{ 'once.txt': 'once' }] });
    await pushImage(reg, 'demo/once', 'v1', img);
    const client = createRegistryClient();
    const ref = `${reg.host}/demo/once:v1`;
    const pinned = { knownDigest: img.digest };
    const [x, y] = await Promise.all([client.resolve(parseImageReference(ref), { importMode: 'Legacy', ...pinned }), client.resolve(parseImageReference(ref), { importMode: 'Legacy', ...pinned })]);
    const z = await client.resolve(parseImageReference(ref), { importMode: 'PreserveOriginal', ...pinned });
    expect(x.digest).toBe(img.digest);
    expect(y.digest).toBe(img.digest);
    expect(z.digest).toBe(img.digest);
    expect(client.stats().manifestHead).toBe(1);
    expect(client.stats().manifestGet).toBe(0);
    client.newRun();
    await client.resolve(parseImageReference(ref), { importMode: 'Legacy', ...pinned });
    expect(client.stats().manifestHead).toBe(2);
    // a tag seen for the first time (nothing pinned) is proven by a HEAD by digest, once per run
    client.newRun();
    await Promise.all([client.resolve(parseImageReference(ref), { importMode: 'Legacy' }), client.resolve(parseImageReference(ref), { importMode: 'Legacy' })]);
    expect(client.stats().manifestHead).toBe(4);
    await client.close();
  });

  it('reports a missing tag and a missing repository as typed not-found errors', async () => {
    await pushImage(reg, 'demo/present', 'v1', makeImage());
    const client = createRegistryClient();
    const tag = await registryRejection(client.resolve(parseImageReference(`${reg.host}/demo/present:nope`), { importMode: 'Legacy' }));
    expect(tag.code).toBe('RegistryNotFound');
    expect(tag.status).toBe(404);
    expect(tag.repository).toBe('demo/present');
    expect(tag.registry).toBe(reg.host);
    expect(tag.message).toContain('tag "nope" not found');
    expect(tag.retryable).toBe(false);

    const repo = await registryRejection(client.resolve(parseImageReference(`${reg.host}/demo/absent:v1`), { importMode: 'Legacy' }));
    expect(repo.code).toBe('RegistryNotFound');
    expect(repo.message).toContain('demo/absent');
    await client.close();
  });

  it('pins the platform manifest under Legacy and the index under PreserveOriginal', async () => {
    const amd = makeImage({ architecture: 'amd64', layers: [{ 'arch.txt': 'amd64' }] });
    const arm = makeImage({ architecture: 'arm64', variant: 'v8', layers: [{ 'arch.txt': 'arm64' }] });
    const ppc = makeImage({ architecture: 'ppc64le', layers: [{ 'arch.txt': 'ppc' }] });
    // Attestation first: a naive "first entry" picker would choose it.
    const index = makeIndex([makeAttestation(arm), arm, amd, ppc]);
    await pushImage(reg, 'demo/multi', 'v1', index);
    const client = createRegistryClient();
    const ref = `${reg.host}/demo/multi:v1`;

    const legacy = await client.resolve(parseImageReference(ref), { importMode: 'Legacy' });
    expect(legacy).toEqual({ digest: amd.digest, mediaType: amd.mediaType, indexDigest: index.digest, platform: { os: 'linux', architecture: 'amd64' } });

    const preserve = await client.resolve(parseImageReference(ref), { importMode: 'PreserveOriginal' });
    expect(preserve.digest).toBe(index.digest);
    expect(preserve.indexDigest).toBe(index.digest);

    const preferArm = await client.resolve(parseImageReference(ref), { importMode: 'Legacy', preferArch: 'arm64' });
    expect(preferArm.digest).toBe(arm.digest);
    expect(preferArm.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });

    const unknownArch = await client.resolve(parseImageReference(ref), { importMode: 'Legacy', preferArch: 's390x' });
    expect(unknownArch.digest).toBe(amd.digest);

    const ppcClient = createRegistryClient({ platform: { os: 'linux', architecture: 'ppc64le' } });
    expect((await ppcClient.resolve(parseImageReference(ref), { importMode: 'Legacy' })).digest).toBe(ppc.digest);
    // one HEAD for the tag, one GET of the index (cached by digest), one HEAD by digest for each
    // platform manifest pinned (amd64, arm64); the index pinned under PreserveOriginal was fetched
    expect(client.stats().manifestHead).toBe(3);
    expect(client.stats().manifestGet).toBe(1);
    await Promise.all([client.close(), ppcClient.close()]);
  });

  it('handles a Docker manifest list the same way', async () => {
    const amd = makeImage({ docker: true, architecture: 'amd64', layers: [{ 'd.txt': 'amd' }] });
    const arm = makeImage({ docker: true, architecture: 'arm64', layers: [{ 'd.txt': 'arm' }] });
    const list = makeIndex([arm, amd], { docker: true });
    await pushImage(reg, 'demo/dlist', 'v1', list);
    const client = createRegistryClient();
    expect((await client.resolve(parseImageReference(`${reg.host}/demo/dlist:v1`), { importMode: 'Legacy' })).digest).toBe(amd.digest);
    expect((await client.resolve(parseImageReference(`${reg.host}/demo/dlist:v1`), { importMode: 'PreserveOriginal' })).digest).toBe(list.digest);
    await client.close();
  });

  it('resolves a digest reference and refuses a digest that does not exist', async () => {
    const img = makeImage({ layers: [{ 'dg.txt': 'dg' }] });
    await pushImage(reg, 'demo/bydigest', 'v1', img);
    const client = createRegistryClient();
    expect((await client.resolve(parseImageReference(`${reg.host}/demo/bydigest@${img.digest}`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    const missing = await registryRejection(client.resolve(parseImageReference(`${reg.host}/demo/bydigest@sha256:${'0'.repeat(64)}`), { importMode: 'Legacy' }));
    expect(missing.code).toBe('RegistryNotFound');
    await client.close();
  });

  it('inspects config metadata and sizes', async () => {
    const img = makeImage({
      layers: [{ 'one.txt': 'one' }, { 'two.txt': 'two' }],
      created: '2024-05-06T07:08:09Z',
      author: 'Tagstream Tests',
      entrypoint: ['/bin/app'],
      cmd: ['--serve'],
      env: ['PATH=/usr/bin', 'MODE=test'],
      workingDir: '/srv',
      user: '1001',
      exposedPorts: ['8080/tcp', '8443/tcp'],
      labels: { 'io.k8s.display-name': 'demo' },
      volumes: ['/data'],
    });
    await pushImage(reg, 'demo/meta', 'v1', img);
    const client = createRegistryClient();
    const meta = await client.inspect(parseImageReference(`${reg.host}/demo/meta:v1`));
    expect(meta).toMatchObject({
      digest: img.digest,
      mediaType: img.mediaType,
      created: '2024-05-06T07:08:09Z',
      author: 'Tagstream Tests',
      architecture: 'amd64',
      os: 'linux',
      entrypoint: ['/bin/app'],
      cmd: ['--serve'],
      env: ['PATH=/usr/bin', 'MODE=test'],
      workingDir: '/srv',
      user: '1001',
      exposedPorts: ['8080/tcp', '8443/tcp'],
      labels: { 'io.k8s.display-name': 'demo' },
      volumes: ['/data'],
      configDigest: img.configDigest,
      size: img.size,
    });
    expect(meta.layers?.map((l) => l.digest)).toEqual(img.layers.map((l) => l.digest));

    const arm = makeImage({ architecture: 'arm64', layers: [{ 'x.txt': 'arm' }] });
    const amd = makeImage({ architecture: 'amd64', layers: [{ 'x.txt': 'amd' }] });
    const index = makeIndex([amd, arm]);
    await pushImage(reg, 'demo/meta', 'multi', index);
    const top = await client.inspect(parseImageReference(`${reg.host}/demo/meta:multi`));
    expect(top.digest).toBe(index.digest);
    expect(top.manifests?.map((m) => m.digest)).toEqual([amd.digest, arm.digest]);
    const armMeta = await client.inspect(parseImageReference(`${reg.host}/demo/meta:multi`), { platform: { os: 'linux', architecture: 'arm64' } });
    expect(armMeta.digest).toBe(arm.digest);
    expect(armMeta.architecture).toBe('arm64');
    await client.close();
  });

  // docker-registry 2.8 ignores `n` and never sends Link; paging is covered against a spec-following
  // server in test/unit/adapters/registry/registry-client-http.test.ts.
  it('lists every tag of a repository', async () => {
    const img = makeImage({ layers: [{ 't.txt': 't' }] });
    const names = Array.from({ length: 7 }, (_, i) => `t${i}`);
    for (const t of names) await pushImage(reg, 'demo/tags', t, img);
    const client = createRegistryClient({ tagsPageSize: 3 });
    const tags = await client.listTags(parseImageReference(`${reg.host}/demo/tags`));
    expect([...tags].sort()).toEqual(names);
    expect(client.stats().tagsList).toBe(1);
    const missing = await registryRejection(client.listTags(parseImageReference(`${reg.host}/demo/no-such-repo`)));
    expect(missing.code).toBe('RegistryNotFound');
    await client.close();
  });
});
