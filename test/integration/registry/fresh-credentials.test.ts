/**
 * Credentials are re-read when their files change and when the registry refuses them (#12 point 8),
 * against the real docker-registry with htpasswd (Basic) and token (Bearer) auth.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { dockerConfigCredentials } from '../../../src/adapters/registry/credentials/docker-credentials.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, registryRejection, startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../../harness/registry.js';

const config = (host: string, password: string) => JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${TEST_USER}:${password}`).toString('base64') } } });

describe.each(['htpasswd', 'token'] as const)('fresh credentials (%s registry)', (auth) => {
  let reg: TestRegistry;
  let dir: string;
  const img = makeImage({ layers: [{ 'fresh.txt': auth }] });
  beforeAll(async () => {
    reg = await startRegistry({ auth });
    await pushImage(reg, 'fresh/app', 'v1', img);
    dir = await mkdtemp(join(tmpdir(), 'tagstream-fresh-creds-'));
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a changed config.json is read again (mtime), without a restart', async () => {
    const file = join(dir, `config-${auth}-mtime.json`);
    await writeFile(file, config(reg.host, 'stale-password-1'));
    let now = 0;
    const client = createRegistryClient({ credentials: dockerConfigCredentials({ files: [file], now: () => now, recheckMs: 1000 }) });
    const refused = await registryRejection(client.resolve(parseImageReference(`${reg.host}/fresh/app:v1`), { importMode: 'Legacy' }));
    expect(refused.code).toBe('RegistryUnauthorized');
    // The Secret is refreshed (a new file with a new mtime); the next run picks it up.
    await writeFile(file, config(reg.host, TEST_PASSWORD));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    now += 1000;
    client.newRun();
    expect((await client.resolve(parseImageReference(`${reg.host}/fresh/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    await client.close();
  });

  it('a 401 makes the same request read the credentials again and retry once', async () => {
    const file = join(dir, `config-${auth}-401.json`);
    await writeFile(file, config(reg.host, TEST_PASSWORD));
    let reads = 0;
    const files = dockerConfigCredentials({ files: [file], recheckMs: 3_600_000 });
    const counting = Object.assign(async (registry: string, repository: string) => {
      reads++;
      return files(registry, repository);
    }, { invalidate: (registry: string) => files.invalidate?.(registry) });
    // First lookup caches a wrong password for the run; then the file is corrected.
    await writeFile(file, config(reg.host, 'stale-password-2'));
    const client = createRegistryClient({ credentials: counting });
    const stale = await registryRejection(client.resolve(parseImageReference(`${reg.host}/fresh/app:v1`), { importMode: 'Legacy' }));
    expect(stale.code).toBe('RegistryUnauthorized');
    await writeFile(file, config(reg.host, TEST_PASSWORD));
    client.newRun();
    const before = reads;
    // recheckMs is an hour: only the 401 can make the source look at the file again.
    expect((await client.resolve(parseImageReference(`${reg.host}/fresh/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(reads).toBe(before + 2);
    await client.close();
  });
});
