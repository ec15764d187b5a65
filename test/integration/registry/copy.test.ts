import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { RegistryError } from '../../../src/errors.js';
import { makeAttestation, makeImage, makeIndex } from '../../harness/oci-image.js';
import { headDigest, pushImage, startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../../harness/registry.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

let a: TestRegistry;
let b: TestRegistry;
let tok: TestRegistry;

const amd = makeImage({ architecture: 'amd64', layers: [{ 'c.txt': 'amd' }, { 'shared.txt': 'shared' }] });
const arm = makeImage({ architecture: 'arm64', layers: [{ 'c.txt': 'arm' }, { 'shared.txt': 'shared' }] });
const index = makeIndex([amd, arm, makeAttestation(amd)]);

beforeAll(async () => {
  [a, b, tok] = await Promise.all([startRegistry(), startRegistry(), startRegistry({ auth: 'token' })]);
  await pushImage(a, 'src/app', 'v1', index);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), tok?.stop()]);
});

describe('copy', () => {
  it('copies an index with every child between two registries; the copy resolves to the same digests', async () => {
    const client = createRegistryClient();
    const result = await client.copy(parseImageReference(`${a.host}/src/app:v1`), parseImageReference(`${b.host}/dst/app`), { tag: 'v1' });
    expect(result.digest).toBe(index.digest);
    // amd: config + 2 layers; arm: config + 1 new layer (shared skipped); attestation: config + layer
    expect(result).toMatchObject({ blobsCopied: 7, blobsSkipped: 1, blobsMounted: 0 });
    expect((await headDigest(b, 'dst/app', 'v1')).digest).toBe(index.digest);
    expect((await headDigest(b, 'dst/app', arm.digest)).digest).toBe(arm.digest);

    const reader = createRegistryClient();
    expect((await reader.resolve(parseImageReference(`${b.host}/dst/app:v1`), { importMode: 'PreserveOriginal' })).digest).toBe(index.digest);
    expect((await reader.resolve(parseImageReference(`${b.host}/dst/app:v1`), { importMode: 'Legacy' })).digest).toBe(amd.digest);
    expect((await reader.inspect(parseImageReference(`${b.host}/dst/app@${arm.digest}`))).size).toBe(arm.size);

    const again = await client.copy(parseImageReference(`${a.host}/src/app@${index.digest}`), parseImageReference(`${b.host}/dst/app`));
    expect(again).toMatchObject({ digest: index.digest, blobsCopied: 0, blobsMounted: 0 });
    expect(again.blobsSkipped).toBe(8);
    await Promise.all([client.close(), reader.close()]);
  });

  it('mounts blobs across repositories of one registry', async () => {
    const client = createRegistryClient();
    const result = await client.copy(parseImageReference(`${a.host}/src/app:v1`), parseImageReference(`${a.host}/other/app`), { tag: 'copied' });
    expect(result.blobsMounted).toBeGreaterThan(0);
    expect(result.blobsCopied).toBe(0);
    expect((await headDigest(a, 'other/app', 'copied')).digest).toBe(index.digest);
    expect(client.stats().blobGet).toBe(0);
    await client.close();
  });

  it('pushes with credentials to a token registry and reports a denied anonymous push', async () => {
    const anon = createRegistryClient();
    let caught: unknown;
    try {
      await anon.copy(parseImageReference(`${a.host}/src/app@${amd.digest}`), parseImageReference(`${tok.host}/dst/single`), { tag: 'v1' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RegistryError);
    expect(['RegistryUnauthorized', 'RegistryDenied']).toContain((caught as RegistryError).code);

    const client = createRegistryClient({
      credentials: async (registry) => (registry === tok.host ? { username: TEST_USER, password: TEST_PASSWORD } : undefined),
    });
    const result = await client.copy(parseImageReference(`${a.host}/src/app@${amd.digest}`), parseImageReference(`${tok.host}/dst/single`), { tag: 'v1' });
    expect(result.digest).toBe(amd.digest);
    const reader = createRegistryClient();
    expect((await reader.resolve(parseImageReference(`${tok.host}/dst/single:v1`), { importMode: 'Legacy' })).digest).toBe(amd.digest);
    await Promise.all([anon.close(), client.close(), reader.close()]);
  });
});

describe('mirrors', () => {
  it('pulls a source prefix from its mirror while the reference stays as written', async () => {
    await pushImage(b, 'mirror/team/app', 'v1', amd);
    const client = createRegistryClient({ mirrors: [{ source: 'registry.example.invalid/team', mirror: `${b.host}/mirror/team` }] });
    const r = await client.resolve(parseImageReference('registry.example.invalid/team/app:v1'), { importMode: 'Legacy' });
    expect(r.digest).toBe(amd.digest);
    const meta = await client.inspect(parseImageReference('registry.example.invalid/team/app:v1'));
    expect(meta.configDigest).toBe(amd.configDigest);
    expect(await client.listTags(parseImageReference('registry.example.invalid/team/app'))).toEqual(['v1']);
    await client.close();
  });

  it('falls back to the source when the mirror lacks the image', async () => {
    const client = createRegistryClient({ mirrors: [{ source: `${a.host}/src`, mirror: `${b.host}/empty-mirror` }] });
    const r = await client.resolve(parseImageReference(`${a.host}/src/app:v1`), { importMode: 'PreserveOriginal' });
    expect(r.digest).toBe(index.digest);
    await client.close();
  });
});
