/**
 * `oc get is` / `oc get istag` rows, as openshift-apiserver's table printers build them
 * (printers/internalversion/printer.go). Pure: the clock is passed in.
 */
import type { ImageStream, NamedTagEventList } from '../../domain/image-stream.js';
import { ageOf, dockerHumanDuration } from './human-duration.js';
import { istagsOf, latestUpdate, sortStatusTags, streamRepository, type IstagView } from '../../domain/image-stream-tag-view.js';
import { withNamespaceColumn, type Table } from './table.js';

/** printTagsUpToWidth: as many tags (newest first) as fit in ~preferredWidth, then `+ N more...`. */
export function printTagsUpToWidth(statusTags: readonly NamedTagEventList[], preferredWidth = 40): string {
  let tags = sortStatusTags(statusTags);
  let remaining = preferredWidth;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] as string;
    remaining -= tag.length + 1;
    if (remaining >= 0) continue;
    if (i === 0) {
      tags = tags.slice(0, 1);
      break;
    }
    // Keep going while the overflow stays within a quarter of the budget: less ragged edges.
    const margin = Math.trunc(preferredWidth / 4);
    if (margin < remaining + tag.length && margin >= -remaining) continue;
    tags = tags.slice(0, i);
    break;
  }
  const hidden = statusTags.length - tags.length;
  return hidden > 0 ? `${tags.join(',')} + ${hidden} more...` : tags.join(',');
}

/** "<age> ago", or '' when there is no timestamp. */
export function agoOrEmpty(timestamp: string | undefined, now: Date): string {
  const age = ageOf(timestamp, now);
  return age === undefined ? '' : `${dockerHumanDuration(age)} ago`;
}

export interface NamespacedStream {
  readonly namespace: string;
  readonly stream: ImageStream;
}

/** Columns NAME, IMAGE REPOSITORY, TAGS, UPDATED (+ NAMESPACE first when allNamespaces). */
export function imageStreamTable(streams: readonly NamespacedStream[], now: Date, allNamespaces: boolean): Table {
  const table: Table = {
    headers: ['NAME', 'IMAGE REPOSITORY', 'TAGS', 'UPDATED'],
    rows: streams.map(({ stream }) => [
      stream.metadata.name,
      streamRepository(stream),
      printTagsUpToWidth(stream.status?.tags ?? []),
      agoOrEmpty(latestUpdate(stream), now),
    ]),
  };
  return allNamespaces ? withNamespaceColumn(table, streams.map((s) => s.namespace)) : table;
}

/**
 * Columns NAME, IMAGE REFERENCE, UPDATED (+ IMAGE NAME when wide, + TAG POLICY and FOLLOWING when
 * wide and some tag has a tag policy; NAMESPACE first when allNamespaces).
 */
export function imageStreamTagTable(tags: readonly IstagView[], now: Date, allNamespaces: boolean, wide: boolean): Table {
  const policies = wide && tags.some((t) => t.policy);
  const table: Table = {
    headers: ['NAME', 'IMAGE REFERENCE', 'UPDATED', ...(wide ? ['IMAGE NAME'] : []), ...(policies ? ['TAG POLICY', 'FOLLOWING'] : [])],
    rows: tags.map((t) => [
      t.name,
      t.pullSpec,
      agoOrEmpty(t.event.created, now),
      ...(wide ? [t.event.image] : []),
      ...(policies ? [t.policy?.text ?? '', t.policy?.following ?? ''] : []),
    ]),
  };
  return allNamespaces ? withNamespaceColumn(table, tags.map((t) => t.namespace)) : table;
}

/** Every listable ImageStreamTag of the given streams, in stream then tag order. */
export function istagsOfStreams(streams: readonly NamespacedStream[]): IstagView[] {
  return streams.flatMap((s) => istagsOf(s.stream, s.namespace));
}
