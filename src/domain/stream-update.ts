/**
 * A spec write as the API server performs it (strategy.go PrepareForCreate / PrepareForUpdate +
 * tagsChanged + UpdateChangedTrackingTags): generations, synchronous resolution of non-imported
 * tags (§2.1), tracking, removal of empty status tags. Verbs build the spec they want and pass
 * it through here, so every write follows the same rules.
 */
import { TagstreamError } from '../errors.js';
import type { ImageStream, ImportMode } from './image-stream.js';
import { findSpecTag } from './image-stream.js';
import { applyServerGenerations } from './generation.js';
import { addTagEvent } from './tag-event.js';
import { localRepository, resolveSpecTagEvent, type ResolveContext } from './resolve-tag.js';
import { propagateTracking } from './tracking.js';
import { recordObservedSpec } from './spec-fingerprint.js';

export interface WriteContext extends ResolveContext {
  readonly defaultImportMode?: ImportMode | undefined;
}

/** Drop status tags with neither history nor conditions (collapseEmptyStatusTags). */
export function collapseEmptyStatusTags(stream: ImageStream): ImageStream {
  const tags = stream.status?.tags;
  if (!tags || tags.every((t) => (t.items?.length ?? 0) > 0 || (t.conditions?.length ?? 0) > 0)) return stream;
  return { ...stream, status: { ...stream.status, tags: tags.filter((t) => (t.items?.length ?? 0) > 0 || (t.conditions?.length ?? 0) > 0) } };
}

/**
 * Write `next` over `old` (undefined = create) and return the stored result. Changed tags are
 * resolved in the order given by `tags` (ResolveContext.streams supplies other streams).
 */
export function writeStream(old: ImageStream | undefined, next: ImageStream, ctx: WriteContext): ImageStream {
  let input = next;
  if (!old) {
    // status is server-owned: a created stream starts without history
    const created = next.metadata.creationTimestamp || ctx.now;
    const repository = localRepository({ ...next, status: undefined }, ctx.localRegistry);
    input = {
      ...next,
      metadata: { ...next.metadata, creationTimestamp: created },
      status: repository ? { dockerImageRepository: repository, tags: [] } : { tags: [] },
    };
  }
  const { stream: generated, changedTags } = applyServerGenerations(old, input, ctx.defaultImportMode);
  return recordObservedSpec(resolveChangedTags(generated, changedTags, ctx, !old), ctx.defaultImportMode);
}

/**
 * §2.1 + tracking for the listed tags of a stream whose generations are already set. On creation
 * every synchronous event carries the stream's creationTimestamp. Resolution errors are thrown
 * (the server rejects the write) unless `problems` is given: then they are collected there and
 * the tag is left as it was (a hand edit already merged cannot be rejected, only reported).
 */
export function resolveChangedTags(
  stream: ImageStream,
  changedTags: readonly string[],
  ctx: WriteContext,
  creating = false,
  problems?: TagstreamError[],
): ImageStream {
  let current = stream;
  for (const tag of changedTags) {
    const ref = findSpecTag(current, tag);
    if (!ref) continue;
    let event;
    try {
      event = resolveSpecTagEvent(current, ref, ctx);
    } catch (e) {
      if (problems && e instanceof TagstreamError) {
        problems.push(e);
        continue;
      }
      throw e;
    }
    if (!event) continue;
    const created = creating ? (current.metadata.creationTimestamp ?? ctx.now) : event.created;
    current = addTagEvent(current, tag, { ...event, created });
  }
  return collapseEmptyStatusTags(propagateTracking(current));
}
