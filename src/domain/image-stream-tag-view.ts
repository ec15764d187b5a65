/**
 * Read-only facts about an ImageStream that several printers share, computed the way the
 * OpenShift server and oc compute them (sort.go SortStatusTags,
 * latestObservedTagGeneration, the ImageStreamTag view). Pure.
 */
import type { ImageStream, NamedTagEventList, ObjectReference, TagEvent, TagReference } from './image-stream.js';
import { findSpecTag, findStatusTag } from './image-stream.js';
import { observedGeneration } from './generation.js';
import { TAG_POLICY_ANNOTATION } from './tag-policy.js';
import { isParsed } from './image-reference.js';
import { resolveTagPullSpec } from './resolve-tag.js';
import { sourceReference } from './stream-references.js';

function createdMs(event: TagEvent | undefined): number {
  if (!event) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(event.created);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Status tag names, newest items[0].created first, ties (and tags without history) by name. */
export function sortStatusTags(tags: readonly NamedTagEventList[]): string[] {
  return tags
    .map((t) => ({ name: t.tag, created: createdMs(t.items?.[0]) }))
    .sort((a, b) => (a.created === b.created ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : b.created - a.created))
    .map((t) => t.name);
}

/** The newest items[0].created of any tag, or undefined when no tag has history. */
export function latestUpdate(stream: ImageStream): string | undefined {
  let best: TagEvent | undefined;
  for (const t of stream.status?.tags ?? []) {
    const e = t.items?.[0];
    if (e && createdMs(e) > createdMs(best)) best = e;
  }
  return best?.created;
}

/** The repository column / line: public, else spec.dockerImageRepository (get) or internal. */
export function streamRepository(stream: ImageStream): string {
  return stream.status?.publicDockerImageRepository || stream.spec.dockerImageRepository || stream.status?.dockerImageRepository || '';
}

/** max(items[0].generation, generation of the first ImportSuccess condition); 0 when unobserved. */
export function latestObservedTagGeneration(stream: ImageStream, tag: string): number {
  return Math.max(0, observedGeneration(findStatusTag(stream, tag)));
}

/** True when the spec asks for an import the status has not caught up with (oc: `~ importing`). */
export function isImportPending(stream: ImageStream, ref: TagReference): boolean {
  if (!ref.from || ref.reference) return false;
  const gen = ref.generation;
  return gen !== null && gen !== undefined && gen > latestObservedTagGeneration(stream, ref.name);
}

/**
 * The pull spec an ImageStreamTag hands out (§5.3), from the one tag -> pull spec function
 * (resolveTagPullSpec): the history reference under Source policy;
 * `<status.dockerImageRepository>@<digest>` under Local when the stream has an internal repository.
 * `event` is the tag's items[0].
 */
export function resolvedPullSpec(stream: ImageStream, tag: string, event: TagEvent): string {
  return resolveTagPullSpec(stream, tag) ?? event.dockerImageReference;
}

/** One ImageStreamTag as `oc get istag` lists it: only tags whose items[0] has an image digest. */
export interface IstagView {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
  /** `<stream>:<tag>` */
  readonly name: string;
  readonly event: TagEvent;
  readonly pullSpec: string;
  /** `tagstream.io/tag-policy` of the spec tag, and the tag its from.name follows now (the winner). */
  readonly policy?: { readonly text: string; readonly following: string } | undefined;
}

/** The tag policy of a spec tag and its current winner (the tag in from.name, '' without one). */
function policyView(stream: ImageStream, tag: string): IstagView['policy'] {
  const spec = findSpecTag(stream, tag);
  const text = spec?.annotations?.[TAG_POLICY_ANNOTATION];
  if (text === undefined) return undefined;
  return { text, following: followedTag(spec?.from) };
}

/** The tag a source names (`registry/app:1.4` -> `1.4`); '' for a digest or no tag. */
function followedTag(from: ObjectReference | undefined): string {
  if (from?.kind === 'DockerImage') {
    const source = sourceReference(from);
    return isParsed(source) && source.digest === null ? (source.tag ?? '') : '';
  }
  const name = from?.name ?? '';
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') && !name.includes('@') ? name.slice(colon + 1) : '';
}

export function istagsOf(stream: ImageStream, namespace: string): IstagView[] {
  const out: IstagView[] = [];
  const tags = [...(stream.status?.tags ?? [])].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  for (const t of tags) {
    const event = t.items?.[0];
    if (!event || !event.image) continue;
    out.push({
      namespace,
      stream: stream.metadata.name,
      tag: t.tag,
      name: `${stream.metadata.name}:${t.tag}`,
      event,
      pullSpec: resolvedPullSpec(stream, t.tag, event),
      ...(policyView(stream, t.tag) ? { policy: policyView(stream, t.tag) } : {}),
    });
  }
  return out;
}
