/**
 * Registry webhook bodies -> hints "this repository:tag may have moved". Two forms: the CNCF
 * distribution notification envelope (`{"events":[...]}`, only manifest `push` events with a tag
 * count; pulls, deletes and blob events are ignored) and a generic `{registry?, repository, tag}`.
 * A hint is never trusted for the digest: the import re-reads the registry.
 */
import { TagstreamError } from '../errors.js';
import { isValidDomain, isValidTag } from '../domain/image-reference.js';

export interface RegistryHint {
  /** `host[:port]` the event came from; undefined: Docker Hub or a registry given in `repository`. */
  readonly registry: string | undefined;
  readonly repository: string;
  readonly tag: string;
  /** As the event said; informational only. */
  readonly digest: string | undefined;
}

export interface ParsedNotification {
  readonly hints: readonly RegistryHint[];
  /** Events skipped (pulls, deletes, blobs, pushes by digest only). */
  readonly ignored: number;
}

/** Manifest media types a tag can point at; anything else (blobs, octet-stream) is not a tag push. */
const BLOB_MEDIA_TYPES = /(octet-stream|\.layer\.|rootfs\.diff|image\.config|container\.image\.v1\+json)/;

function bad(message: string): TagstreamError {
  return new TagstreamError('BadRequest', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Parse a webhook body (already JSON-decoded). Throws BadRequest naming the offending field. */
export function parseRegistryNotification(body: unknown): ParsedNotification {
  if (!isRecord(body)) throw bad('expected a JSON object: {"events":[...]} or {"repository":...,"tag":...}');
  if ('events' in body) return parseEnvelope(body['events']);
  return { hints: [parseGeneric(body)], ignored: 0 };
}

function parseEnvelope(events: unknown): ParsedNotification {
  if (!Array.isArray(events)) throw bad('events: expected a list');
  const hints: RegistryHint[] = [];
  let ignored = 0;
  events.forEach((event: unknown, i) => {
    if (!isRecord(event)) throw bad(`events[${i}]: expected an object`);
    const target = isRecord(event['target']) ? event['target'] : undefined;
    const tag = str(target?.['tag']);
    const repository = str(target?.['repository']);
    const mediaType = str(target?.['mediaType']) ?? '';
    if (event['action'] !== 'push' || tag === undefined || repository === undefined || BLOB_MEDIA_TYPES.test(mediaType)) {
      ignored += 1;
      return;
    }
    if (!isValidTag(tag)) throw bad(`events[${i}].target.tag: invalid tag "${tag}"`);
    const request = isRecord(event['request']) ? event['request'] : undefined;
    const source = isRecord(event['source']) ? event['source'] : undefined;
    // request.host is the name the pushing client used, which is what manifests spell; source.addr
    // is the registry's own hostname:port and only a fallback.
    const host = [str(request?.['host']), str(source?.['addr'])].find((h) => h !== undefined && isValidDomain(h));
    hints.push({ registry: host, repository, tag, digest: str(target?.['digest']) });
  });
  return { hints, ignored };
}

function parseGeneric(body: Record<string, unknown>): RegistryHint {
  const repository = str(body['repository']);
  if (repository === undefined) throw bad('repository: expected a non-empty string');
  const tag = str(body['tag']);
  if (tag === undefined) throw bad('tag: expected a non-empty string');
  if (!isValidTag(tag)) throw bad(`tag: invalid tag "${tag}"`);
  const registry = body['registry'] === undefined ? undefined : str(body['registry']);
  if (body['registry'] !== undefined && (registry === undefined || !isValidDomain(registry))) throw bad('registry: expected host[:port]');
  return { registry, repository, tag, digest: str(body['digest']) };
}
