/**
 * Same-stream tracking (UpdateTrackingTags): a spec tag whose source is an ImageStreamTag of the
 * *same* stream and namespace follows that tag's current image. OpenShift walks one level per
 * write; Tagstream settles whole chains (A tracks B tracks C) in one run, which is where OpenShift
 * ends up after enough writes. Cross-stream references are snapshots and never follow.
 */
import type { ImageStream, TagReference } from './image-stream.js';
import { addTagEvent } from './tag-event.js';
import { latestTaggedImage } from './resolve-tag.js';

/** The tag of this stream that `ref` tracks, or undefined when it is not a same-stream tracker. */
export function trackedTag(stream: ImageStream, ref: TagReference): string | undefined {
  const from = ref.from;
  if (!from || from.kind !== 'ImageStreamTag') return undefined;
  if (from.namespace && from.namespace !== (stream.metadata.namespace ?? '')) return undefined;
  const parts = from.name.split(':');
  if (parts.length === 1) return parts[0] || undefined;
  if (parts.length !== 2 || parts[0] !== stream.metadata.name) return undefined;
  return parts[1] || 'latest';
}

/** Copy each tracked tag's items[0] to its trackers (§1.4 rules), transitively, until stable. */
export function propagateTracking(stream: ImageStream): ImageStream {
  let current = stream;
  const trackers = (stream.spec.tags ?? []).flatMap((ref) => {
    const source = trackedTag(stream, ref);
    return source !== undefined && source !== ref.name ? [{ tag: ref.name, source }] : [];
  });
  // Each round settles at least one more link of every chain; cycles stop when nothing changes.
  for (let round = 0; round <= trackers.length; round++) {
    const before = current;
    for (const { tag, source } of trackers) {
      const event = latestTaggedImage(current, source);
      const mine = latestTaggedImage(current, tag);
      // OpenShift propagates only when the tracked tag changes, so a tracker already showing the
      // same image keeps its own generation (it may have just been re-resolved)
      if (event && (mine?.dockerImageReference !== event.dockerImageReference || mine.image !== event.image)) {
        current = addTagEvent(current, tag, event);
      }
    }
    if (current === before) break;
  }
  return current;
}

/**
 * The same-stream tracking chain that leads from `tag` back to itself (`[tag, ..., tag]`), or
 * undefined when following `tag`'s trackers ends at a tag that tracks nothing. OpenShift accepts
 * such a spec and the tag then never gets an image; the verbs refuse it instead.
 */
export function trackingCycle(stream: ImageStream, tag: string): string[] | undefined {
  const chain = [tag];
  let current = tag;
  for (;;) {
    const ref = (stream.spec.tags ?? []).find((t) => t.name === current);
    const next = ref ? trackedTag(stream, ref) : undefined;
    if (next === undefined) return undefined;
    chain.push(next);
    if (next === tag) return chain;
    // a cycle further along that does not come back to `tag` is not this tag's to refuse
    if (chain.indexOf(next) < chain.length - 1) return undefined;
    current = next;
  }
}

/** The refusal for a tracking cycle: `ubi:a -> ubi:b -> ubi:a`. */
export function trackingCycleMessage(streamName: string, chain: readonly string[]): string {
  const [first = ''] = chain;
  if (chain.length === 2) return `tag "${streamName}:${first}" cannot track itself`;
  return `tag "${streamName}:${first}" would track itself through a cycle of tags: ${chain.map((t) => `${streamName}:${t}`).join(' -> ')}`;
}
