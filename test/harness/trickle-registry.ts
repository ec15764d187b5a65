/**
 * A stalled registry on 127.0.0.1 (#12.5): it answers `/v2/` and a tag HEAD at once (without a
 * Docker-Content-Digest, so a client must GET the manifest), then sends the manifest body one byte
 * every `byteIntervalMs`: each byte arrives well within any idle timeout, the whole body takes
 * minutes. Requests are counted; stop() cuts the open connections.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TricklingRegistry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  /** Manifest GETs started so far. */
  readonly manifestGets: number;
  stop(): Promise<void>;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Start the server; `byteIntervalMs` between body bytes (default 200 ms). */
export async function startTricklingRegistry(options: { byteIntervalMs?: number } = {}): Promise<TricklingRegistry> {
  const interval = options.byteIntervalMs ?? 200;
  // a 491-byte body, as in the report (#12.5)
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, annotations: { pad: 'x'.repeat(400) } }).padEnd(491, ' '));
  const timers = new Set<NodeJS.Timeout>();
  let manifestGets = 0;
  const trickle = (res: ServerResponse): void => {
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || sent >= body.length) {
        clearInterval(timer);
        timers.delete(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(body.subarray(sent, sent + 1));
      sent++;
    }, interval);
    timers.add(timer);
  };
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (/\/manifests\//.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': String(body.length) });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      manifestGets++;
      res.flushHeaders();
      trickle(res);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get manifestGets() {
      return manifestGets;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
