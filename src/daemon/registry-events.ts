/**
 * Registry webhook bodies -> hints "this repository:tag may have moved". The format is recognised
 * from the payload (and the `X-GitHub-Event` header):
 * - `distribution`: the CNCF distribution notification envelope (`{"events":[...]}`; only manifest
 *   `push` events with a tag count; pulls, deletes and blob events are ignored);
 * - `acr`: Azure Container Registry webhooks (one distribution-style event, not in an envelope);
 * - `dockerhub`: Docker Hub repository webhooks (`push_data.tag`, `repository.repo_name`);
 * - `harbor`: Harbor `PUSH_ARTIFACT` (default payload) and `harbor.artifact.pushed` (CloudEvents);
 * - `quay`: Quay repository push notifications (`docker_url`, `updated_tags`);
 * - `github`: GitHub `package` / `registry_package` events of container packages (GHCR);
 * - `generic`: `{registry?, repository, tag}`.
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

export type RegistryEventFormat = 'distribution' | 'acr' | 'dockerhub' | 'harbor' | 'quay' | 'github' | 'generic';

export interface ParsedNotification {
  readonly format: RegistryEventFormat;
  readonly hints: readonly RegistryHint[];
  /** Events skipped (pulls, deletes, blobs, pushes by digest only, other event types). */
  readonly ignored: number;
}

/** What the request says besides its body. */
export interface NotificationContext {
  /** `X-GitHub-Event` (`package`, `registry_package`, `ping`, ...). */
  readonly githubEvent?: string | undefined;
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

function record(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

function checkedTag(tag: string, path: string): string {
  if (!isValidTag(tag)) throw bad(`${path}: invalid tag "${tag}"`);
  return tag;
}

/**
 * `host/path` (as Harbor's `resource_url` and Quay's `docker_url` spell it) -> registry and
 * repository; a first component that is not a host name (no dot, colon or `localhost`) means
 * Docker Hub, as in image references.
 */
function splitHost(name: string): { registry: string | undefined; repository: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: undefined, repository: name };
  const first = name.slice(0, slash);
  if ((first.includes('.') || first.includes(':') || first === 'localhost') && isValidDomain(first)) return { registry: first, repository: name.slice(slash + 1) };
  return { registry: undefined, repository: name };
}

/** `host/repo:tag` or `host/repo@sha256:...` -> `host/repo`. */
function withoutTagOrDigest(name: string): string {
  const slash = name.lastIndexOf('/');
  const cut = name.slice(slash + 1).search(/[:@]/);
  return cut < 0 ? name : name.slice(0, slash + 1 + cut);
}

/** Parse a webhook body (already JSON-decoded). Throws BadRequest naming the offending field. */
export function parseRegistryNotification(body: unknown, context: NotificationContext = {}): ParsedNotification {
  if (!isRecord(body)) throw bad('expected a JSON object: a registry webhook payload or {"repository":...,"tag":...}');
  const githubEvent = context.githubEvent?.toLowerCase();
  if (githubEvent !== undefined) return parseGitHub(body, githubEvent);
  if ('events' in body) return { format: 'distribution', ...parseEnvelope(body['events']) };
  if (typeof body['action'] === 'string' && isRecord(body['target']) && isRecord(body['request'])) return { format: 'acr', ...parseEnvelope([body], '') };
  if ('push_data' in body) return parseDockerHub(body);
  if ('event_data' in body || (str(body['specversion']) !== undefined && str(body['type'])?.startsWith('harbor.'))) return parseHarbor(body);
  if ('updated_tags' in body) return parseQuay(body);
  if (isRecord(body['registry_package']) || isRecord(body['package'])) return parseGitHub(body, isRecord(body['package']) ? 'package' : 'registry_package');
  return { format: 'generic', hints: [parseGeneric(body)], ignored: 0 };
}

function parseEnvelope(events: unknown, path = 'events'): { hints: RegistryHint[]; ignored: number } {
  if (!Array.isArray(events)) throw bad('events: expected a list');
  const hints: RegistryHint[] = [];
  let ignored = 0;
  events.forEach((event: unknown, i) => {
    if (!isRecord(event)) throw bad(`${path}[${i}]: expected an object`);
    // Where this event's fields are named in errors: `events[3].` in an envelope, nothing for a lone event.
    const at = path === '' ? '' : `${path}[${i}].`;
    const target = record(event['target']);
    const tag = str(target?.['tag']);
    const repository = str(target?.['repository']);
    const mediaType = str(target?.['mediaType']) ?? '';
    if (event['action'] !== 'push' || tag === undefined || repository === undefined || BLOB_MEDIA_TYPES.test(mediaType)) {
      ignored += 1;
      return;
    }
    checkedTag(tag, `${at}target.tag`);
    const request = record(event['request']);
    const source = record(event['source']);
    // request.host is the name the pushing client used, which is what manifests spell; source.addr
    // is the registry's own hostname:port and only a fallback.
    const host = [str(request?.['host']), str(source?.['addr'])].find((h) => h !== undefined && isValidDomain(h));
    hints.push({ registry: host, repository, tag, digest: str(target?.['digest']) });
  });
  return { hints, ignored };
}

/** Docker Hub: one push per delivery; `push_data.tag` is absent in old payloads (then nothing to do). */
function parseDockerHub(body: Record<string, unknown>): ParsedNotification {
  const repository = str(record(body['repository'])?.['repo_name']);
  if (repository === undefined) throw bad('repository.repo_name: expected a non-empty string (Docker Hub payload)');
  const tag = str(record(body['push_data'])?.['tag']);
  if (tag === undefined) return { format: 'dockerhub', hints: [], ignored: 1 };
  return { format: 'dockerhub', hints: [{ registry: undefined, repository: `docker.io/${repository}`, tag: checkedTag(tag, 'push_data.tag'), digest: undefined }], ignored: 0 };
}

/** Harbor: `event_data.resources[]` of a `PUSH_ARTIFACT`; pushes by digest only carry the digest as `tag`. */
function parseHarbor(body: Record<string, unknown>): ParsedNotification {
  const cloudEvent = str(body['specversion']) !== undefined;
  const type = str(body['type']);
  const dataKey = cloudEvent ? 'data' : 'event_data';
  const data = record(body[dataKey]);
  if (data === undefined) throw bad(`${dataKey}: expected an object (Harbor payload)`);
  const resources = Array.isArray(data['resources']) ? (data['resources'] as unknown[]) : [];
  if (type !== (cloudEvent ? 'harbor.artifact.pushed' : 'PUSH_ARTIFACT')) return { format: 'harbor', hints: [], ignored: Math.max(1, resources.length) };
  const fullName = str(record(data['repository'])?.['repo_full_name']);
  const hints: RegistryHint[] = [];
  let ignored = 0;
  resources.forEach((r: unknown, i) => {
    const res = record(r);
    const tag = str(res?.['tag']);
    const digest = str(res?.['digest']);
    if (tag === undefined || tag.startsWith('sha256:') || tag === digest) {
      ignored += 1;
      return;
    }
    checkedTag(tag, `${dataKey}.resources[${i}].tag`);
    // resource_url is `host/project/repo:tag`; its host is what clients pull from.
    const url = str(res?.['resource_url']);
    const where = url === undefined ? undefined : splitHost(withoutTagOrDigest(url));
    const repository = fullName ?? where?.repository;
    if (repository === undefined) throw bad(`${dataKey}.repository.repo_full_name: expected a non-empty string (Harbor payload)`);
    hints.push({ registry: where?.registry, repository, tag, digest });
  });
  return { format: 'harbor', hints, ignored };
}

/** Quay: `updated_tags` is a list of tags (current docs) or a tag -> image id map (older payloads). */
function parseQuay(body: Record<string, unknown>): ParsedNotification {
  const dockerUrl = str(body['docker_url']);
  if (dockerUrl === undefined) throw bad('docker_url: expected a non-empty string (Quay payload)');
  const where = splitHost(dockerUrl);
  const updated = body['updated_tags'];
  const tags = Array.isArray(updated) ? updated : isRecord(updated) ? Object.keys(updated) : undefined;
  if (tags === undefined) throw bad('updated_tags: expected a list of tags (Quay payload)');
  const hints = tags.map((t: unknown, i): RegistryHint => {
    const tag = str(t);
    if (tag === undefined) throw bad(`updated_tags[${i}]: expected a non-empty string`);
    return { registry: where.registry, repository: where.repository, tag: checkedTag(tag, `updated_tags[${i}]`), digest: undefined };
  });
  return { format: 'quay', hints, ignored: 0 };
}

/** GitHub `package` / `registry_package` `published`/`updated` of a container package; other events are ignored. */
function parseGitHub(body: Record<string, unknown>, event: string): ParsedNotification {
  const key = event === 'package' ? 'package' : event === 'registry_package' ? 'registry_package' : undefined;
  const pkg = key === undefined ? undefined : record(body[key]);
  const action = str(body['action']);
  if (key === undefined || pkg === undefined || (action !== 'published' && action !== 'updated')) return { format: 'github', hints: [], ignored: 1 };
  const type = (str(pkg['package_type']) ?? str(pkg['ecosystem']) ?? '').toLowerCase();
  if (type !== 'container' && type !== 'docker') return { format: 'github', hints: [], ignored: 1 };
  const version = record(pkg['package_version']);
  const tagInfo = record(record(version?.['container_metadata'])?.['tag']);
  const tag = str(tagInfo?.['name']);
  if (tag === undefined) return { format: 'github', hints: [], ignored: 1 };
  const namespace = str(pkg['namespace']);
  const name = str(pkg['name']);
  if (namespace === undefined || name === undefined) throw bad(`${key}.namespace, ${key}.name: expected non-empty strings (GitHub package event)`);
  let registry = 'ghcr.io';
  const url = str(record(pkg['registry'])?.['url']);
  if (url !== undefined) {
    try {
      const host = new URL(url).host;
      if (isValidDomain(host)) registry = host;
    } catch {
      // not a URL: keep ghcr.io
    }
  }
  // GHCR names are lower case whatever the owner's login looks like.
  const repository = `${namespace}/${name}`.toLowerCase();
  return { format: 'github', hints: [{ registry, repository, tag: checkedTag(tag, `${key}.package_version.container_metadata.tag.name`), digest: str(tagInfo?.['digest']) }], ignored: 0 };
}

function parseGeneric(body: Record<string, unknown>): RegistryHint {
  const repository = str(body['repository']);
  if (repository === undefined) throw bad('repository: expected a non-empty string');
  const tag = str(body['tag']);
  if (tag === undefined) throw bad('tag: expected a non-empty string');
  checkedTag(tag, 'tag');
  const registry = body['registry'] === undefined ? undefined : str(body['registry']);
  if (body['registry'] !== undefined && (registry === undefined || !isValidDomain(registry))) throw bad('registry: expected host[:port]');
  return { registry, repository, tag, digest: str(body['digest']) };
}
