/**
 * #12.4 Never pin a digest the registry cannot serve: the real registry behind the lying proxy,
 * which answers a tag HEAD with a Docker-Content-Digest the registry does not have. A digest that
 * differs from the tag's pinned one is proven by a HEAD by digest; an unchanged one costs one HEAD.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { startFlakyProxy, type FlakyProxy } from '../../harness/flaky-proxy.js';
import { makeImage, makeIndex, sha256 } from '../../harness/oci-image.js';
import { pushImage, registryRejection, startRegistry, type TestRegistry } from '../../harness/registry.js';

let reg: TestRegistry;
let proxy: FlakyProxy;
const img = makeImage({ layers: [{ 'served.txt': 'served' }] });
const arm = makeImage({ layers: [{ 'arm.txt': 'arm' }], architecture: 'arm64' });
const index = makeIndex([img, arm]);
/** A well-formed digest of bytes the registry never received. */
const UNSERVED = sha256('a manifest nobody pushed');
const TAG_HEAD = /\/manifests\/v1$/;
const ANY_MANIFEST = /\/manifests\//;

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, 'lies/app', 'v1', img);
  await pushImage(reg, 'lies/multi', 'v1', index);
  proxy = await startFlakyProxy(reg.url);
});
afterAll(async () => {
  await proxy?.stop();
  await reg?.stop();
});
beforeEach(() => proxy.reset());

describe('a tag HEAD naming a digest the registry does not serve', () => {
  it('is not returned: the HEAD by digest finds nothing, and the tag fails as transient', async () => {
    proxy.lieNext(1, UNSERVED, TAG_HEAD);
    const client = createRegistryClient({ retryBaseMs: 5 });
    const e = await registryRejection(client.resolve(parseImageReference(`${proxy.host}/lies/app:v1`), { importMode: 'Legacy', knownDigest: img.digest }));
    expect(e.code).toBe('RegistryTransient');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain(UNSERVED);
    expect(e.message).toMatch(/does not serve/);
    // the proof was asked of the registry, by digest
    expect(proxy.count('HEAD', new RegExp(`/manifests/${UNSERVED}$`))).toBe(1);
    await client.close();
  });

  it('under PreserveOriginal too', async () => {
    proxy.lieNext(1, UNSERVED, TAG_HEAD);
    const client = createRegistryClient({ retryBaseMs: 5 });
    const e = await registryRejection(client.resolve(parseImageReference(`${proxy.host}/lies/app:v1`), { importMode: 'PreserveOriginal' }));
    expect(e.code).toBe('RegistryTransient');
    await client.close();
  });
});

describe('the cost of the proof', () => {
  it('an unchanged digest costs one HEAD (no proof asked)', async () => {
    const client = createRegistryClient();
    expect((await client.resolve(parseImageReference(`${proxy.host}/lies/app:v1`), { importMode: 'Legacy', knownDigest: img.digest })).digest).toBe(img.digest);
    expect(proxy.count(undefined, ANY_MANIFEST)).toBe(1);
    await client.close();
  });

  it('a new digest costs one more HEAD, by digest', async () => {
    const client = createRegistryClient();
    expect((await client.resolve(parseImageReference(`${proxy.host}/lies/app:v1`), { importMode: 'Legacy', knownDigest: sha256('older') })).digest).toBe(img.digest);
    expect(proxy.count('HEAD', TAG_HEAD)).toBe(1);
    expect(proxy.count('HEAD', new RegExp(`/manifests/${img.digest}$`))).toBe(1);
    expect(proxy.count(undefined, ANY_MANIFEST)).toBe(2);
    await client.close();
  });

  it('an index under Legacy: the platform manifest it names is proven when new, not when pinned', async () => {
    const client = createRegistryClient();
    const first = await client.resolve(parseImageReference(`${proxy.host}/lies/multi:v1`), { importMode: 'Legacy' });
    expect(first.digest).toBe(img.digest);
    expect(proxy.count('HEAD', new RegExp(`/manifests/${img.digest}$`))).toBe(1);
    client.newRun();
    proxy.reset();
    await client.resolve(parseImageReference(`${proxy.host}/lies/multi:v1`), { importMode: 'Legacy', knownDigest: img.digest });
    expect(proxy.count('HEAD', new RegExp(`/manifests/${img.digest}$`))).toBe(0);
    await client.close();
  });
});
