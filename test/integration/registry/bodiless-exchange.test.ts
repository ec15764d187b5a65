/**
 * #16 CPU per HEAD: a HEAD goes through undici's low-level dispatch (no response stream). With a
 * real undici Pool and an HTTP server on loopback: status and headers, keep-alive, the shared
 * deadline aborting a stalled HEAD with its reason (and no listener left behind), network errors.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkErrorCode } from '../../../src/adapters/registry/network-errors.js';
import { DeadlineSignal } from '../../../src/adapters/registry/shared-deadline.js';
import { bodilessExchange } from '../../../src/adapters/registry/transport.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('bodilessExchange (HEAD through dispatch)', () => {
  let server: Server;
  let origin: string;
  const sockets = new Set<string>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(`${req.socket.remotePort}`);
      if (req.url === '/stall') return; // never answers
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'docker-content-digest': DIGEST, 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '1234', 'x-two': ['a', 'b'] });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers status and parsed headers, and keeps the connection for the next HEAD', async () => {
    const pool = new Pool(origin, { connections: 1 });
    try {
      sockets.clear();
      const signal = new DeadlineSignal();
      const ask = (path: string) => bodilessExchange(pool, { origin, path, method: 'HEAD', headers: { accept: '*/*' }, reset: false }, signal);
      const first = await ask('/v2/a/manifests/1');
      expect(first.statusCode).toBe(200);
      expect(first.headers['docker-content-digest']).toBe(DIGEST);
      expect(first.headers['x-two']).toEqual(['a', 'b']);
      expect((await ask('/missing')).statusCode).toBe(404);
      expect((await ask('/v2/a/manifests/2')).statusCode).toBe(200);
      expect(sockets.size).toBe(1);
      expect(signal.listenerCount('abort')).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('the shared deadline aborts a stalled HEAD with its reason; an aborted signal sends nothing', async () => {
    const pool = new Pool(origin);
    try {
      const signal = new DeadlineSignal();
      const pending = bodilessExchange(pool, { origin, path: '/stall', method: 'HEAD', headers: {} }, signal);
      await new Promise((r) => setTimeout(r, 50));
      expect(signal.listenerCount('abort')).toBe(1);
      signal.abort();
      await expect(pending).rejects.toBe(signal.reason);
      expect(signal.listenerCount('abort')).toBe(0);
      await expect(bodilessExchange(pool, { origin, path: '/v2/a/manifests/1', method: 'HEAD', headers: {} }, signal)).rejects.toBe(signal.reason);
    } finally {
      await pool.destroy();
    }
  });

  it('a refused connection fails with the network error the retry policy reads', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const pool = new Pool(`http://127.0.0.1:${port}`);
    try {
      const error = await bodilessExchange(pool, { origin: `http://127.0.0.1:${port}`, path: '/v2/', method: 'HEAD', headers: {} }, new DeadlineSignal()).catch((e: unknown) => e);
      expect(networkErrorCode(error)).toBe('ECONNREFUSED');
    } finally {
      await pool.close();
    }
  });
});
