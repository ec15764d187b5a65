/**
 * `oc describe is NAME`, laid out exactly as oc's DescribeImageStream / formatImageStreamTags
 * (pkg/helpers/describe), from what the repository holds. Pure: the clock is passed in.
 */
import type { ImageStream, TagEvent } from '../../domain/image-stream.js';
import { findSpecTag, findStatusTag } from '../../domain/image-stream.js';
import { isParsed } from '../../domain/image-reference.js';
import { eventReference } from '../../domain/stream-references.js';
import { DescribeWriter } from './describe-writer.js';
import { ageOf, dockerHumanDuration } from './human-duration.js';
import { prioritizeTags } from '../../domain/prioritize-tags.js';
import { isImportPending } from '../../domain/image-stream-tag-view.js';
import { followTagReference } from '../../domain/tracking.js';

const MAX_GO_DURATION_MS = 9223372036854;

function ago(timestamp: string | null | undefined, now: Date): string {
  // A missing time is Go's zero time; time.Sub saturates at the largest Duration (~292 years).
  const age = ageOf(timestamp, now) ?? MAX_GO_DURATION_MS;
  return dockerHumanDuration(age);
}

/** oc prints the image id next to the age when the pull spec does not already carry it. */
function showsImageId(event: TagEvent): boolean {
  if (!event.image) return false;
  const ref = eventReference(event);
  return isParsed(ref) && ref.digest !== event.image;
}

/** Tagstream's own bookkeeping annotations (`tagstream.io/observed-spec`): not the user's, hidden unless asked for. */
export function isManagedAnnotation(key: string): boolean {
  return key.startsWith('tagstream.io/');
}

/**
 * The full `oc describe is` text for one stream in `namespace`. `showManaged` also prints
 * Tagstream's bookkeeping annotations.
 */
export function describeImageStream(stream: ImageStream, namespace: string, now: Date, options: { readonly showManaged?: boolean } = {}): string {
  const w = new DescribeWriter();
  w.string('Name', stream.metadata.name);
  if (namespace) w.string('Namespace', namespace);
  if (stream.metadata.creationTimestamp) w.write(`Created:\t${ago(stream.metadata.creationTimestamp, now)} ago\n`);
  w.map('Labels', stream.metadata.labels);
  const annotations = stream.metadata.annotations;
  w.annotations(options.showManaged || !annotations ? annotations : Object.fromEntries(Object.entries(annotations).filter(([k]) => !isManagedAnnotation(k))));
  w.string('Image Repository', stream.status?.publicDockerImageRepository || stream.status?.dockerImageRepository || '');
  w.string('Image Lookup', `local=${stream.spec.lookupPolicy?.local ?? false}`);
  writeTags(w, { ...stream, metadata: { ...stream.metadata, namespace } }, now);
  return w.toString();
}

function writeTags(w: DescribeWriter, stream: ImageStream, now: Date): void {
  const statusTags = stream.status?.tags ?? [];
  const specTags = stream.spec.tags ?? [];
  if (statusTags.length === 0 && specTags.length === 0) {
    w.write('Tags:\t<none>\n');
    return;
  }
  // Same counting as oc, including its quirk: all reference-only items share the key ''.
  const images = new Set<string>();
  for (const t of statusTags) {
    for (const item of t.items ?? []) {
      if (item.image) images.add(item.image);
      else if (item.dockerImageReference) images.add('');
    }
  }
  const sorted = statusTags.map((t) => t.tag);
  const aliases = new Set<string>();
  const referential = new Map<string, string[]>();
  for (const ref of specTags) {
    const followed = followTagReference(stream, ref.name);
    if (followed.error === undefined && followed.multiple) {
      aliases.add(ref.name);
      referential.set(followed.finalTag, [...(referential.get(followed.finalTag) ?? []), ref.name]);
    }
    if (!findStatusTag(stream, ref.name)) sorted.push(ref.name);
  }
  w.write(`Unique Images:\t${images.size}\nTags:\t${sorted.length}\n\n`);

  let first = true;
  for (const tag of prioritizeTags(sorted)) {
    if (aliases.has(tag)) continue;
    if (!first) w.write('\n');
    first = false;
    const status = findStatusTag(stream, tag);
    const ref = findSpecTag(stream, tag);
    const refs = referential.get(tag);
    w.write(refs?.length ? `${tag} (${prioritizeTags(refs).join(', ')})\n` : `${tag}\n`);

    let name = '';
    let scheduled = false;
    let insecure = false;
    let importing = false;
    if (ref?.from) {
      name = ref.from.namespace && ref.from.namespace !== stream.metadata.namespace ? `${ref.from.namespace}/${ref.from.name}` : ref.from.name;
      scheduled = ref.importPolicy?.scheduled ?? false;
      insecure = ref.importPolicy?.insecure ?? false;
      importing = isImportPending(stream, ref);
    }
    w.write(sourceLine(ref === undefined, ref?.from?.kind, ref?.reference ?? false, scheduled, name));
    if (insecure) w.write('    will use insecure HTTPS or HTTP connections\n');
    if (ref?.referencePolicy?.type === 'Local') w.write('    prefer registry pullthrough when referencing this tag\n');
    w.write('\n');

    const annotations = ref?.annotations ?? {};
    let extra = false;
    const description = annotations['description'];
    if (description) {
      w.write(`  ${description}\n`);
      extra = true;
    }
    const tagsNote = annotations['tags'];
    if (tagsNote) {
      w.write(`  Tags: ${tagsNote.split(',').join(', ')}\n`);
      extra = true;
    }
    const supports = annotations['supports'];
    if (supports) {
      w.write(`  Supports: ${supports.split(',').join(', ')}\n`);
      extra = true;
    }
    const sample = annotations['sampleRepo'];
    if (sample) {
      w.write(`  Example Repo: ${sample}\n`);
      extra = true;
    }
    if (extra) w.write('\n');

    if (importing) w.write('  ~ importing latest image ...\n');
    for (const c of status?.conditions ?? []) {
      if (c.type === 'ImportSuccess' && c.status === 'False') {
        w.write(`  ! error: Import failed (${c.reason ?? ''}): ${c.message ?? ''}\n      ${ago(c.lastTransitionTime, now)} ago\n`);
      }
    }
    (status?.items ?? []).forEach((event, i) => {
      w.write(i === 0 ? `  * ${event.dockerImageReference}\n` : `    ${event.dockerImageReference}\n`);
      w.write(showsImageId(event) ? `      ${ago(event.created, now)} ago\t${event.image}\n` : `      ${ago(event.created, now)} ago\n`);
    });
  }
}

function sourceLine(noSpec: boolean, kind: string | undefined, reference: boolean, scheduled: boolean, name: string): string {
  if (noSpec) return '  no spec tag\n';
  switch (kind) {
    case undefined:
      return '  tag without source image\n';
    case 'ImageStreamTag':
      if (reference) return `  reference to ${name}\n`;
      return scheduled ? `  updates automatically from ${name}\n` : `  tagged from ${name}\n`;
    case 'DockerImage':
      if (reference) return `  reference to registry ${name}\n`;
      return scheduled ? `  updates automatically from registry ${name}\n` : `  tagged from ${name}\n`;
    case 'ImageStreamImage':
      return reference ? `  reference to image ${name}\n` : `  tagged from ${name}\n`;
    default:
      return reference ? `  reference to ${kind} ${name}\n` : `  updates from ${kind} ${name}\n`;
  }
}
