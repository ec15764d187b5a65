import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { RegistryError } from '../../../src/errors.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

let reg: TestRegistry;
const img = makeImage({ layers: [{ 'tls.txt': 'tls' }] });

beforeAll(async () => {
  reg = await startRegistry({ tls: true });
  await pushImage(reg, 'secure/app', 'v1', img);
});
afterAll(async () => {
  await reg?.stop();
});

describe('TLS registry with a self-signed CA', () => {
  it('refuses an untrusted certificate with RegistryInsecure, even on loopback (no downgrade to http)', async () => {
    const client = createRegistryClient();
    let caught: unknown;
    try {
      await client.resolve(parseImageReference(`${reg.host}/secure/app:v1`), { importMode: 'Legacy' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RegistryError);
    expect((caught as RegistryError).code).toBe('RegistryInsecure');
    expect((caught as RegistryError).message).toContain('not trusted');
    await client.close();
  });

  it('verifies against an extra CA', async () => {
    const client = createRegistryClient({ caCertificates: [reg.caPem ?? ''] });
    expect((await client.resolve(parseImageReference(`${reg.host}/secure/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect((await client.inspect(parseImageReference(`${reg.host}/secure/app:v1`))).configDigest).toBe(img.configDigest);
    await client.close();
  });

  it('skips verification only for registries marked insecure', async () => {
    const perCall = createRegistryClient();
    expect((await perCall.resolve(parseImageReference(`${reg.host}/secure/app:v1`), { importMode: 'Legacy', insecure: true })).digest).toBe(img.digest);
    const configured = createRegistryClient({ insecureRegistries: [reg.host] });
    expect((await configured.resolve(parseImageReference(`${reg.host}/secure/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    await Promise.all([perCall.close(), configured.close()]);
  });
});
