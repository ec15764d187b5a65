/**
 * Azure Container Registry end to end in one process: @azure/identity's DefaultAzureCredential
 * takes the workload-identity path from the environment (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID,
 * AZURE_TENANT_ID, AZURE_AUTHORITY_HOST) to a loopback Entra token endpoint; Tagstream exchanges
 * the Entra token at the registry's `/oauth2/exchange` and the registry client trades the refresh
 * token at `/oauth2/token` for the real docker-registry behind (test/harness/azure-stand-ins.ts).
 *
 * MSAL only accepts an https authority, so the Entra stand-in serves TLS with a test CA. A worker
 * process cannot learn a CA after start-up (NODE_EXTRA_CA_CERTS is read when Node starts), so here
 * the credential gets one pipeline policy that trusts the test CA; everything else is the library's
 * own path. test/e2e/cloud-registries.test.ts runs the same through the CLI binary with
 * NODE_EXTRA_CA_CERTS and no test hook at all.
 */
import { Agent } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcrFetcher } from '../../../src/adapters/registry/credentials/azure-acr.js';
import { cloudCredentials } from '../../../src/adapters/registry/credentials/cloud-identity.js';
import { registryIdentities } from '../../../src/config/environment.js';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { startAcrFront, startEntraStandIn, type AcrFront, type EntraStandIn } from '../../harness/azure-stand-ins.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, TEST_USER, type TestRegistry } from '../../harness/registry.js';
import { makeTlsMaterial } from '../../harness/tls.js';
import { CredentialSourceError } from '../../../src/errors.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const FEDERATED = 'eyJhbGciOiJSUzI1NiJ9.projected-service-account-token.sig';

const saved = { ...process.env };
let dir: string;
let reg: TestRegistry;
let entra: EntraStandIn;
let front: AcrFront;
let trustTestCa: Agent;
const refreshTokens: Record<string, string> = {};
const img = makeImage({ layers: [{ 'acr.txt': 'acr' }] });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagstream-acr-'));
  for (const k of Object.keys(process.env)) if (/^(AWS_|GOOGLE_|GCE_|CLOUDSDK_|AZURE_|IDENTITY_|MSI_)/.test(k)) delete process.env[k];
  const tls = makeTlsMaterial(dir);
  trustTestCa = new Agent({ ca: tls.caPem });
  await writeFile(join(dir, 'azure-identity-token'), FEDERATED);
  entra = await startEntraStandIn({ tls, tenantId: TENANT, clientId: CLIENT, federatedToken: FEDERATED });
  reg = await startRegistry({ auth: 'token', refreshTokens });
  await pushImage(reg, 'team/app', 'v1', img);
  await pushImage(reg, 'team/second', 'v1', img);
  front = await startAcrFront(reg, refreshTokens, entra, TENANT);
  Object.assign(process.env, { HOME: dir, AZURE_FEDERATED_TOKEN_FILE: join(dir, 'azure-identity-token'), AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: TENANT, AZURE_AUTHORITY_HOST: entra.authorityHost });
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  trustTestCa?.destroy();
  await front?.stop();
  await entra?.stop();
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The production fetcher, its credential's transport trusting the test CA (see the file comment). */
const acr = () =>
  createAcrFetcher({
    credentialOptions: {
      additionalPolicies: [{ position: 'perCall', policy: { name: 'trust-test-ca', sendRequest: (request, next) => next(Object.assign(request, { agent: trustTestCa })) } }],
    },
  });

describe('Azure Container Registry: workload identity -> Entra -> /oauth2/exchange -> /oauth2/token', () => {
  it('pulls with the exchanged refresh token, keeps it until shortly before it expires, and exchanges again after a refusal', async () => {
    let now = Date.now();
    const credentials = cloudCredentials({ env: process.env, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: `${front.host}=acr` }), now: () => now, fetchers: { acr: acr() } });
    const client = createRegistryClient({ credentials });
    const ref = `${front.host}/team/app:v1`;

    expect((await client.resolve(parseImageReference(ref), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(entra.issued).toHaveLength(1);
    expect(front.exchanged).toHaveLength(1);
    // The registry's token came from the refresh-token grant, for the identity the exchange stands for.
    expect(reg.tokenServer!.requests.filter((r) => r.method === 'POST' && r.user === TEST_USER && r.status === 200).length).toBeGreaterThan(0);

    // Cached for the next runs (ACR refresh tokens live 3 hours) ...
    now += (3 * 3600 - 6 * 60) * 1000;
    client.newRun();
    await client.resolve(parseImageReference(ref), { importMode: 'Legacy' });
    expect(front.exchanged).toHaveLength(1);
    // ... until five minutes before the refresh token's `exp`: a new exchange (the Entra token is
    // still fresh in @azure/identity's own cache, so Entra is not asked again).
    now += 2 * 60 * 1000;
    client.newRun();
    expect((await client.resolve(parseImageReference(ref), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(front.exchanged).toHaveLength(2);
    expect(entra.issued).toHaveLength(1);

    // The registry stops accepting the refresh token (revoked, or expired early): the next token
    // request (another repository's scope) is refused, the 401 evicts the credential and the same
    // request goes through with a fresh exchange.
    front.revoke(front.exchanged.at(-1)!);
    client.newRun();
    expect((await client.resolve(parseImageReference(`${front.host}/team/second:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(front.exchanged).toHaveLength(3);
    expect(reg.tokenServer!.requests.some((r) => r.method === 'POST' && r.status === 401)).toBe(true);

    expect(entra.violations).toEqual([]);
    expect(front.violations).toEqual([]);
    await client.close();
  });

  it('asks Entra again once its token is near expiry, and exchanges the new one', async () => {
    // Tokens that live 2 minutes: inside @azure/identity's 5-minute refresh window, so each ask is a new token.
    entra.expiresIn = 120;
    try {
      let now = Date.now();
      const credentials = cloudCredentials({ env: process.env, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: `${front.host}=acr` }), now: () => now, fetchers: { acr: acr() } });
      const client = createRegistryClient({ credentials });
      front.refreshLifetime = 600;
      const before = entra.issued.length;
      expect((await client.resolve(parseImageReference(`${front.host}/team/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
      now += 10 * 60 * 1000;
      client.newRun();
      expect((await client.resolve(parseImageReference(`${front.host}/team/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
      expect(entra.issued.length - before).toBe(2);
      expect(front.violations).toEqual([]);
      await client.close();
    } finally {
      entra.expiresIn = 3599;
      front.refreshLifetime = 3 * 3600;
    }
  });

  it('a wrong federated token fails with the identity and the host named, and no token in the message', async () => {
    await writeFile(join(dir, 'azure-identity-token'), 'not-the-projected-token');
    try {
      const credentials = cloudCredentials({ env: process.env, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: `${front.host}=acr` }), fetchers: { acr: acr() } });
      const err = await credentials(front.host, 'team/app').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CredentialSourceError);
      expect((err as CredentialSourceError).brief).toMatch(new RegExp(`^cannot get credentials for ${front.host.replace(/\./g, '\\.')} from its Azure Container Registry identity`));
      expect((err as Error).message).toContain('AADSTS700213'); // Entra's answer to an assertion it does not match
      expect((err as Error).message).not.toContain('not-the-projected-token');
      expect(entra.violations).toEqual([]); // a well-formed request Entra refuses, not a malformed one
    } finally {
      await writeFile(join(dir, 'azure-identity-token'), FEDERATED);
      entra.violations.length = 0;
    }
  });
});

describe('the ACR stand-in checks requests and answers against ACR\'s data-plane description', () => {
  it('reports an exchange request outside the description: a grant_type not in its enum, a missing service, an undeclared field, a wrong content type', async () => {
    const before = front.violations.length;
    try {
      const res = await fetch(`http://${front.host}/oauth2/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', access_token: 'x', username: 'someone' }).toString(),
      });
      expect(res.status).toBe(401);
      const where = 'request: Authentication_ExchangeAadAccessTokenForAcrRefreshToken /oauth2/exchange';
      expect(front.violations.slice(before)).toEqual(
        expect.arrayContaining([
          `${where}: content type "application/json" not in consumes ["application/x-www-form-urlencoded"]`,
          `${where}: missing required form field "service"`,
          `${where} form grant_type: "client_credentials" not in enum ["access_token_refresh_token","access_token","refresh_token"]`,
          `${where}: unknown form field "username"`,
        ]),
      );
    } finally {
      front.violations.length = before;
    }
  });

  it('reports an operation the description does not have', async () => {
    const before = front.violations.length;
    try {
      await fetch(`http://${front.host}/oauth2/exchange?service=x`);
      expect(front.violations.slice(before)).toContain("GET /oauth2/exchange: no such operation in ACR's description");
    } finally {
      front.violations.length = before;
    }
  });
});
