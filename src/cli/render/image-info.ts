/**
 * `oc image info` output (pkg/cli/image/info): the text layout, the `-o json` document and the
 * "manifest list" message listing platforms when no single image was selected. Pure.
 */
import type { ImageInfo } from '../../app/image-info.js';
import type { ImageManifestEntry } from '../../ports/registry.js';
import { IMAGE_INFO_TABWRITER, tabwrite } from './go-tabwriter.js';
import { ageOf, shortHumanDuration } from './human-duration.js';
import { humanSize } from './human-size.js';
import { platformString } from '../../domain/platform.js';


/** The human layout, ending with oc's blank line. */
export function renderImageInfo(input: ImageInfo, now: Date): string {
  const { meta } = input;
  let t = `Name:\t${input.name}\n`;
  if (!input.referenceDigest || input.referenceDigest !== meta.digest) t += `Digest:\t${meta.digest}\n`;
  if (input.listDigest) t += `Manifest List:\t${input.listDigest}\n`;
  t += `Media Type:\t${meta.mediaType}\n`;
  const age = ageOf(meta.created, now);
  t += age === undefined ? 'Created:\t<unknown>\n' : `Created:\t${shortHumanDuration(age)} ago\n`;
  const layers = meta.layers ?? [];
  if (layers.length === 0) t += `Layer Size:\t${humanSize(meta.size ?? 0)}\n`;
  else {
    const size = meta.size ?? 0;
    t += `Image Size:\t${size === 0 ? `${layers.length} layers (size unavailable)` : `${humanSize(size)} in ${layers.length} layers`}\n`;
    layers.forEach((l, i) => {
      t += `${i === 0 ? 'Layers:' : ''}\t${l.size === 0 ? '--' : humanSize(l.size)}\t${l.digest}\n`;
    });
  }
  t += `OS:\t${meta.os ?? ''}\n`;
  t += `Arch:\t${meta.architecture ?? ''}\n`;
  if (meta.author) t += `Author:\t${meta.author}\n`;
  let hasCommand = false;
  if (meta.entrypoint?.length) {
    hasCommand = true;
    t += `Entrypoint:\t${meta.entrypoint.join(' ')}\n`;
  }
  if (meta.cmd?.length) {
    hasCommand = true;
    t += `Command:\t${meta.cmd.join(' ')}\n`;
  }
  if (!hasCommand) t += 'Command:\t<none>\n';
  if (meta.workingDir) t += `Working Dir:\t${meta.workingDir}\n`;
  if (meta.user) t += `User:\t${meta.user}\n`;
  if (meta.exposedPorts?.length) t += `Exposes Ports:\t${[...meta.exposedPorts].sort().join(', ')}\n`;
  (meta.env ?? []).forEach((e, i) => (t += `${i === 0 ? 'Environment:' : ''}\t${e}\n`));
  const labels = meta.labels ?? {};
  Object.keys(labels)
    .sort()
    .forEach((k, i) => (t += `${i === 0 ? 'Labels:' : ''}\t${k}=${labels[k]}\n`));
  [...(meta.volumes ?? [])].sort().forEach((v, i) => (t += `${i === 0 ? 'Volumes:' : ''}\t${v}\n`));
  t += '\n';
  return tabwrite(t, IMAGE_INFO_TABWRITER);
}

/** The message oc prints (as an error) when an index matched zero or several platforms. */
export function manifestListMessage(manifests: readonly ImageManifestEntry[]): string {
  let t = '  OS\tDIGEST\n';
  for (const m of manifests) t += `  ${m.platform ? platformString(m.platform) : ''}\t${m.digest}\n`;
  const table = tabwrite(t, { minwidth: 0, tabwidth: 0, padding: 1, padchar: ' ' });
  return `the image is a manifest list and contains multiple images - use --filter-by-os to select from:\n\n${table}\n`;
}

/** `-o json`: the shape of oc's info.Image (name, digest, listDigest, mediaType, layers, config). */
export function imageInfoJson(input: ImageInfo): string {
  const { meta } = input;
  const config: Record<string, unknown> = {};
  if (meta.user) config['User'] = meta.user;
  if (meta.exposedPorts?.length) config['ExposedPorts'] = Object.fromEntries(meta.exposedPorts.map((p) => [p, {}]));
  if (meta.env?.length) config['Env'] = meta.env;
  if (meta.cmd?.length) config['Cmd'] = meta.cmd;
  if (meta.volumes?.length) config['Volumes'] = Object.fromEntries(meta.volumes.map((v) => [v, {}]));
  if (meta.workingDir) config['WorkingDir'] = meta.workingDir;
  if (meta.entrypoint?.length) config['Entrypoint'] = meta.entrypoint;
  if (meta.labels && Object.keys(meta.labels).length) config['Labels'] = meta.labels;
  const doc = {
    name: input.name,
    digest: meta.digest,
    contentDigest: meta.digest,
    listDigest: input.listDigest ?? '',
    mediaType: meta.mediaType,
    layers: (meta.layers ?? []).map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
    config: {
      ...(meta.configDigest ? { id: meta.configDigest } : {}),
      created: meta.created ?? '0001-01-01T00:00:00Z',
      ...(meta.author ? { author: meta.author } : {}),
      config,
      architecture: meta.architecture ?? '',
      ...(meta.variant ? { variant: meta.variant } : {}),
      os: meta.os ?? '',
      size: meta.size ?? 0,
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
