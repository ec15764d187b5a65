/**
 * Validate manifest bytes as they arrive: digest integrity against what was asked for (or what the
 * registry claimed), media type agreement, schema1 refusal, and the few fields the client reads.
 */
import { createHash } from 'node:crypto';
import { RegistryError } from '../../errors.js';
import type { Platform } from '../../ports/registry.js';
import { OCI_INDEX, OCI_MANIFEST, baseMediaType, isImageManifestType, isIndexType, isSchema1Type } from './media-types.js';
import type { IndexEntry } from './platform-choice.js';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface ParsedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
  /** Set for an index / list. */
  readonly entries?: readonly IndexEntry[] | undefined;
  /** Set for an image manifest. */
  readonly config?: Descriptor | undefined;
  readonly layers?: readonly Descriptor[] | undefined;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Where {
  readonly registry: string;
  readonly repository: string;
  readonly reference: string;
}

function protocol(where: Where, message: string): RegistryError {
  return new RegistryError('RegistryProtocol', message, { registry: where.registry, repository: where.repository });
}

export function schema1Error(where: Where): RegistryError {
  return protocol(
    where,
    `${where.registry}/${where.repository}:${where.reference} is a Docker schema1 manifest, which is not supported: re-push the image with a current client (schema2 or OCI)`,
  );
}

function descriptor(raw: unknown, where: Where, field: string): Descriptor {
  const d = raw as { mediaType?: unknown; digest?: unknown; size?: unknown } | null;
  if (!d || typeof d.digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(d.digest) || typeof d.size !== 'number') {
    throw protocol(where, `manifest of ${where.registry}/${where.repository}:${where.reference} has an invalid ${field} descriptor`);
  }
  return { mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size: d.size };
}

function platformOf(raw: unknown): Platform | undefined {
  const p = raw as { os?: unknown; architecture?: unknown; variant?: unknown } | undefined;
  if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string') return undefined;
  return typeof p.variant === 'string' && p.variant !== ''
    ? { os: p.os, architecture: p.architecture, variant: p.variant }
    : { os: p.os, architecture: p.architecture };
}

/**
 * Check and parse a fetched manifest. `expected` is the digest asked for (by-digest fetch) or the
 * one the registry claimed in Docker-Content-Digest; the body must hash to it.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined, expected: string | undefined, where: Where): ParsedManifest {
  const digest = sha256Digest(bytes);
  if (expected !== undefined && expected.startsWith('sha256:') && expected !== digest) {
    throw protocol(where, `content integrity error: manifest ${where.registry}/${where.repository}:${where.reference} hashes to ${digest}, expected ${expected}`);
  }
  let json: { schemaVersion?: unknown; mediaType?: unknown; manifests?: unknown; config?: unknown; layers?: unknown; signatures?: unknown };
  try {
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  } catch {
    throw protocol(where, `manifest of ${where.registry}/${where.repository}:${where.reference} is not valid JSON`);
  }
  const header = baseMediaType(contentType);
  if (isSchema1Type(header) || json.schemaVersion === 1) throw schema1Error(where);
  const declared = typeof json.mediaType === 'string' ? json.mediaType : '';
  if (declared && header && declared !== header && header !== 'application/json' && header !== 'application/octet-stream') {
    throw protocol(where, `manifest of ${where.registry}/${where.repository}:${where.reference} declares ${declared} but was served as ${header}`);
  }
  let mediaType = declared || header;
  if (!mediaType) mediaType = Array.isArray(json.manifests) ? OCI_INDEX : OCI_MANIFEST;
  if (isIndexType(mediaType) || (Array.isArray(json.manifests) && !isImageManifestType(mediaType))) {
    if (!Array.isArray(json.manifests)) throw protocol(where, `index ${where.registry}/${where.repository}:${where.reference} has no manifests`);
    const entries = json.manifests.map((m, i) => {
      const d = descriptor(m, where, `manifests[${i}]`);
      const raw = m as { platform?: unknown; annotations?: unknown };
      const annotations = raw.annotations && typeof raw.annotations === 'object' ? (raw.annotations as Record<string, string>) : undefined;
      return { ...d, platform: platformOf(raw.platform), annotations };
    });
    return { digest, mediaType, bytes, entries };
  }
  if (!isImageManifestType(mediaType) && !json.config) {
    throw protocol(where, `${where.registry}/${where.repository}:${where.reference} has the unsupported media type ${mediaType}`);
  }
  const config = descriptor(json.config, where, 'config');
  const layers = Array.isArray(json.layers) ? json.layers.map((l, i) => descriptor(l, where, `layers[${i}]`)) : [];
  return { digest, mediaType, bytes, config, layers };
}
