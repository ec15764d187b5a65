#!/usr/bin/env node
// Generates examples/quickstart-registry/: a small OCI image layout (deterministic bytes) that
// scripts/demo-registry.mjs serves as a read-only registry for `npm run demo`. Run once; the output
// is committed. Layers are real gzip'd tar files with one text file each.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'quickstart-registry');
const blobs = new Map();
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const put = (bytes) => {
  const d = sha(bytes);
  blobs.set(d, bytes);
  return { digest: d, size: bytes.length };
};

function tarOne(name, content) {
  const body = Buffer.from(content);
  const h = Buffer.alloc(512, 0);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512, 0);
  return Buffer.concat([h, body, pad, Buffer.alloc(1024, 0)]);
}

function image({ app, version, arch = 'amd64', created }) {
  const tar = tarOne(`srv/${app}/VERSION`, `${app} ${version} ${arch}\n`);
  const layer = put(gzipSync(tar, { level: 9, mtime: 0 }));
  const config = put(
    Buffer.from(
      JSON.stringify({
        created,
        architecture: arch,
        os: 'linux',
        config: {
          Entrypoint: [`/srv/${app}/bin/${app}`],
          Cmd: ['--port=8080'],
          Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `APP_VERSION=${version}`],
          WorkingDir: `/srv/${app}`,
          User: '1001',
          ExposedPorts: { '8080/tcp': {} },
          Labels: { 'org.opencontainers.image.title': app, 'org.opencontainers.image.version': version },
        },
        rootfs: { type: 'layers', diff_ids: [sha(tar)] },
        history: [{ created, created_by: `demo ${app} ${version}` }],
      }),
    ),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    }),
  );
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...put(manifest), platform: { architecture: arch, os: 'linux' } };
}

function index(children) {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: c.platform })),
    }),
  );
  return { mediaType: 'application/vnd.oci.image.index.v1+json', ...put(bytes) };
}

const refs = [
  ['shop/frontend:1.3', image({ app: 'frontend', version: '1.3.9', created: '2026-10-01T09:00:00Z' })],
  ['shop/frontend:1.4', image({ app: 'frontend', version: '1.4.2', created: '2026-11-18T14:30:00Z' })],
  [
    'shop/api:2.0',
    index([
      image({ app: 'api', version: '2.0.5', arch: 'amd64', created: '2026-11-10T08:00:00Z' }),
      image({ app: 'api', version: '2.0.5', arch: 'arm64', created: '2026-11-10T08:00:00Z' }),
    ]),
  ],
  ['shop/worker:latest', image({ app: 'worker', version: '0.9.1', created: '2026-11-20T22:15:00Z' })],
];

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'blobs', 'sha256'), { recursive: true });
for (const [d, bytes] of blobs) writeFileSync(join(out, 'blobs', 'sha256', d.slice(7)), bytes);
writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }) + '\n');
const indexJson = {
  schemaVersion: 2,
  manifests: refs.map(([ref, d]) => ({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    annotations: { 'org.opencontainers.image.ref.name': ref },
  })),
};
writeFileSync(join(out, 'index.json'), JSON.stringify(indexJson, null, 2) + '\n');
for (const [ref, d] of refs) console.log(`${ref}\t${d.digest}`);
