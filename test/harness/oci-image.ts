/**
 * Deterministic OCI / Docker test images built with Node built-ins only (no daemon, no network):
 * ustar layers with mtime 0, gzip, a config with created + history, and the manifest bytes.
 * Every builder returns the exact bytes and digests so tests can compare with what a registry says.
 * Facts copied from the team's test-infra recipe (scripts/oci.mjs); code is our own.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** `sha256:<hex>` of exact bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Deterministic ustar archive of regular files (mtime 0, uid/gid 0, mode 0644). */
export function tar(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148); // checksum is computed with spaces in place
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface TestImage {
  readonly kind: 'image';
  /** digest -> bytes for the config and every layer. */
  readonly blobs: Map<string, Buffer>;
  readonly manifest: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly config: Buffer;
  readonly configDigest: string;
  readonly layers: readonly { digest: string; size: number }[];
  /** Config length + distinct layer sizes (OpenShift's image size). */
  readonly size: number;
  /** Descriptor to place in an index. */
  readonly desc: Descriptor;
}

export interface TestIndex {
  readonly kind: 'index';
  readonly manifest: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly children: readonly TestImage[];
}

export interface ImageOptions {
  /** One entry per layer; default one layer with hello.txt. */
  layers?: Record<string, string | Buffer>[];
  architecture?: string;
  os?: string;
  variant?: string;
  docker?: boolean;
  created?: string;
  author?: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  user?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
  volumes?: string[];
  /** Extra descriptor fields for the index entry (attestations). */
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const toSet = (keys: string[] | undefined): Record<string, object> | undefined =>
  keys ? Object.fromEntries(keys.map((k) => [k, {}])) : undefined;

/** A single-platform image: gzip layers, config and manifest (OCI by default, Docker schema 2 with docker: true). */
export function makeImage(options: ImageOptions = {}): TestImage {
  const architecture = options.architecture ?? 'amd64';
  const os = options.os ?? 'linux';
  const created = options.created ?? '1970-01-01T00:00:00Z';
  const layerTars = (options.layers ?? [{ 'hello.txt': 'hello\n' }]).map((files) => tar(files));
  const layers = layerTars.map((t) => gzipSync(t, { level: 9 }));
  const config = json({
    created,
    ...(options.author ? { author: options.author } : {}),
    architecture,
    os,
    ...(options.variant ? { variant: options.variant } : {}),
    config: {
      ...(options.user ? { User: options.user } : {}),
      ...(options.exposedPorts ? { ExposedPorts: toSet(options.exposedPorts) } : {}),
      Env: options.env ?? ['PATH=/'],
      ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
      Cmd: options.cmd ?? ['/hello.txt'],
      ...(options.volumes ? { Volumes: toSet(options.volumes) } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      ...(options.labels ? { Labels: options.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: layerTars.map((t) => sha256(t)) },
    history: layerTars.map(() => ({ created, created_by: 'tagstream test harness' })),
  });
  const mt = options.docker
    ? { m: DOCKER_MANIFEST, c: DOCKER_CONFIG, l: DOCKER_LAYER }
    : { m: OCI_MANIFEST, c: OCI_CONFIG, l: OCI_LAYER };
  const layerDescs = layers.map((l) => ({ mediaType: mt.l, digest: sha256(l), size: l.length }));
  const manifest = json({
    schemaVersion: 2,
    mediaType: mt.m,
    config: { mediaType: mt.c, digest: sha256(config), size: config.length },
    layers: layerDescs,
  });
  const digest = sha256(manifest);
  const blobs = new Map<string, Buffer>();
  blobs.set(sha256(config), config);
  layers.forEach((l) => blobs.set(sha256(l), l));
  const distinct = new Map(layerDescs.map((l) => [l.digest, l.size]));
  return {
    kind: 'image',
    blobs,
    manifest,
    digest,
    mediaType: mt.m,
    config,
    configDigest: sha256(config),
    layers: layerDescs.map(({ digest: d, size }) => ({ digest: d, size })),
    size: config.length + [...distinct.values()].reduce((a, b) => a + b, 0),
    desc: {
      mediaType: mt.m,
      digest,
      size: manifest.length,
      platform: options.platform ?? { architecture, os, ...(options.variant ? { variant: options.variant } : {}) },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
  };
}

/** A BuildKit-style attestation manifest for `subject` (platform unknown/unknown). */
export function makeAttestation(subject: TestImage): TestImage {
  return makeImage({
    layers: [{ 'provenance.json': JSON.stringify({ subject: subject.digest }) }],
    architecture: 'unknown',
    os: 'unknown',
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': subject.digest },
  });
}

/** An OCI index (or a Docker manifest list with docker: true) over images from makeImage. */
export function makeIndex(images: TestImage[], options: { docker?: boolean } = {}): TestIndex {
  const mediaType = options.docker ? DOCKER_LIST : OCI_INDEX;
  const manifest = json({ schemaVersion: 2, mediaType, manifests: images.map((i) => i.desc) });
  return { kind: 'index', manifest, digest: sha256(manifest), mediaType, children: images };
}
