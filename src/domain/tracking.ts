/**
 * Same-stream tracking (UpdateTrackingTags): a spec tag whose source is an ImageStreamTag of the
 * *same* stream and namespace follows that tag's current image. OpenShift walks one level per
 * write; Tagstream settles whole chains (A tracks B tracks C) in one run, which is where OpenShift
 * ends up after enough writes. Cross-stream references are snapshots and never follow.
 */
import type { ImageStream, TagReference } from './image-stream.js';
import { findSpecTag } from './image-stream.js';
import { addTagEvent } from './tag-event.js';
import { latestTaggedImage } from './resolve-tag.js';

/**
 * One hop of a same-stream alias (oc helpers FollowTagReference's loop body): `terminal` when the
 * spec tag names no ImageStreamTag, `next` with the tag of this stream it refers to (`tag` and
 * `stream:tag`; `stream:` means `latest`), `cross` for another stream or namespace, `invalid` for a
 * name with more than one `:`. The one rule the trackers, `import-image` and `describe` share.
 */
export type TagHop =
  | { readonly kind: 'terminal' }
  | { readonly kind: 'next'; readonly tag: string }
  | { readonly kind: 'cross' }
  | { readonly kind: 'invalid' };

export function tagHop(stream: ImageStream, ref: TagReference): TagHop {
  const from = ref.from;
  if (!from || from.kind !== 'ImageStreamTag') return { kind: 'terminal' };
  if (from.namespace && from.namespace !== (stream.metadata.namespace ?? '')) return { kind: 'cross' };
  const parts = from.name.split(':');
  if (parts.length === 1) return { kind: 'next', tag: from.name };
  if (parts.length !== 2) return { kind: 'invalid' };
  if (parts[0] !== stream.metadata.name) return { kind: 'cross' };
  return { kind: 'next', tag: parts[1] || 'latest' };
}

/** Why following an alias chain stopped short of a tag that names an image. */
export type FollowError = 'circular' | 'cross' | 'invalid' | 'not-found';

export interface FollowedTag {
  /** The last tag reached (the tag that names an image when there is no error). */
  readonly finalTag: string;
  /** That tag's spec entry, when the chain ended well. */
  readonly ref?: TagReference | undefined;
  /** True when at least one alias was followed. */
  readonly multiple: boolean;
  readonly error?: FollowError | undefined;
}

/** oc helpers FollowTagReference: follow same-stream ImageStreamTag aliases from `tag` to the final tag. */
export function followTagReference(stream: ImageStream, tag: string): FollowedTag {
  const seen = new Set<string>();
  let current = tag;
  let multiple = false;
  for (;;) {
    if (seen.has(current)) return { finalTag: current, multiple, error: 'circular' };
    seen.add(current);
    const ref = findSpecTag(stream, current);
    if (!ref) return { finalTag: current, multiple, error: 'not-found' };
    const hop = tagHop(stream, ref);
    if (hop.kind === 'terminal') return { finalTag: current, ref, multiple };
    if (hop.kind !== 'next') return { finalTag: current, multiple, error: hop.kind };
    current = hop.tag;
    multiple = true;
  }
}

/** The tag of this stream that `ref` tracks, or undefined when it is not a same-stream tracker. */
export function trackedTag(stream: ImageStream, ref: TagReference): string | undefined {
  const hop = tagHop(stream, ref);
  return hop.kind === 'next' ? hop.tag || undefined : undefined;
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
    const ref = findSpecTag(stream, current);
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
