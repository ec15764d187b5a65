/**
 * Immutable edits of an ImageStream: every function returns a new object and leaves its input
 * untouched. New spec/status tags are inserted at their alphabetical position (the API returns
 * both lists sorted by name) without reordering the ones already there, so a hand-ordered file
 * keeps its order and an edit stays small.
 */
import type { ImageStream, NamedTagEventList, TagReference } from './image-stream.js';

function insertSorted<T>(list: readonly T[], item: T, key: (t: T) => string): T[] {
  const k = key(item);
  const at = list.findIndex((t) => key(t) > k);
  return at === -1 ? [...list, item] : [...list.slice(0, at), item, ...list.slice(at)];
}

/** Replace the spec tag named `ref.name`, or insert it when absent. */
export function withSpecTag(stream: ImageStream, ref: TagReference): ImageStream {
  const tags = stream.spec.tags ?? [];
  const i = tags.findIndex((t) => t.name === ref.name);
  const next = i === -1 ? insertSorted(tags, ref, (t) => t.name) : tags.map((t, j) => (j === i ? ref : t));
  return { ...stream, spec: { ...stream.spec, tags: next } };
}

/** Replace the status tag `list.tag`, or insert it when absent. */
export function withStatusTag(stream: ImageStream, list: NamedTagEventList): ImageStream {
  const tags = stream.status?.tags ?? [];
  const i = tags.findIndex((t) => t.tag === list.tag);
  const next = i === -1 ? insertSorted(tags, list, (t) => t.tag) : tags.map((t, j) => (j === i ? list : t));
  return { ...stream, status: { ...stream.status, tags: next } };
}

/** Delete a tag from spec and status (ImageStreamTag DELETE). */
export function withoutTag(stream: ImageStream, tag: string): ImageStream {
  const spec = stream.spec.tags ? { ...stream.spec, tags: stream.spec.tags.filter((t) => t.name !== tag) } : stream.spec;
  const status = stream.status?.tags ? { ...stream.status, tags: stream.status.tags.filter((t) => t.tag !== tag) } : stream.status;
  return { ...stream, spec, status };
}

/** Set (or, with `undefined`, remove) one metadata annotation. */
export function withAnnotation(stream: ImageStream, key: string, value: string | undefined): ImageStream {
  const current = stream.metadata.annotations ?? {};
  if (current[key] === value) return stream;
  const next: Record<string, string> = { ...current };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return { ...stream, metadata: { ...stream.metadata, annotations: next } };
}
