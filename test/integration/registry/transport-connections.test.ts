/**
 * #16 CPU per HEAD: the transport's pool of an origin keeps no more connections than its host has
 * limiter slots (a slot released in a response callback used to open a new connection: 16 for 8
 * slots); streamed bodies, which free their slot when headers arrive, use a pool of their own, so a
 * copy within one registry (one blob read while another request runs) never waits for a connection.
 * A real undici Pool against an HTTP server on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport, type HttpRequest } from '../../../src/adapters/registry/transport.js';
import { silentLog } from '../../../src/ports/log.js';

describe('transport connections per origin', () => {
  let server: Server;
  let host: string;
  const sockets = new Set<string>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(`${req.socket.remotePort}`);
      if (req.url === '/v2/blob') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(64 * 1024, 1));
        return;
      }
      res.writeHead(200, { 'docker-content-digest': `sha256:${'c'.repeat(64)}`, 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(req.method === 'HEAD' ? undefined : '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const transport = (maxConcurrencyPerRegistry: number) =>
    new Transport({ timeoutMs: 5000, requestTimeoutMs: 60_000, runTimeoutMs: 900_000, retries: 0, retryBaseMs: 1, maxRetryAfterMs: 1000, maxConcurrencyPerRegistry, userAgent: 't', log: silentLog });
  const request = (path: string, method: HttpRequest['method'], extra: Partial<HttpRequest> = {}): HttpRequest => ({ url: new URL(`http://${host}${path}`), method, kind: method === 'HEAD' ? 'manifestHead' : 'manifestGet', tls: 'verified', registry: host, ...extra });

  it('as many connections as the host has slots, however many requests are asked at once', async () => {
    const t = transport(4);
    try {
      sockets.clear();
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => t.send(request(`/v2/app/manifests/${i}`, i % 5 === 0 ? 'GET' : 'HEAD'))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(sockets.size).toBeGreaterThan(0);
      expect(sockets.size).toBeLessThanOrEqual(4);
    } finally {
      await t.close();
    }
  });

  it('a streamed body left unread does not hold up the next request to the same registry (one slot)', async () => {
    const t = transport(1);
    try {
      const blob = await t.send(request('/v2/blob', 'GET', { kind: 'blobGet', stream: true }));
      expect(blob.stream).toBeDefined();
      // the stream is not read yet: its slot is free and its connection is its own pool's
      const head = await t.send(request('/v2/app/manifests/1', 'HEAD'));
      expect(head.status).toBe(200);
      let bytes = 0;
      for await (const chunk of blob.stream!) bytes += (chunk as Buffer).length;
      expect(bytes).toBe(64 * 1024);
    } finally {
      await t.close();
    }
  }, 10_000);
});
