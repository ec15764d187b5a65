import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { makeImage, makeIndex, sha256, tar } from '../../harness/oci-image.js';
import { headDigest, pushImage, startRegistry } from '../../harness/registry.js';

describe('oci-image', () => {
  it('builds byte-identical images from identical input', () => {
    expect(makeImage({ labels: { a: 'b' } }).digest).toBe(makeImage({ labels: { a: 'b' } }).digest);
    expect(makeImage({ labels: { a: 'b' } }).digest).not.toBe(makeImage({ labels: { a: 'c' } }).digest);
    const t = tar({ 'f.txt': 'x' });
    expect(t.length).toBe(512 + 512 + 1024);
    expect(sha256(t)).toBe(sha256(tar({ 'f.txt': 'x' })));
    const idx = makeIndex([makeImage()], { docker: true });
    expect(JSON.parse(idx.manifest.toString()).mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
  });
});

describe('registry harness', () => {
  it('explains a missing binary', async () => {
    await expect(startRegistry({ bin: '/nonexistent/docker-registry' })).rejects.toThrow('docker-registry not found: apt-get install -y docker-registry');
  });

  it('stops the process by PID and removes its directory', async () => {
    const reg = await startRegistry();
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(existsSync(reg.dir)).toBe(true);
    expect(() => process.kill(reg.pid, 0)).not.toThrow();
    await reg.stop();
    expect(() => process.kill(reg.pid, 0)).toThrow();
    expect(existsSync(reg.dir)).toBe(false);
  });

  it('delivers notifications with the configured headers', async () => {
    const events: { auth: string | undefined; body: { events: { action: string; target: { tag?: string; repository: string } }[] } }[] = [];
    const sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        events.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/events`;
    const reg = await startRegistry({ notifications: { url, headers: { Authorization: ['Bearer test-notify-token'] } } });
    try {
      const img = makeImage();
      expect(await pushImage(reg, 'notify/app', 'v1', img)).toBe(img.digest);
      expect((await headDigest(reg, 'notify/app', 'v1')).digest).toBe(img.digest);
      const deadline = Date.now() + 10_000;
      const pushed = (): boolean => events.some((e) => e.body.events.some((x) => x.action === 'push' && x.target.tag === 'v1'));
      while (!pushed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(pushed()).toBe(true);
      expect(events[0]?.auth).toBe('Bearer test-notify-token');
    } finally {
      await reg.stop();
      sink.closeAllConnections();
      await new Promise((resolve) => sink.close(resolve));
    }
  });
});
