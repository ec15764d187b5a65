/**
 * `oc describe istag NAME:TAG` (oc DescribeImage + describeDockerImage): what the repository
 * knows about the tag's current image, plus the registry's metadata when it was fetched. Pure.
 */
import type { ImageMetadata } from '../../ports/registry.js';
import { platformString } from '../../domain/platform.js';
import { DescribeWriter } from './describe-writer.js';
import { ageOf, dockerHumanDuration } from './human-duration.js';
import { humanSize } from './human-size.js';
import type { IstagView } from '../../domain/image-stream-tag-view.js';

/** A missing time is Go's zero time, whose age saturates at the largest Duration (~292 years). */
const MAX_GO_DURATION_MS = 9223372036854;

function ago(timestamp: string | undefined, now: Date): string {
  return `${dockerHumanDuration(ageOf(timestamp, now) ?? MAX_GO_DURATION_MS)} ago`;
}

/** Total image size: the registry's figure, else the sum of layer sizes. */
export function imageSize(meta: ImageMetadata): number {
  return meta.size ?? (meta.layers ?? []).reduce((n, l) => n + l.size, 0);
}

/** The describe text; `meta` undefined prints only what the repository holds. */
export function describeImageStreamTag(view: IstagView, meta: ImageMetadata | undefined, now: Date): string {
  const w = new DescribeWriter();
  w.string('Image Name', view.event.image);
  w.string('Docker Image', view.pullSpec);
  if (view.policy) w.string('Tag Policy', `${view.policy.text} (following ${view.policy.following || '(none)'})`);
  w.string('Name', view.event.image);
  w.write(`Created:\t${ago(view.event.created, now)}\n`);
  if (!meta) return w.toString();

  const layers = meta.layers ?? [];
  const size = humanSize(imageSize(meta));
  if (layers.length === 0) w.string('Layer Size', size);
  else {
    // every layer with its size and digest, a single one included
    w.string('Image Size', `${size} in ${layers.length} ${layers.length === 1 ? 'layer' : 'layers'}`);
    w.string('Layers', layers.map((l) => `${humanSize(l.size)}\t${l.digest}`).join('\n'));
  }
  // a manifest list has no config, hence no creation time: say so rather than Go's zero time
  w.string('Image Created', meta.created ? ago(meta.created, now) : '');
  w.string('Author', meta.author ?? '');
  w.string('Arch', meta.architecture ?? '');
  if (meta.manifests?.length) {
    w.string('Manifests', meta.manifests.map((m) => `${m.platform ? platformString(m.platform) : ''}\t${m.digest}`).join('\n'));
  }
  let hasCommand = false;
  if (meta.entrypoint?.length) {
    hasCommand = true;
    w.string('Entrypoint', meta.entrypoint.join(' '));
  }
  if (meta.cmd?.length) {
    hasCommand = true;
    w.string('Command', meta.cmd.join(' '));
  }
  if (!hasCommand) w.string('Command', '');
  w.string('Working Dir', meta.workingDir ?? '');
  w.string('User', meta.user ?? '');
  w.string('Exposes Ports', [...(meta.exposedPorts ?? [])].sort().join(', '));
  w.map('Docker Labels', meta.labels);
  (meta.env ?? []).forEach((e, i) => (i === 0 ? w.string('Environment', e) : w.write(`\t${e}\n`)));
  [...(meta.volumes ?? [])].sort().forEach((v, i) => (i === 0 ? w.string('Volumes', v) : w.write(`\t${v}\n`)));
  return w.toString();
}
