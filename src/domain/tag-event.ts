/**
 * How a TagEvent enters a tag's history: openshift-apiserver `AddTagEventToImageStream`
 * (internal/imageutil/helpers.go, cases of TestAddTagEventToImageStream). History is newest
 * first and unbounded; only a change of both reference and image adds an entry.
 */
import type { ImageStream, TagEvent, TagEventCondition } from './image-stream.js';
import { findStatusTag } from './image-stream.js';
import { withStatusTag } from './stream-edit.js';

/**
 * Add `next` to the history of `tag`. Returns the same object when nothing changes (case 2), so
 * callers can detect a no-op with `===`. Any change clears the tag's conditions.
 */
export function addTagEvent(stream: ImageStream, tag: string, next: TagEvent): ImageStream {
  const list = findStatusTag(stream, tag);
  const items = list?.items ?? [];
  const previous = items[0];
  if (previous === undefined) {
    // case 1: no list or an empty one -> [next]
    return withStatusTag(stream, { tag, items: [next] });
  }
  const sameRef = previous.dockerImageReference === next.dockerImageReference;
  const sameImage = previous.image === next.image;
  const sameGeneration = previous.generation === next.generation;
  let head: TagEvent;
  if (sameRef && sameImage && sameGeneration) return stream; // case 2
  if (sameRef && sameImage) head = { ...previous, generation: next.generation }; // case 3
  else if (sameRef) head = { ...previous, image: next.image, generation: next.generation }; // case 4
  else if (sameImage) head = { ...previous, dockerImageReference: next.dockerImageReference, generation: next.generation }; // case 5
  else return withStatusTag(stream, { tag, items: [next, ...items] }); // case 6
  // `created` of a collapsed entry is kept on purpose: the image did not arrive now.
  return withStatusTag(stream, { tag, items: [head, ...items.slice(1)] });
}

/** Replace the conditions of a status tag (creating the status tag when needed). */
export function setTagConditions(stream: ImageStream, tag: string, conditions: readonly TagEventCondition[]): ImageStream {
  const list = findStatusTag(stream, tag);
  const base = { tag, items: list?.items ?? [] };
  return withStatusTag(stream, conditions.length > 0 ? { ...base, conditions } : base);
}
