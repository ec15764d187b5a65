/**
 * Cloud registry identities through the built CLI (`node dist/cli/main.js image info …`), as users
 * run it: nothing injected, only the environment each cloud's SDK reads.
 *
 * - Amazon ECR: AWS_ENDPOINT_URL_ECR -> a loopback GetAuthorizationToken (AWS JSON 1.1, SigV4
 *   checked; X-Amz-Target, request and answer checked against ECR's model as @aws-sdk/client-ecr
 *   carries it, test/harness/aws-json-model.ts) whose token opens a real htpasswd docker-registry. The SDK's default credential chain
 *   in three of its links: environment keys; IRSA (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE ->
 *   a loopback STS AssumeRoleWithWebIdentity via AWS_ENDPOINT_URL_STS); EKS Pod Identity
 *   (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE -> a loopback
 *   credentials agent). ECR checks that the request is signed with the temporary credentials.
 * - Google Artifact Registry: GCE_METADATA_HOST -> a loopback metadata server; `oauth2accesstoken`
 *   + the access token at the real registry's token server.
 * - Azure Container Registry: workload identity (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID,
 *   AZURE_TENANT_ID, AZURE_AUTHORITY_HOST) -> a loopback Entra over TLS trusted through
 *   NODE_EXTRA_CA_CERTS -> `/oauth2/exchange` -> `/oauth2/token` in front of the real registry.
 *
 * Each run records which cloud SDK the process resolved (test/harness/record-sdk-imports.mjs): an
 * SDK loads only when a host of its cloud appears.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsJsonOperation, type AwsJsonOperation } from '../harness/aws-json-model.js';
import { startAcrFront, startEntraStandIn, type AcrFront, type EntraStandIn } from '../harness/azure-stand-ins.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../harness/registry.js';
import { makeTlsMaterial, type TlsMaterial } from '../harness/tls.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** The package bin: esbuild's bundle, each SDK in a chunk of its own loaded on first import(). */
const BUNDLED_BIN = fileURLToPath(new URL('../../dist/cli/tagstream.js', import.meta.url));
const CHUNK_MARKERS: [string, string][] = [
  ['@aws-sdk/client-ecr', 'GetAuthorizationTokenCommand=class'],
  ['google-auth-library', 'GoogleAuth=class'],
  ['@azure/identity', 'DefaultAzureCredential=class'],
];
const RECORD = fileURLToPath(new URL('../harness/record-sdk-imports.mjs', import.meta.url));
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const FEDERATED = 'eyJhbGciOiJSUzI1NiJ9.projected-service-account-token.sig';
/** Identity material of the failure cases: none of it may reach the output. */
const REVOKED_KEY = 'AKIDREVOKEDTAGSTREAM';
const REVOKED_SECRET = 'revoked-secret-key-Do-Not-Leak-0815';
const UNTRUSTED_ASSERTION = 'untrusted-projected-token-Do-Not-Leak-4242';
/** IRSA: the role and the projected service-account token EKS mounts for it. */
const ROLE_ARN = 'arn:aws:iam::123456789012:role/tagstream-ecr-pull';
const IRSA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.irsa-projected-service-account-token.sig';
/** EKS Pod Identity: the token the agent expects in Authorization (the file EKS mounts). */
const POD_IDENTITY_TOKEN = 'eks-pod-identity-token-Do-Not-Leak-1717';

/** Temporary credentials the loopback STS and Pod Identity agent handed out: access key id -> session token. */
const temporaryKeys = new Map<string, string>();
function temporaryCredentials(prefix: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string } {
  const accessKeyId = `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;
  const sessionToken = `session-${randomBytes(24).toString('base64url')}`;
  temporaryKeys.set(accessKeyId, sessionToken);
  return { accessKeyId, secretAccessKey: randomBytes(20).toString('base64url'), sessionToken, expiration: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}
/** The access key id of a SigV4 Authorization header, if it is one for ECR in us-east-1. */
function sigv4Key(authorization: unknown): { key: string; signed: string[] } | undefined {
  const m = /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})\/\d{8}\/us-east-1\/ecr\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(String(authorization));
  return m === null ? undefined : { key: m[1]!, signed: m[2]!.split(';') };
}

interface Stub {
  readonly url: string;
  readonly host: string;
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  stop(): Promise<void>;
}

async function startStub(handle: (req: { method: string; url: string; headers: IncomingMessage['headers']; body: string }) => { status: number; headers?: Record<string, string>; body: string }): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      const out = handle(r);
      res.writeHead(out.status, { 'content-length': String(Buffer.byteLength(out.body)), ...out.headers });
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    requests,
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let dir: string;
let tls: TlsMaterial;
let plain: TestRegistry;
let basic: TestRegistry;
let tokenReg: TestRegistry;
let ecr: Stub;
/** ECR's GetAuthorizationToken as the model describes it, and where the stand-in's traffic departed from it. */
let ecrModel: AwsJsonOperation;
const ecrViolations: string[] = [];
let sts: Stub;
let podIdentity: Stub;
let metadata: Stub;
let entra: EntraStandIn;
let front: AcrFront;
const refreshTokens: Record<string, string> = {};
let metadataRefuses = false;
const users: Record<string, string> = {};
const img = makeImage({ layers: [{ 'cloud.txt': 'cloud' }] });

/** Run the CLI with exactly `env` (plus PATH and a scratch HOME); its exit, output and the SDKs it resolved. */
async function tagstream(args: string[], env: Record<string, string>, bin = BIN): Promise<{ code: number | null; stdout: string; stderr: string; sdks: string[] }> {
  const log = join(dir, `imports-${randomBytes(4).toString('hex')}.log`);
  const child = spawn(process.execPath, ['--import', RECORD, bin, ...args], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', HOME: dir, TAGSTREAM_TEST_IMPORT_LOG: log, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const lines = existsSync(log) ? (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '') : [];
  const sdks = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith('chunk ')) sdks.add(line);
    else {
      // A chunk of the bundled bin: which SDK's code it defines.
      const text = await readFile(fileURLToPath(line.slice('chunk '.length)), 'utf8');
      for (const [sdk, marker] of CHUNK_MARKERS) if (text.includes(marker)) sdks.add(sdk);
    }
  }
  return { code, stdout, stderr, sdks: [...sdks].sort() };
}

beforeAll(async () => {
  if (!existsSync(BIN)) {
    const build = spawnSync('npm', ['run', 'build:ts'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
    if (build.status !== 0) throw new Error(`npm run build:ts failed:\n${build.stdout}\n${build.stderr}`);
  }
  dir = await mkdtemp(join(tmpdir(), 'tagstream-cloud-e2e-'));
  tls = makeTlsMaterial(dir);
  await writeFile(join(dir, 'azure-identity-token'), FEDERATED);
  await writeFile(join(dir, 'untrusted-identity-token'), UNTRUSTED_ASSERTION);
  await writeFile(join(dir, 'aws-web-identity-token'), IRSA_TOKEN);
  await writeFile(join(dir, 'eks-pod-identity-token'), POD_IDENTITY_TOKEN);
  [plain, basic, tokenReg] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'token', refreshTokens, users })]);
  await Promise.all([pushImage(plain, 'team/app', 'v1', img), pushImage(basic, 'team/app', 'v1', img), pushImage(tokenReg, 'team/app', 'v1', img)]);

  const ecrSdk = await import('@aws-sdk/client-ecr');
  const probe = new ecrSdk.ECRClient({ region: 'us-east-1' });
  ecrModel = awsJsonOperation(String((probe.config as { protocolSettings?: { serviceTarget?: unknown } }).protocolSettings?.serviceTarget), ecrSdk.GetAuthorizationToken$);
  probe.destroy();
  ecr = await startStub((r) => {
    // An access key AWS does not know: its documented answer (common errors, UnrecognizedClientException).
    if (String(r.headers['authorization']).includes(`Credential=${REVOKED_KEY}/`)) {
      return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }) };
    }
    // Signed with the environment's long-term key, or with temporary credentials the stand-ins
    // issued: then the session token rides along in X-Amz-Security-Token, itself signed.
    const sig = sigv4Key(r.headers['authorization']);
    const session = sig === undefined ? undefined : temporaryKeys.get(sig.key);
    const signedBy =
      sig !== undefined &&
      (session === undefined
        ? sig.key === 'AKIDTAGSTREAMTEST' && r.headers['x-amz-security-token'] === undefined
        : r.headers['x-amz-security-token'] === session && sig.signed.includes('x-amz-security-token'));
    // The operation and its input as ECR's model (the SDK's own schema) describes them.
    const described = [...(r.headers['x-amz-target'] === ecrModel.target ? [] : [`X-Amz-Target ${String(r.headers['x-amz-target'])}`]), ...ecrModel.input(r.body)];
    ecrViolations.push(...described);
    const ok = r.method === 'POST' && r.url === '/' && r.headers['content-type'] === 'application/x-amz-json-1.1' && signedBy && described.length === 0;
    if (!ok) return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'InvalidParameterException', message: 'request does not match the API description' }) };
    const token = Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64');
    const answer = { authorizationData: [{ authorizationToken: token, expiresAt: Math.floor(Date.now() / 1000) + 43200, proxyEndpoint: `https://${basic.host}` }] };
    ecrViolations.push(...ecrModel.output(answer));
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(answer) };
  });
  // AWS STS AssumeRoleWithWebIdentity (Query protocol, form-encoded; the answer is the XML of the
  // STS API reference's example). Anything else is refused the way STS refuses it.
  sts = await startStub((r) => {
    const xml = { 'content-type': 'text/xml' };
    const form = new URLSearchParams(r.body);
    const refuse = (code: string, message: string) => ({
      status: 400,
      headers: xml,
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    });
    if (r.method !== 'POST' || new URL(r.url, 'http://x').pathname !== '/' || !String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return refuse('InvalidAction', 'not a Query API request');
    if (form.get('Action') !== 'AssumeRoleWithWebIdentity' || form.get('Version') !== '2011-06-15') return refuse('InvalidAction', 'Could not find operation');
    if (form.get('RoleArn') !== ROLE_ARN || !/^[\w+=,.@-]{2,64}$/.test(form.get('RoleSessionName') ?? '')) return refuse('ValidationError', 'RoleArn or RoleSessionName invalid');
    if (form.get('WebIdentityToken') !== IRSA_TOKEN) return refuse('InvalidIdentityToken', 'Couldn\'t retrieve verification key from your identity provider');
    const c = temporaryCredentials('ASIASTS');
    return {
      status: 200,
      headers: xml,
      body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:tagstream:tagstream</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/tagstream-ecr-pull/${form.get('RoleSessionName')}</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:${form.get('RoleSessionName')}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${c.sessionToken}</SessionToken>
      <SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>
      <Expiration>${c.expiration}</Expiration>
      <AccessKeyId>${c.accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
    };
  });
  // The EKS Pod Identity agent: GET the full URI with the mounted token as Authorization.
  podIdentity = await startStub((r) => {
    const json = { 'content-type': 'application/json' };
    if (r.method !== 'GET' || r.url !== '/v1/credentials') return { status: 404, headers: json, body: JSON.stringify({ message: 'not found' }) };
    if (r.headers['authorization'] !== POD_IDENTITY_TOKEN) return { status: 401, headers: json, body: JSON.stringify({ message: 'Service account token cannot be empty or invalid' }) };
    const c = temporaryCredentials('ASIAPOD');
    return { status: 200, headers: json, body: JSON.stringify({ AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, AccountId: '123456789012', Expiration: c.expiration }) };
  });
  metadata = await startStub((r) => {
    const flavor = { 'metadata-flavor': 'Google', 'content-type': 'application/json' };
    if (r.headers['metadata-flavor'] !== 'Google') return { status: 403, headers: flavor, body: 'Missing Metadata-Flavor:Google header.' };
    const path = new URL(r.url, 'http://x').pathname;
    if (path === '/computeMetadata/v1/instance/service-accounts/default/token' && metadataRefuses) {
      // A node whose service account lost its scopes / workload identity binding.
      return { status: 403, headers: { ...flavor, 'content-type': 'text/plain' }, body: 'The service account default has no access token for this workload.' };
    }
    if (path === '/computeMetadata/v1/instance/service-accounts/default/token') {
      const token = `ya29.stub-${randomBytes(6).toString('hex')}`;
      users['oauth2accesstoken'] = token;
      return { status: 200, headers: flavor, body: JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }) };
    }
    if (path === '/computeMetadata/v1/instance' || path === '/computeMetadata/v1/project/project-id') return { status: 200, headers: { ...flavor, 'content-type': 'text/plain' }, body: 'stub-project' };
    return { status: 404, headers: flavor, body: 'not found' };
  });
  entra = await startEntraStandIn({ tls, tenantId: TENANT, clientId: CLIENT, federatedToken: FEDERATED });
  front = await startAcrFront(tokenReg, refreshTokens, entra, TENANT);
}, 120_000);

afterAll(async () => {
  await Promise.all([front?.stop(), entra?.stop(), metadata?.stop(), ecr?.stop(), sts?.stop(), podIdentity?.stop()]);
  await Promise.all([plain?.stop(), basic?.stop(), tokenReg?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const bins = [
  ['tsc output', BIN],
  ['bundled bin', BUNDLED_BIN],
];

describe('cloud registry identities through `tagstream image info`', () => {
  it('a registry of no cloud loads no cloud SDK (tsc output and the bundled bin)', async () => {
    for (const bin of [BIN, BUNDLED_BIN]) {
      const r = await tagstream(['image', 'info', `${plain.host}/team/app:v1`], {}, bin);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(img.digest);
      expect(r.sdks).toEqual([]);
    }
  });


  it.each(bins)('Amazon ECR (%s): credentials from GetAuthorizationToken (default chain: environment keys); only the AWS SDK loads', async (_name, bin) => {
    const asked = ecr.requests.length;
    const r = await tagstream(['image', 'info', `${basic.host}/team/app:v1`], {
      TAGSTREAM_REGISTRY_IDENTITIES: `${basic.host}=ecr:us-east-1`,
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_ACCESS_KEY_ID: 'AKIDTAGSTREAMTEST',
      AWS_SECRET_ACCESS_KEY: 'secret-key-for-the-stub-only',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    }, bin);
    // On Node 20 the AWS SDK warns that it will soon need Node 22 (its own process warning); nothing else.
    if (r.stderr !== '') expect(r.stderr).toMatch(/^\(node:\d+\) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)/);
    expect(r.stderr).not.toMatch(/error|denied|unauthorized/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(img.digest);
    expect(ecr.requests.length - asked).toBe(1);
    expect(ecrViolations).toEqual([]);
    expect(r.sdks).toEqual(['@aws-sdk/client-ecr']);
    expect(r.stdout + r.stderr).not.toContain(TEST_PASSWORD);
  });

  /** Only what the chain link under test needs: no keys, no ~/.aws files, no instance metadata. */
  const awsBase = (host: string) => ({
    TAGSTREAM_REGISTRY_IDENTITIES: `${host}=ecr:us-east-1`,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
  });
  /** The ECR requests since `from`, by the access key id that signed them. */
  const ecrKeysSince = (from: number) => ecr.requests.slice(from).map((q) => sigv4Key(q.headers['authorization'])?.key);

  it.each(bins)('Amazon ECR (%s): default chain, IRSA: STS AssumeRoleWithWebIdentity, then GetAuthorizationToken signed with its temporary key', async (_name, bin) => {
    const [askedEcr, askedSts] = [ecr.requests.length, sts.requests.length];
    const r = await tagstream(['image', 'info', `${basic.host}/team/app:v1`], {
      ...awsBase(basic.host),
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'aws-web-identity-token'),
      AWS_ENDPOINT_URL_STS: sts.url,
    }, bin);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(img.digest);
    const assumed = sts.requests.slice(askedSts);
    expect(assumed).toHaveLength(1);
    const form = new URLSearchParams(assumed[0]!.body);
    expect([form.get('Action'), form.get('RoleArn'), form.get('WebIdentityToken')]).toEqual(['AssumeRoleWithWebIdentity', ROLE_ARN, IRSA_TOKEN]);
    const issuedKey = [...temporaryKeys.keys()].filter((k) => k.startsWith('ASIASTS')).at(-1);
    expect(issuedKey).toBeDefined();
    expect(ecrKeysSince(askedEcr)).toEqual([issuedKey]);
    expect(ecrViolations).toEqual([]);
    expect(r.sdks).toEqual(['@aws-sdk/client-ecr']);
    expect(r.stdout + r.stderr).not.toContain(IRSA_TOKEN);
    expect(r.stdout + r.stderr).not.toContain(temporaryKeys.get(issuedKey!)!);
  });

  it.each(bins)('Amazon ECR (%s): default chain, EKS Pod Identity: the agent (token file as Authorization), then GetAuthorizationToken signed with its key', async (_name, bin) => {
    const [askedEcr, askedAgent] = [ecr.requests.length, podIdentity.requests.length];
    const r = await tagstream(['image', 'info', `${basic.host}/team/app:v1`], {
      ...awsBase(basic.host),
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${podIdentity.url}/v1/credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, 'eks-pod-identity-token'),
    }, bin);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(img.digest);
    const asked = podIdentity.requests.slice(askedAgent);
    expect(asked.map((q) => [q.method, q.url, q.headers['authorization']])).toEqual([['GET', '/v1/credentials', POD_IDENTITY_TOKEN]]);
    const issuedKey = [...temporaryKeys.keys()].filter((k) => k.startsWith('ASIAPOD')).at(-1);
    expect(issuedKey).toBeDefined();
    expect(ecrKeysSince(askedEcr)).toEqual([issuedKey]);
    expect(ecrViolations).toEqual([]);
    expect(r.sdks).toEqual(['@aws-sdk/client-ecr']);
    expect(r.stdout + r.stderr).not.toContain(POD_IDENTITY_TOKEN);
  });

  it.each(bins)('Google Artifact Registry (%s): oauth2accesstoken from the metadata server; only google-auth-library loads', async (_name, bin) => {
    metadata.requests.length = 0;
    const r = await tagstream(['image', 'info', `${tokenReg.host}/team/app:v1`], { TAGSTREAM_REGISTRY_IDENTITIES: `${tokenReg.host}=gcp`, GCE_METADATA_HOST: metadata.host }, bin);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(img.digest);
    expect(metadata.requests.some((q) => q.url.includes('/service-accounts/default/token'))).toBe(true);
    expect(r.sdks).toEqual(['google-auth-library']);
  });

  it.each(bins)('Azure Container Registry (%s): workload identity -> Entra (TLS via NODE_EXTRA_CA_CERTS) -> /oauth2/exchange -> /oauth2/token; only @azure/identity loads', async (_name, bin) => {
    const [issued, exchanged] = [entra.issued.length, front.exchanged.length];
    const r = await tagstream(['image', 'info', `${front.host}/team/app:v1`], {
      TAGSTREAM_REGISTRY_IDENTITIES: `${front.host}=acr`,
      AZURE_FEDERATED_TOKEN_FILE: join(dir, 'azure-identity-token'),
      AZURE_CLIENT_ID: CLIENT,
      AZURE_TENANT_ID: TENANT,
      AZURE_AUTHORITY_HOST: entra.authorityHost,
      NODE_EXTRA_CA_CERTS: tls.caPath,
    }, bin);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(img.digest);
    expect(entra.issued.length - issued).toBe(1);
    expect(front.exchanged.length - exchanged).toBe(1);
    expect(entra.violations).toEqual([]);
    expect(front.violations).toEqual([]);
    expect(r.sdks).toEqual(['@azure/identity']);
    expect(r.stdout + r.stderr).not.toContain(entra.issued.at(-1)!);
  });
});

const STREAM = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: default
spec:
  tags:
  - name: v1
    from:
      kind: DockerImage
      name: ${host}/team/app:v1
    importPolicy:
      scheduled: true
`;

describe('a cloud identity that fails is named (redacted), not reported as a missing image', () => {
  const ecrEnv = (host: string) => ({
    TAGSTREAM_REGISTRY_IDENTITIES: `${host}=ecr:us-east-1`,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ACCESS_KEY_ID: REVOKED_KEY,
    AWS_SECRET_ACCESS_KEY: REVOKED_SECRET,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
  });
  const acrEnv = (host: string) => ({
    TAGSTREAM_REGISTRY_IDENTITIES: `${host}=acr`,
    AZURE_FEDERATED_TOKEN_FILE: join(dir, 'untrusted-identity-token'),
    AZURE_CLIENT_ID: CLIENT,
    AZURE_TENANT_ID: TENANT,
    AZURE_AUTHORITY_HOST: entra.authorityHost,
    NODE_EXTRA_CA_CERTS: tls.caPath,
  });
  const GENERIC = /does not exist or you don't have permission/;

  it.each(bins)('Amazon ECR (%s): a key AWS does not know -> the ECR identity and AWS\'s reason', async (_name, bin) => {
    const r = await tagstream(['image', 'info', `${basic.host}/team/app:v1`], ecrEnv(basic.host), bin);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: unable to read image ${basic.host}/team/app:v1: cannot get credentials for ${basic.host} from its Amazon ECR identity (UnrecognizedClientException): The security token included in the request is invalid.`);
    expect(r.stderr).not.toMatch(GENERIC);
    expect(r.stdout + r.stderr).not.toContain(REVOKED_SECRET);
  });

  it.each(bins)('Google Artifact Registry (%s): the metadata server refuses a token -> the identity and its reason', async (_name, bin) => {
    metadataRefuses = true;
    try {
      const r = await tagstream(['image', 'info', `${tokenReg.host}/team/app:v1`], { TAGSTREAM_REGISTRY_IDENTITIES: `${tokenReg.host}=gcp`, GCE_METADATA_HOST: metadata.host }, bin);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: unable to read image ${tokenReg.host}/team/app:v1: cannot get credentials for ${tokenReg.host} from its Google Artifact Registry identity`);
      expect(r.stderr).toContain('no access token for this workload');
      expect(r.stderr).not.toMatch(GENERIC);
    } finally {
      metadataRefuses = false;
    }
  });

  it.each(bins)('Azure Container Registry (%s): Entra refuses the workload\'s assertion -> the identity and Entra\'s reason', async (_name, bin) => {
    const r = await tagstream(['image', 'info', `${front.host}/team/app:v1`], acrEnv(front.host), bin);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: unable to read image ${front.host}/team/app:v1: cannot get credentials for ${front.host} from its Azure Container Registry identity`);
    expect(r.stderr).toContain('AADSTS700213');
    expect(r.stderr).not.toMatch(GENERIC);
    expect(r.stdout + r.stderr).not.toContain(UNTRUSTED_ASSERTION);
    expect(entra.violations).toEqual([]);
  });

  it('reconcile: the failed tag names the identity; the recorded condition is stable (no trace ids), so a second run changes nothing', async () => {
    const repo = join(dir, 'reconcile-acr');
    await mkdir(join(repo, 'imagestreams'), { recursive: true });
    const file = join(repo, 'imagestreams', 'app.yaml');
    await writeFile(file, STREAM(front.host));
    expect(spawnSync('git', ['init', '-q', '-b', 'main', repo]).status).toBe(0);
    const first = await tagstream(['reconcile', '--repo', repo], acrEnv(front.host));
    const told = first.stdout + first.stderr;
    expect(first.code, told).toBe(1);
    // told: the recorded message, then Entra's own words (trace ids and all)
    expect(told).toContain(`error: tag default/app:v1 failed (Unauthorized): you may not have access to the container image "${front.host}/team/app:v1": cannot get credentials for ${front.host} from its Azure Container Registry identity`);
    expect(told).toContain('AADSTS700213');
    expect(told).not.toMatch(GENERIC);
    expect(told).not.toContain(UNTRUSTED_ASSERTION);
    const written = await readFile(file, 'utf8');
    expect(written).toContain(`you may not have access to the container image "${front.host}/team/app:v1": cannot get credentials for ${front.host} from its Azure Container Registry identity`);
    expect(written).not.toMatch(/Trace ID|Correlation ID|AADSTS/);
    await new Promise((r) => setTimeout(r, 1100)); // a later second: only a changed message could rewrite the file
    const second = await tagstream(['reconcile', '--repo', repo], acrEnv(front.host));
    expect(second.code, second.stdout + second.stderr).toBe(1);
    expect(second.stdout + second.stderr).toContain('AADSTS700213'); // asked again (scheduled), refused again
    expect(await readFile(file, 'utf8')).toBe(written);
  });
});
