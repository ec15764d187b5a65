// GitHub App installation tokens (@octokit/auth-app) against a loopback GitHub API whose request
// and response are validated against GitHub's OpenAPI description (@octokit/openapi): the JWT is
// RS256-signed by the App key, the token is cached until near expiry, failures are typed and redacted.
import { generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubAppTokenSource } from '../../../src/adapters/code-host/github-app-token.js';
import { parseDaemonSettings } from '../../../src/config/daemon-settings.js';
import { TagstreamError } from '../../../src/errors.js';
import { loadGitHubOpenApi, matchOperation, validateRequest, validateResponse, type OpenApiDocument } from '../../harness/github-api.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
let doc: OpenApiDocument;
let server: Server;
let apiUrl = '';
const violations: string[] = [];
let minted = 0;
let failNext = 0;

beforeAll(async () => {
  doc = loadGitHubOpenApi();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = matchOperation(doc, req.method ?? 'GET', url.pathname);
    if (!m || m.operation.operationId !== 'apps/create-installation-access-token') {
      violations.push(`unexpected ${req.method} ${url.pathname}`);
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      violations.push(...validateRequest(doc, m, url.searchParams, text ? JSON.parse(text) : undefined));
      const jwt = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const [h, p, sig] = jwt.split('.');
      const signed = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig ?? '', 'base64url'));
      let claims: { iss?: unknown } = {};
      try {
        claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
      } catch {
        violations.push(`not a JWT: ${req.headers.authorization ?? '(no authorization)'}`);
      }
      if (failNext > 0 || !signed || String(claims.iss) !== '4242') {
        failNext = Math.max(0, failNext - 1);
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com' }));
        return;
      }
      minted++;
      const body = { token: `ghs_installationToken${minted}abcdefghijklmnop`, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: 'write', pull_requests: 'write' }, repository_selection: 'selected' };
      violations.push(...validateResponse(doc, m, 201, body));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('GitHub App installation tokens', () => {
  it('mints a token with an RS256 JWT and reuses it until it nears expiry', async () => {
    const token = githubAppTokenSource({ appId: '4242', installationId: '77', privateKey: PEM, apiUrl });
    expect(await token()).toBe('ghs_installationToken1abcdefghijklmnop');
    expect(await token()).toBe('ghs_installationToken1abcdefghijklmnop');
    expect(minted).toBe(1);
    expect(violations).toEqual([]);
  });

  it('says which App and installation failed, without the key', async () => {
    failNext = 1;
    const err = await githubAppTokenSource({ appId: '4242', installationId: '78', privateKey: PEM, apiUrl })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TagstreamError);
    expect((err as Error).message).toMatch(/^GitHub App 4242: cannot get an installation token for installation 78 \(HTTP 401\)/);
    expect((err as Error).message).not.toContain('PRIVATE KEY');
  });

  it('serve reads the App settings, and refuses half of them', () => {
    const files: Record<string, string> = { '/k.pem': PEM };
    const s = parseDaemonSettings({ flags: { repoUrl: 'https://github.com/o/r.git', dataDir: '/d', githubAppId: '4242', githubAppInstallationId: '77', githubAppPrivateKeyFile: '/k.pem' }, env: {}, readFile: (p) => files[p] ?? '' });
    expect(s.githubApp).toMatchObject({ appId: '4242', installationId: '77', apiUrl: 'https://api.github.com' });
    expect(() => parseDaemonSettings({ flags: { repoUrl: 'https://github.com/o/r.git', dataDir: '/d', githubAppId: '4242' }, env: {}, readFile: () => '' })).toThrow(/needs --github-app-id, --github-app-installation-id and --github-app-private-key-file/);
  });
});
