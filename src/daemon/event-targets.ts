/**
 * Which ImageStream tags a registry hint concerns: spec tags whose `from` is a DockerImage with
 * the same registry, repository and tag once both sides are normalized (parseImageReference:
 * `busybox` = `docker.io/library/busybox`), and streams whose `spec.dockerImageRepository`
 * names the repository. Loopback names (`localhost:5000`, `127.0.0.1:5000`) are one registry;
 * configured mirrors map back to the repository they stand in for. A spec tag with a tag policy
 * (`tagstream.io/tag-policy`) is concerned by a push of any tag of its repository.
 */
import { isLoopbackHost, parseImageReference, type ImageReference } from '../domain/image-reference.js';
import type { ImageStream } from '../domain/image-stream.js';
import { TAG_POLICY_ANNOTATION } from '../domain/tag-policy.js';
import type { RegistryHint } from './registry-events.js';
import type { Inventory } from '../inventory/inventory-model.js';

export interface StreamSite {
  readonly namespace: string;
  readonly name: string;
  readonly stream: ImageStream;
}

/** The inventory's streams as the hint mapping reads them. */
export function streamSites(inventory: Pick<Inventory, 'streams'>): StreamSite[] {
  return [...inventory.streams.values()].map((s) => ({ namespace: s.namespace, name: s.name, stream: s.stream }));
}

export interface MirrorRule {
  readonly source: string;
  readonly mirror: string;
}

/** `namespace/stream:tag` keys (ReconcileOptions.importNow) for the hints, sorted, unique. */
export function importKeysForHints(streams: Iterable<StreamSite>, hints: readonly RegistryHint[], mirrors: readonly MirrorRule[] = []): string[] {
  // Each hint's names once (mirror prefixes are parsed here), not once per stream.
  const named = hints.map((hint) => ({ tag: hint.tag, names: hintNames(hint, mirrors) }));
  const wanted = new Set(named.flatMap(({ tag, names }) => names.map((name) => `${name}:${tag}`)));
  if (wanted.size === 0) return [];
  // a tag that follows a tag policy cares about any new tag of its repository
  const repositories = new Set(named.flatMap(({ names }) => names));
  // A reference names a repository only if its text holds the repository's last path component
  // (normalizing adds a domain or `library/`, never changes the path): most spec tags of a large
  // repository are ruled out without parsing them.
  const leaves = [...new Set([...repositories].map((r) => r.slice(r.lastIndexOf('/') + 1)))];
  const mayName = (text: string) => leaves.some((leaf) => text.includes(leaf));
  const keys = new Set<string>();
  for (const { namespace, name, stream } of streams) {
    for (const tag of stream.spec.tags ?? []) {
      if (tag.from?.kind !== 'DockerImage' || tag.reference === true || !mayName(tag.from.name)) continue;
      const ref = tryParse(tag.from.name);
      if (ref === undefined || ref.digest !== null) continue;
      const follows = tag.annotations?.[TAG_POLICY_ANNOTATION] !== undefined && repositories.has(canonicalName(ref));
      if (follows || wanted.has(`${canonicalName(ref)}:${ref.tag ?? 'latest'}`)) keys.add(`${namespace}/${name}:${tag.name}`);
    }
    const bulk = stream.spec.dockerImageRepository && mayName(stream.spec.dockerImageRepository) ? tryParse(stream.spec.dockerImageRepository) : undefined;
    if (bulk !== undefined) {
      const bulkName = canonicalName(bulk);
      for (const { tag, names } of named) {
        if (names.includes(bulkName)) keys.add(`${namespace}/${name}:${tag}`);
      }
    }
  }
  return [...keys].sort();
}

/** Normalized `domain/path` names the hint may be written as in manifests. */
function hintNames(hint: RegistryHint, mirrors: readonly MirrorRule[]): string[] {
  const ref = tryParse(hint.registry === undefined ? hint.repository : `${hint.registry}/${hint.repository}`);
  if (ref === undefined) return [];
  const name = canonicalName(ref);
  const names = [name];
  for (const m of mirrors) {
    const prefix = canonicalPrefix(m.mirror);
    const source = canonicalPrefix(m.source);
    if (prefix === undefined || source === undefined) continue;
    if (name === prefix || name.startsWith(`${prefix}/`)) names.push(source + name.slice(prefix.length));
  }
  return names;
}

function canonicalName(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  const domain = ref.domain.toLowerCase();
  if (isLoopbackHost(domain)) {
    const port = /:(\d+)$/.exec(domain)?.[1];
    return `loopback${port === undefined ? '' : `:${port}`}/${ref.path}`;
  }
  return `${domain}/${ref.path}`;
}

/**
 * A repository prefix (`docker.io/library`, `mirror.example.com`) in canonical form. Parsed with a
 * placeholder component so that a bare Docker Hub namespace does not gain `library/`.
 */
function canonicalPrefix(prefix: string): string | undefined {
  const ref = tryParse(`${prefix}/x`);
  if (ref === undefined) return undefined;
  const name = canonicalName(ref);
  return name.endsWith('/x') ? name.slice(0, -2) : undefined;
}

function tryParse(text: string): ImageReference | undefined {
  try {
    return parseImageReference(text);
  } catch {
    return undefined;
  }
}
