/**
 * Cloud registry identities end to end in one process: the real SDKs (@aws-sdk/client-ecr,
 * google-auth-library) talk to loopback stand-ins of their token endpoints (AWS_ENDPOINT_URL_ECR,
 * GCE_METADATA_HOST), and the registry client uses what they return against the real
 * docker-registry (Basic for ECR, a token server for Artifact Registry). The stand-ins check each
 * request against the vendor's API description: ECR's AWS JSON 1.1 `GetAuthorizationToken`
 * (X-Amz-Target, input and answer against ECR's model as @aws-sdk/client-ecr carries it; SigV4
 * Authorization), the GCE metadata server's token path and Metadata-Flavor.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { cloudCredentials } from '../../../src/adapters/registry/credentials/cloud-identity.js';
import { registryIdentities } from '../../../src/config/environment.js';
import { awsJsonOperation, type AwsJsonOperation } from '../../harness/aws-json-model.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, registryRejection, startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../../harness/registry.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

interface Stub {
  readonly url: string;
  readonly host: string;
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  stop(): Promise<void>;
}

async function startStub(handle: (req: { method: string; url: string; headers: IncomingMessage['headers']; body: string }) => { status: number; headers?: Record<string, string | undefined>; body: string }): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      const out = handle(r);
      res.writeHead(out.status, { 'content-length': String(Buffer.byteLength(out.body)), ...Object.fromEntries(Object.entries(out.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined)) });
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `http://${host}`, host, requests, stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const saved = { ...process.env };
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tagstream-cloud-'));
  // Nothing of this machine's own cloud setup may leak in.
  for (const k of Object.keys(process.env)) if (/^(AWS_|GOOGLE_|GCE_|CLOUDSDK_|AZURE_)/.test(k)) delete process.env[k];
  Object.assign(process.env, { HOME: home, AWS_CONFIG_FILE: join(home, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'), AWS_EC2_METADATA_DISABLED: 'true', CLOUDSDK_CONFIG: join(home, 'gcloud') });
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await rm(home, { recursive: true, force: true });
});

describe('Amazon ECR: GetAuthorizationToken through the default credential chain', () => {
  let reg: TestRegistry;
  let ecr: Stub;
  const img = makeImage({ layers: [{ 'ecr.txt': 'ecr' }] });
  let password = 'not-yet-rotated';
  const lifetimeS = 3600;
  let ecrModel: AwsJsonOperation;
  const violations: string[] = [];

  beforeAll(async () => {
    const sdk = await import('@aws-sdk/client-ecr');
    const probe = new sdk.ECRClient({ region: 'us-east-1' });
    ecrModel = awsJsonOperation(String((probe.config as { protocolSettings?: { serviceTarget?: unknown } }).protocolSettings?.serviceTarget), sdk.GetAuthorizationToken$);
    probe.destroy();
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushImage(reg, 'team/app', 'v1', img);
    ecr = await startStub((r) => {
      // X-Amz-Target and the body as ECR's model (the SDK's own schema) describes them.
      const described = [...(r.headers['x-amz-target'] === ecrModel.target ? [] : [`X-Amz-Target ${String(r.headers['x-amz-target'])}`]), ...ecrModel.input(r.body)];
      violations.push(...described);
      const ok =
        r.method === 'POST' &&
        r.url === '/' &&
        r.headers['content-type'] === 'application/x-amz-json-1.1' &&
        /^AWS4-HMAC-SHA256 Credential=AKIDTAGSTREAMTEST\/\d{8}\/us-east-1\/ecr\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/.test(String(r.headers['authorization'])) &&
        described.length === 0;
      if (!ok) return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'InvalidParameterException', message: 'request does not match the API description' }) };
      const answer = { authorizationData: [{ authorizationToken: Buffer.from(`${TEST_USER}:${password}`).toString('base64'), expiresAt: Math.floor(Date.now() / 1000) + lifetimeS, proxyEndpoint: `https://${reg.host}` }] };
      violations.push(...ecrModel.output(answer));
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomBytes(8).toString('hex') }, body: JSON.stringify(answer) };
    });
    Object.assign(process.env, { AWS_ENDPOINT_URL_ECR: ecr.url, AWS_ACCESS_KEY_ID: 'AKIDTAGSTREAMTEST', AWS_SECRET_ACCESS_KEY: 'secret-key-for-the-stub-only' });
  });
  afterAll(async () => {
    await ecr?.stop();
    await reg?.stop();
  });

  it('fetches a token once, renews it shortly before expiry, and again after a 401', async () => {
    let now = Date.now();
    const credentials = cloudCredentials({ env: process.env, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: `${reg.host}=ecr:us-east-1` }), now: () => now });
    const client = createRegistryClient({ credentials });
    // The first token is refused (the stub's password is not the registry's yet): a 401 fetches a new one.
    const refused = await registryRejection(client.resolve(parseImageReference(`${reg.host}/team/app:v1`), { importMode: 'Legacy' }));
    expect(refused.code).toBe('RegistryUnauthorized');
    expect(ecr.requests).toHaveLength(2);
    password = TEST_PASSWORD;
    client.newRun();
    expect((await client.resolve(parseImageReference(`${reg.host}/team/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(ecr.requests).toHaveLength(3);
    // Cached for the next runs ...
    now += (lifetimeS - 6 * 60) * 1000;
    client.newRun();
    await client.resolve(parseImageReference(`${reg.host}/team/app:v1`), { importMode: 'Legacy' });
    expect(ecr.requests).toHaveLength(3);
    // ... until five minutes before it expires.
    now += 2 * 60 * 1000;
    client.newRun();
    expect((await client.resolve(parseImageReference(`${reg.host}/team/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(ecr.requests).toHaveLength(4);
    expect(violations).toEqual([]);
    await client.close();
  });

  it('the model check is live: a wrong target, an unknown input member, a mistyped answer are reported', () => {
    expect(ecrModel.target).toBe('AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
    expect(ecrModel.input('{}')).toEqual([]);
    expect(ecrModel.input('{"registryIds":["123456789012"]}')).toEqual([]);
    expect(ecrModel.input('{"registryId":"123456789012"}')).toEqual(['request: "registryId" is not a member of GetAuthorizationTokenRequest']);
    expect(ecrModel.input('{"registryIds":"123456789012"}')).toEqual(['request.registryIds: expected a list, got string']);
    expect(ecrModel.output({ authorizationData: [{ authorizationToken: 'QVdTOng=', expiresAt: '2026-12-05T22:00:00Z', proxyEndpoint: 'https://x' }] })).toEqual(['response.authorizationData[0].expiresAt: expected number, got string']);
    expect(ecrModel.output({ authorizationData: { authorizationToken: 'QVdTOng=' } })).toEqual(['response.authorizationData: expected a AuthorizationDataList list, got object']);
    expect(ecrModel.output({ authorizationData: [{ token: 'QVdTOng=' }] })).toEqual(['response.authorizationData[0]: "token" is not a member of AuthorizationData']);
  });

  it('recognises ECR hosts by name and derives the region', async () => {
    const { cloudIdentityOf } = await import('../../../src/adapters/registry/credentials/cloud-identity.js');
    expect(cloudIdentityOf('123456789012.dkr.ecr.eu-west-3.amazonaws.com')).toEqual({ provider: 'ecr', region: 'eu-west-3' });
    expect(cloudIdentityOf('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com')).toEqual({ provider: 'ecr', region: 'us-gov-west-1' });
    expect(cloudIdentityOf('europe-west1-docker.pkg.dev')).toEqual({ provider: 'gcp' });
    expect(cloudIdentityOf('eu.gcr.io')).toEqual({ provider: 'gcp' });
    expect(cloudIdentityOf('myregistry.azurecr.io')).toEqual({ provider: 'acr' });
    expect(cloudIdentityOf('ghcr.io')).toBeUndefined();
    expect(cloudIdentityOf('dkr.ecr.us-east-1.amazonaws.com.evil.example')).toBeUndefined();
  });
});

describe('Google Artifact Registry: application-default credentials from the metadata server', () => {
  let reg: TestRegistry;
  let metadata: Stub;
  const users: Record<string, string> = {};
  const img = makeImage({ layers: [{ 'gar.txt': 'gar' }] });
  let issued = 0;
  /** expires_in of the tokens the stand-in issues. */
  let lifetimeS = 3599;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', users });
    await pushImage(reg, 'proj/repo/app', 'v1', img);
    metadata = await startStub((r) => {
      const flavor = { 'metadata-flavor': 'Google', 'content-type': 'application/json' };
      if (r.headers['metadata-flavor'] !== 'Google') return { status: 403, headers: flavor, body: 'Missing Metadata-Flavor:Google header.' };
      const path = new URL(r.url, 'http://x').pathname;
      if (path === '/computeMetadata/v1/instance/service-accounts/default/token') {
        issued += 1;
        const token = `ya29.stub-${issued}-${randomBytes(6).toString('hex')}`;
        // The registry's token server accepts the newest access token only (the older ones "expired").
        users['oauth2accesstoken'] = token;
        return { status: 200, headers: flavor, body: JSON.stringify({ access_token: token, expires_in: lifetimeS, token_type: 'Bearer' }) };
      }
      if (path === '/computeMetadata/v1/instance' || path === '/computeMetadata/v1/project/project-id') return { status: 200, headers: { ...flavor, 'content-type': 'text/plain' }, body: 'stub-project' };
      return { status: 404, headers: flavor, body: 'not found' };
    });
    process.env['GCE_METADATA_HOST'] = metadata.host;
  });
  afterAll(async () => {
    await metadata?.stop();
    await reg?.stop();
  });

  // First in this block: google-auth-library keeps one token per process, and here it must hold none yet.
  it('renews the access token shortly before it expires, before the registry refuses it', async () => {
    // A 60 s token: the cache renews it a tenth of its lifetime (6 s) before expiry. The cache's clock
    // is injected (the real clock plus a skew, so a slow machine does not shift the expiry the token
    // endpoint's answer gives against it); google-auth-library's own cache (real clock) treats a token
    // this short as due (it refreshes 5 minutes ahead), so what decides here is Tagstream's cache alone.
    lifetimeS = 60;
    try {
      let skew = 0;
      const credentials = cloudCredentials({ env: process.env, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: `${reg.host}=gcp` }), now: () => Date.now() + skew });
      const ref = parseImageReference(`${reg.host}/proj/repo/app:v1`);
      const resolveOnce = async () => {
        const client = createRegistryClient({ credentials });
        try {
          return (await client.resolve(ref, { importMode: 'Legacy' })).digest;
        } finally {
          await client.close();
        }
      };
      const asked = () => metadata.requests.filter((r) => new URL(r.url, 'http://x').pathname.endsWith('/service-accounts/default/token')).length;
      expect(await resolveOnce()).toBe(img.digest);
      expect(asked()).toBe(1);
      const first = users['oauth2accesstoken'];
      // 45 s on: still 15 s to go, outside the 6 s margin -> the cached token, no new request.
      skew = 45_000;
      expect(await resolveOnce()).toBe(img.digest);
      expect(asked()).toBe(1);
      // 56 s on: inside the margin -> a new token is fetched before the registry is asked. The token
      // server accepts only the newest token (the stand-in rotates it on issue), so a stale one would
      // show as a refused (401) token request, and the renewal after a refusal as a third token.
      const seenBefore = reg.tokenServer!.requests.length;
      skew = 56_000;
      expect(await resolveOnce()).toBe(img.digest);
      expect(asked()).toBe(2);
      expect(users['oauth2accesstoken']).not.toBe(first);
      const seen = reg.tokenServer!.requests.slice(seenBefore).filter((r) => r.user === 'oauth2accesstoken');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.map((r) => r.status)).toEqual(seen.map(() => 200));
    } finally {
      lifetimeS = 3599;
    }
  });

  it('uses oauth2accesstoken + the access token; fetches a new one when the token server refuses it', async () => {
    let now = Date.now();
    const credentials = cloudCredentials({ env: process.env, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: `${reg.host}=gcp` }), now: () => now });
    const client = createRegistryClient({ credentials });
    // The library's cached 60 s token from the test above is within its own refresh window: a new one.
    issued = 0;
    const askedBefore = metadata.requests.length;
    expect((await client.resolve(parseImageReference(`${reg.host}/proj/repo/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    expect(issued).toBe(1);
    const tokenRequests = metadata.requests.slice(askedBefore).filter((r) => r.url.includes('/token'));
    expect(tokenRequests[0]?.headers['metadata-flavor']).toBe('Google');
    await client.close();
    // The access token is revoked behind our back: the token server refuses it, a new one is fetched
    // (past google-auth-library's own cache), and the same request goes through.
    users['oauth2accesstoken'] = 'revoked-elsewhere';
    now += 10_000;
    const second = createRegistryClient({ credentials });
    await expect(second.resolve(parseImageReference(`${reg.host}/proj/repo/app:v1`), { importMode: 'Legacy' })).resolves.toMatchObject({ digest: img.digest });
    expect(issued).toBe(2);
    await second.close();
  });
});
