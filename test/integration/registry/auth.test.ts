import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, type RegistryCredential } from '../../../src/adapters/registry/index.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry, registryRejection } from '../../harness/registry.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

const good: RegistryCredential = { username: TEST_USER, password: TEST_PASSWORD };
const bad: RegistryCredential = { username: TEST_USER, password: 'wrong-password-123' };

describe('htpasswd (Basic) registry', () => {
  let reg: TestRegistry;
  const img = makeImage({ layers: [{ 'basic.txt': 'basic' }] });
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushImage(reg, 'basic/app', 'v1', img);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('resolves with the right credentials, asking the source with domain and path', async () => {
    const asked: string[] = [];
    const client = createRegistryClient({
      credentials: async (registry, repository) => {
        asked.push(`${registry} ${repository}`);
        return good;
      },
    });
    const r = await client.resolve(parseImageReference(`${reg.host}/basic/app:v1`), { importMode: 'Legacy' });
    expect(r.digest).toBe(img.digest);
    expect(asked).toEqual([`${reg.host} basic/app`]);
    expect(client.stats().token).toBe(0);
    expect(client.stats().byStatus['401']).toBe(1); // the ping only
    await client.close();
  });

  it('answers RegistryUnauthorized without credentials and with a wrong password, never echoing the secret', async () => {
    const anon = createRegistryClient();
    const e1 = await registryRejection(anon.resolve(parseImageReference(`${reg.host}/basic/app:v1`), { importMode: 'Legacy' }));
    expect(e1.code).toBe('RegistryUnauthorized');
    expect(e1.status).toBe(401);

    const wrong = createRegistryClient({ credentials: async () => bad });
    const e2 = await registryRejection(wrong.resolve(parseImageReference(`${reg.host}/basic/app:v1`), { importMode: 'Legacy' }));
    expect(e2.code).toBe('RegistryUnauthorized');
    expect(e2.message).not.toContain('wrong-password-123');
    expect(JSON.stringify({ ...e2, stack: e2.stack })).not.toContain(Buffer.from(`${TEST_USER}:wrong-password-123`).toString('base64'));
    await Promise.all([anon.close(), wrong.close()]);
  });
});

describe('token (Bearer) registry', () => {
  let reg: TestRegistry;
  const v1 = makeImage({ layers: [{ 'tok.txt': 'v1' }] });
  const v2 = makeImage({ layers: [{ 'tok.txt': 'v2' }] });
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', refreshTokens: { 'refresh-abc-123': TEST_USER } });
    await pushImage(reg, 'tok/app', 'v1', v1);
    await pushImage(reg, 'tok/app', 'v2', v2);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('gets an anonymous pull token once and reuses it across tags and runs', async () => {
    const before = reg.tokenServer?.requests.length ?? 0;
    const client = createRegistryClient();
    // v1 is new (a HEAD by digest proves it is served), v2 is pinned already
    expect((await client.resolve(parseImageReference(`${reg.host}/tok/app:v1`), { importMode: 'Legacy' })).digest).toBe(v1.digest);
    expect((await client.resolve(parseImageReference(`${reg.host}/tok/app:v2`), { importMode: 'Legacy', knownDigest: v2.digest })).digest).toBe(v2.digest);
    expect((await client.resolve(parseImageReference(`${reg.host}/tok/app:v1`), { importMode: 'Legacy' })).digest).toBe(v1.digest);
    // ping: one https attempt (loopback may be TLS) + one plain-HTTP /v2/, once per host
    expect(client.stats()).toMatchObject({ token: 1, manifestHead: 3, ping: 2 });
    client.newRun();
    expect((await client.resolve(parseImageReference(`${reg.host}/tok/app:v1`), { importMode: 'Legacy', knownDigest: v1.digest })).digest).toBe(v1.digest);
    expect(client.stats()).toMatchObject({ token: 1, manifestHead: 4, ping: 2 });
    const mine = reg.tokenServer?.requests.slice(before) ?? [];
    expect(mine).toEqual([{ method: 'GET', user: '', scopes: ['repository:tok/app:pull'], status: 200 }]);
    await client.close();
  });

  it('sends Basic credentials to the token realm, and maps a refusal to RegistryUnauthorized', async () => {
    const before = reg.tokenServer?.requests.length ?? 0;
    const client = createRegistryClient({ credentials: async () => good });
    expect((await client.resolve(parseImageReference(`${reg.host}/tok/app:v2`), { importMode: 'Legacy' })).digest).toBe(v2.digest);
    expect(reg.tokenServer?.requests.slice(before)).toEqual([{ method: 'GET', user: TEST_USER, scopes: ['repository:tok/app:pull'], status: 200 }]);

    const wrong = createRegistryClient({ credentials: async () => bad });
    const e = await registryRejection(wrong.resolve(parseImageReference(`${reg.host}/tok/app:v2`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryUnauthorized');
    expect(e.message).not.toContain('wrong-password-123');
    await Promise.all([client.close(), wrong.close()]);
  });

  it('uses the OAuth2 POST flow for an identity token and a registry token as is', async () => {
    const before = reg.tokenServer?.requests.length ?? 0;
    const oauth = createRegistryClient({ credentials: async () => ({ identityToken: 'refresh-abc-123' }) });
    expect((await oauth.resolve(parseImageReference(`${reg.host}/tok/app:v1`), { importMode: 'Legacy' })).digest).toBe(v1.digest);
    expect(reg.tokenServer?.requests.slice(before)).toEqual([{ method: 'POST', user: TEST_USER, scopes: ['repository:tok/app:pull'], status: 200 }]);

    const ready = reg.tokenServer?.issue(TEST_USER, ['repository:tok/app:pull']) ?? '';
    const direct = createRegistryClient({ credentials: async () => ({ registryToken: ready }) });
    const count = reg.tokenServer?.requests.length ?? 0;
    expect((await direct.resolve(parseImageReference(`${reg.host}/tok/app:v2`), { importMode: 'Legacy' })).digest).toBe(v2.digest);
    expect(reg.tokenServer?.requests.length).toBe(count);
    expect(direct.stats().token).toBe(0);
    await Promise.all([oauth.close(), direct.close()]);
  });

  it('reports a missing repository as not found through token auth', async () => {
    const client = createRegistryClient();
    const e = await registryRejection(client.resolve(parseImageReference(`${reg.host}/tok/absent:v1`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryNotFound');
    await client.close();
  });
});

describe('token server without OAuth2 POST', () => {
  let reg: TestRegistry;
  const img = makeImage({ layers: [{ 'nopost.txt': 'x' }] });
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', tokenPostDisabled: true });
    await pushImage(reg, 'tok/nopost', 'v1', img);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('falls back from POST (404) to GET', async () => {
    const client = createRegistryClient({ credentials: async () => ({ ...good, identityToken: 'unknown-refresh' }) });
    expect((await client.resolve(parseImageReference(`${reg.host}/tok/nopost:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(reg.tokenServer?.requests.map((r) => `${r.method} ${r.status} ${r.user}`)).toEqual(['POST 404 ', `GET 200 ${TEST_USER}`]);
    expect(client.stats().token).toBe(2);
    await client.close();
  });
});
