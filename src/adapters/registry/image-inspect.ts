/** What `inspect` tells about one image manifest: its config blob read and summarised. */
import { RegistryError } from '../../errors.js';
import type { ImageLayer, ImageMetadata } from '../../ports/registry.js';
import type { Location } from './locations.js';
import { sha256Digest, type Descriptor, type ParsedManifest } from './manifest.js';
import type { Call } from './manifest-cache.js';
import { responseError } from './response-error.js';

/** Metadata of an image manifest, from its config blob. */
export async function describeImage(call: Call, loc: Location, m: ParsedManifest): Promise<ImageMetadata> {
  const config = m.config;
  if (!config) throw new RegistryError('RegistryProtocol', `${m.digest} is not an image manifest`, { registry: loc.domain, repository: loc.path });
  const blob = await readBlob(call, loc, config);
  let json: { created?: unknown; author?: unknown; architecture?: unknown; os?: unknown; variant?: unknown; config?: Record<string, unknown> };
  try {
    json = JSON.parse(blob.toString('utf8')) as typeof json;
  } catch {
    throw new RegistryError('RegistryProtocol', `config blob ${config.digest} of ${loc.domain}/${loc.path} is not valid JSON`, { registry: loc.domain, repository: loc.path });
  }
  const c = json.config ?? {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const keys = (v: unknown): string[] | undefined => (v && typeof v === 'object' ? Object.keys(v).sort() : undefined);
  const layers: ImageLayer[] = (m.layers ?? []).map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }));
  const distinct = new Map(layers.map((l) => [l.digest, l.size]));
  const labels = c.Labels && typeof c.Labels === 'object' ? (c.Labels as Record<string, string>) : undefined;
  return {
    digest: m.digest,
    mediaType: m.mediaType,
    created: str(json.created),
    author: str(json.author),
    architecture: str(json.architecture),
    os: str(json.os),
    variant: str(json.variant),
    entrypoint: list(c.Entrypoint),
    cmd: list(c.Cmd),
    env: list(c.Env),
    workingDir: str(c.WorkingDir),
    user: str(c.User),
    exposedPorts: keys(c.ExposedPorts),
    labels,
    volumes: keys(c.Volumes),
    layers,
    configDigest: config.digest,
    size: blob.length + [...distinct.values()].reduce((a, b) => a + b, 0),
  };
}

/** GET a (small) blob, following redirects without credentials, verified against its digest. */
async function readBlob(call: Call, loc: Location, d: Descriptor): Promise<Buffer> {
  const res = await call(loc, { method: 'GET', kind: 'blobGet', path: `/v2/${loc.path}/blobs/${d.digest}`, followRedirects: true, maxBodyBytes: 32 * 1024 * 1024 });
  if (res.status !== 200) throw responseError(res, { registry: loc.domain, repository: loc.path, subject: `blob ${d.digest}` });
  const actual = sha256Digest(res.body);
  if (d.digest.startsWith('sha256:') && actual !== d.digest) {
    throw new RegistryError('RegistryProtocol', `content integrity error: blob ${d.digest} of ${loc.domain}/${loc.path} hashes to ${actual}`, {
      registry: loc.domain,
      repository: loc.path,
    });
  }
  return res.body;
}
