/**
 * The client against small spec-following HTTP servers on loopback (behaviour docker-registry 2.8
 * does not show: tag paging, missing digest headers, blob redirects to another host, scope
 * growth) and against undici's MockAgent for non-loopback hosts (Docker Hub mapping, https only).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { registryRejection } from '../../harness/registry.js';
import type { Log } from '../../../src/ports/log.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
interface Fake {
  host: string;
  seen: Seen[];
  stop(): Promise<void>;
}
const running: Fake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

async function fake(handler: (req: IncomingMessage, res: ServerResponse) => void, address = '127.0.0.1'): Promise<Fake> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const f: Fake = {
    host: `${address}:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  running.push(f);
  return f;
}

function image(): { manifest: Buffer; config: Buffer } {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2020-01-01T00:00:00Z', config: { Labels: { a: 'b' } }, rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [] }),
  );
  return { manifest, config };
}

describe('tag list paging (Link)', () => {
  const pages: Record<string, { tags: string[]; link?: string }> = {
    '': { tags: ['a', 'b'], link: '</v2/p/app/tags/list?last=b&n=2>; rel="next"' },
    b: { tags: ['c', 'd'], link: '</v2/p/app/tags/list?last=d&n=2>; rel="next"' },
    d: { tags: ['e'] },
  };

  it('follows relative next links until none is left', async () => {
    const f = await fake((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (url.pathname === '/v2/') return res.writeHead(200).end('{}');
      const page = pages[url.searchParams.get('last') ?? ''];
      if (!page || url.searchParams.get('n') !== '2') return res.writeHead(400).end();
      res.writeHead(200, { 'content-type': 'application/json', ...(page.link ? { link: page.link } : {}) }).end(JSON.stringify({ name: 'p/app', tags: page.tags }));
    });
    const client = createRegistryClient({ tagsPageSize: 2 });
    expect(await client.listTags(parseImageReference(`${f.host}/p/app`))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(client.stats().tagsList).toBe(3);
    // identical lookups in one run are made once
    expect(await client.listTags(parseImageReference(`${f.host}/p/app`))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(client.stats().tagsList).toBe(3);
    await client.close();
  });

  it('refuses a next link to another host', async () => {
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      res.writeHead(200, { link: '<http://127.0.0.2:9/v2/p/app/tags/list?last=b>; rel="next"' }).end(JSON.stringify({ tags: ['a'] }));
    });
    const client = createRegistryClient();
    const e = await registryRejection(client.listTags(parseImageReference(`${f.host}/p/app`)));
    expect(e.code).toBe('RegistryProtocol');
    expect(e.message).toContain('another host');
    await client.close();
  });
});

describe('manifest integrity', () => {
  it('GETs and hashes the exact bytes when HEAD has no Docker-Content-Digest', async () => {
    const { manifest } = image();
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': String(manifest.length) });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    const client = createRegistryClient();
    const r = await client.resolve(parseImageReference(`${f.host}/p/app:v1`), { importMode: 'Legacy' });
    expect(r.digest).toBe(sha(manifest));
    expect(client.stats()).toMatchObject({ manifestHead: 1, manifestGet: 1 });
    await client.close();
  });

  it('falls back to GET when the registry does not support HEAD (405)', async () => {
    const { manifest } = image();
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      if (req.method === 'HEAD') return res.writeHead(405).end();
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(manifest) }).end(manifest);
    });
    const client = createRegistryClient();
    expect((await client.resolve(parseImageReference(`${f.host}/p/app:v1`), { importMode: 'PreserveOriginal' })).digest).toBe(sha(manifest));
    expect(client.stats()).toMatchObject({ manifestHead: 1, manifestGet: 1 });
    await client.close();
  });

  it('reads the manifest when HEAD has no Content-Type, so an index is still recognised', async () => {
    const child = (arch: string): { digest: string; mediaType: string; size: number; platform: { os: string; architecture: string } } => ({
      digest: sha(arch), mediaType: OCI_MANIFEST, size: 1, platform: { os: 'linux', architecture: arch },
    });
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [child('arm64'), child('amd64')] }));
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      if (req.method === 'HEAD') return res.writeHead(200, { 'docker-content-digest': sha(index) }).end();
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }).end(index);
    });
    const client = createRegistryClient();
    const r = await client.resolve(parseImageReference(`${f.host}/p/multi:v1`), { importMode: 'Legacy', knownDigest: sha('amd64') });
    expect(r).toMatchObject({ digest: sha('amd64'), indexDigest: sha(index) });
    await client.close();
  });

  it('refuses a body that does not match the digest the registry claims', async () => {
    const { manifest } = image();
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': `sha256:${'1'.repeat(64)}` }).end(manifest);
    });
    const client = createRegistryClient();
    const e = await registryRejection(client.inspect(parseImageReference(`${f.host}/p/app:v1`)));
    expect(e.code).toBe('RegistryProtocol');
    expect(e.message).toContain('content integrity error');
    await client.close();
  });

  it('refuses schema1 manifests with a clear error', async () => {
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'docker-content-digest': `sha256:${'2'.repeat(64)}` }).end();
    });
    const client = createRegistryClient();
    const e = await registryRejection(client.resolve(parseImageReference(`${f.host}/old/app:v1`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryProtocol');
    expect(e.message).toContain('schema1');
    await client.close();
  });
});

describe('blob redirects', () => {
  it('follows a redirect to another host without the registry credentials', async () => {
    const { manifest, config } = image();
    const cdn = await fake((_req, res) => res.writeHead(200).end(config), '127.0.0.2');
    const reg = await fake((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('u:p4ssw0rd').toString('base64')}`) {
        return res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
      }
      if (req.url?.includes('/manifests/')) return res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(manifest) }).end(manifest);
      if (req.url?.includes('/blobs/')) return res.writeHead(307, { location: `http://${cdn.host}/signed/blob?sig=abc` }).end();
      res.writeHead(200).end('{}');
    });
    const client = createRegistryClient({ credentials: async () => ({ username: 'u', password: 'p4ssw0rd' }) });
    const meta = await client.inspect(parseImageReference(`${reg.host}/p/app:v1`));
    expect(meta.labels).toEqual({ a: 'b' });
    expect(meta.size).toBe(config.length);
    expect(cdn.seen).toHaveLength(1);
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
    expect(reg.seen.some((s) => s.url.includes('/blobs/') && s.headers.authorization?.startsWith('Basic '))).toBe(true);
    await client.close();
  });
});

describe('bearer scope growth', () => {
  it('retries once with the scope named by an insufficient_scope challenge', async () => {
    const tokenScopes: string[][] = [];
    const { manifest } = image();
    let realm = '';
    const f = await fake((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (url.pathname === '/token') {
        const scopes = url.searchParams.getAll('scope');
        tokenScopes.push(scopes);
        return res.writeHead(200).end(JSON.stringify({ token: Buffer.from(scopes.join(' ')).toString('base64url'), expires_in: 300 }));
      }
      const challenge = `Bearer realm="${realm}",service="fake"`;
      if (url.pathname === '/v2/') return res.writeHead(401, { 'www-authenticate': challenge }).end();
      const granted = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''), 'base64url').toString();
      if (!granted.includes('repository:extra/thing:pull')) {
        return res.writeHead(401, { 'www-authenticate': `${challenge},scope="repository:p/app:pull repository:extra/thing:pull",error="insufficient_scope"` }).end();
      }
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(manifest) }).end();
    });
    realm = `http://${f.host}/token`;
    const client = createRegistryClient();
    expect((await client.resolve(parseImageReference(`${f.host}/p/app:v1`), { importMode: 'Legacy', knownDigest: sha(manifest) })).digest).toBe(sha(manifest));
    expect(tokenScopes).toEqual([['repository:p/app:pull'], ['repository:p/app:pull', 'repository:extra/thing:pull']]);
    await client.close();
  });
});

describe('timeouts', () => {
  it('gives up on a registry that never answers', async () => {
    const f = await fake(() => undefined); // accept, never respond
    const client = createRegistryClient({ timeoutMs: 300, retries: 1, retryBaseMs: 5 });
    const started = Date.now();
    const e = await registryRejection(client.resolve(parseImageReference(`${f.host}/p/app:v1`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryTransient');
    expect(e.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.close();
  });
});

describe('non-loopback registries (MockAgent)', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  it('maps docker.io to registry-1.docker.io with library/, over https, with an anonymous token', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const hub = mock.get('https://registry-1.docker.io');
    const auth = mock.get('https://auth.docker.io');
    let tokenPath = '';
    hub.intercept({ path: '/v2/', method: 'GET' }).reply(401, '', {
      headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' },
    });
    auth.intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' }).reply(200, (opts) => {
      tokenPath = String(opts.path);
      return JSON.stringify({ token: 'hub-token-0123456789abcdef', expires_in: 300 });
    });
    hub
      .intercept({ path: '/v2/library/busybox/manifests/latest', method: 'HEAD', headers: { authorization: 'Bearer hub-token-0123456789abcdef' } })
      .reply(200, '', { headers: { 'docker-content-digest': digest, 'content-type': OCI_MANIFEST } });
    const lines: string[] = [];
    const log: Log = {
      debug: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      info: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      error: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    };
    const client = createRegistryClient({ dispatcher: mock, log });
    expect(await client.resolve(parseImageReference('busybox'), { importMode: 'Legacy', knownDigest: digest })).toEqual({ digest, mediaType: OCI_MANIFEST });
    const q = new URL(tokenPath, 'https://auth.docker.io').searchParams;
    expect(q.get('service')).toBe('registry.docker.io');
    expect(q.getAll('scope')).toEqual(['repository:library/busybox:pull']);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('hub-token-0123456789abcdef');
    mock.assertNoPendingInterceptors();
    await mock.close();
  });

  it('refuses blob redirects to loopback or to plain HTTP from a remote https registry', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', digest: sha(config), size: config.length }, layers: [] }));
    for (const [location, code] of [
      ['http://127.0.0.1:9/blob', 'RegistryProtocol'],
      ['http://cdn.example.com/blob', 'RegistryInsecure'],
    ] as const) {
      const mock = new MockAgent();
      mock.disableNetConnect();
      const pool = mock.get('https://registry.example.com');
      pool.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
      pool.intercept({ path: '/v2/a/b/manifests/v1', method: 'GET' }).reply(200, manifest, { headers: { 'content-type': OCI_MANIFEST } });
      pool.intercept({ path: `/v2/a/b/blobs/${sha(config)}`, method: 'GET' }).reply(307, '', { headers: { location } });
      const client = createRegistryClient({ dispatcher: mock });
      const e = await registryRejection(client.inspect(parseImageReference('registry.example.com/a/b:v1')));
      expect(e.code).toBe(code);
      await mock.close();
    }
  });

  it('refuses a plain-http token realm for a non-loopback registry', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('https://registry.example.com').intercept({ path: '/v2/', method: 'GET' }).reply(401, '', {
      headers: { 'www-authenticate': 'Bearer realm="http://auth.example.com/token",service="x"' },
    });
    const client = createRegistryClient({ dispatcher: mock, credentials: async () => ({ username: 'u', password: 'secret-pw' }) });
    const e = await registryRejection(client.resolve(parseImageReference('registry.example.com/team/app:v1'), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryInsecure');
    expect(e.message).toContain('not https');
    await mock.close();
  });

  it('does not fall back to http for a non-loopback registry', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const err = Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    mock.get('https://registry.example.com').intercept({ path: '/v2/', method: 'GET' }).replyWithError(err);
    const plain = mock.get('http://registry.example.com');
    plain.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
    const client = createRegistryClient({ dispatcher: mock, retries: 0 });
    const e = await registryRejection(client.resolve(parseImageReference('registry.example.com/team/app:v1'), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryInsecure');
    expect(e.message).toContain('does not speak TLS');
    expect(mock.pendingInterceptors()).toHaveLength(1); // the http one was never used
    await mock.close();
  });
});

describe('connection reuse', () => {
  it('resolves many tags over kept-alive connections: a HEAD does not close its socket', async () => {
    const { manifest } = image();
    let connections = 0;
    const server = createServer((req, res) => {
      if (req.url === '/v2/') return res.end('{}');
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(manifest), 'content-length': String(manifest.length) });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createRegistryClient({ maxConcurrencyPerRegistry: 1 });
    try {
      for (let i = 0; i < 12; i++) await client.resolve(parseImageReference(`${host}/app:t${i}`), { importMode: 'Legacy', knownDigest: sha(manifest) });
      expect(client.stats().manifestHead).toBe(12);
      // the https probe of the loopback host and the plain-HTTP ping may open their own sockets
      expect(connections).toBeLessThanOrEqual(3);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('resolves admitted per registry', () => {
  /** A registry answering each manifest HEAD after `delayMs`, counting HEADs in flight. */
  async function slowRegistry(delayMs: number, manifest: Buffer): Promise<{ host: string; peak: () => number; heads: () => number }> {
    let inFlight = 0;
    let peak = 0;
    let heads = 0;
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.end('{}');
      heads++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(manifest), 'content-length': String(manifest.length) });
        res.end(req.method === 'HEAD' ? undefined : manifest);
      }, delayMs);
    });
    return { host: f.host, peak: () => peak, heads: () => heads };
  }

  it('never has more than maxConcurrencyPerRegistry HEADs in flight when every tag is asked at once', async () => {
    const { manifest } = image();
    const reg = await slowRegistry(20, manifest);
    const client = createRegistryClient({ maxConcurrencyPerRegistry: 3 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => client.resolve(parseImageReference(`${reg.host}/app:t${i}`), { importMode: 'Legacy', knownDigest: sha(manifest) })),
      );
      expect(answers.every((a) => a.digest === sha(manifest))).toBe(true);
      expect(reg.heads()).toBe(30);
      expect(reg.peak()).toBe(3);
    } finally {
      await client.close();
    }
  });

  it("a tag waiting for its turn is not charged the wait: each request's deadline starts when it is sent", async () => {
    const { manifest } = image();
    // 12 tags, one at a time, 150 ms each: the last is sent ~1.65 s after it was asked for, far past the
    // 600 ms request deadline; each request itself takes 150 ms.
    const reg = await slowRegistry(150, manifest);
    const client = createRegistryClient({ maxConcurrencyPerRegistry: 1, requestTimeoutMs: 600, retries: 0 });
    try {
      const answers = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => client.resolve(parseImageReference(`${reg.host}/app:t${i}`), { importMode: 'Legacy', knownDigest: sha(manifest) })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 12 }, () => 'fulfilled'));
      expect(reg.peak()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('a resolve that fails frees its turn for the next one', async () => {
    const { manifest } = image();
    const f = await fake((req, res) => {
      if (req.url === '/v2/') return res.end('{}');
      if (req.url?.includes('/manifests/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
      }
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha(manifest), 'content-length': String(manifest.length) });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    const client = createRegistryClient({ maxConcurrencyPerRegistry: 1 });
    try {
      const asks = [
        ...Array.from({ length: 3 }, () => client.resolve(parseImageReference(`${f.host}/app:missing`), { importMode: 'Legacy' })),
        ...Array.from({ length: 3 }, (_, i) => client.resolve(parseImageReference(`${f.host}/app:t${i}`), { importMode: 'Legacy', knownDigest: sha(manifest) })),
      ];
      const settled = await Promise.allSettled(asks);
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    } finally {
      await client.close();
    }
  });
});
