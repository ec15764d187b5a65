/**
 * The source forms `oc tag`, `oc create istag` and spec tags use: OpenShift's own split of an image
 * reference into registry / namespace / name / tag / id (library-go reference.Parse, which, unlike
 * Docker, adds neither `docker.io` nor `library/`), source-kind guessing (oc tag.go Complete) and
 * the `from.name` forms of ImageStreamTag / ImageStreamImage sources (strategy.go parseFromReference).
 */
import { TagstreamError } from '../errors.js';
import type { TagFromKind } from './image-stream.js';
import { parseImageReference, type ImageReference } from './image-reference.js';
import { splitStreamTag } from './stream-tag-name.js';

/** An image reference split the OpenShift way. Empty strings for absent parts. */
export interface OpenShiftReference {
  readonly registry: string;
  readonly namespace: string;
  readonly name: string;
  readonly tag: string;
  readonly id: string;
}

/** True when a first path component names a registry host (contains `.` or `:`, or is `localhost`). */
export function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/**
 * Split a reference OpenShift's way. The grammar is checked by parseImageReference (throws
 * TagstreamError 'InvalidReference'); the split itself keeps the text as written.
 */
export function parseOpenShiftReference(input: string): OpenShiftReference {
  return openShiftReferenceOf(parseImageReference(input));
}

/** A parsed reference split OpenShift's way: its repository as written, without Docker's defaults. */
export function openShiftReferenceOf(ref: Pick<ImageReference, 'repository' | 'tag' | 'digest'>): OpenShiftReference {
  let rest = ref.repository;
  let registry = '';
  const slash = rest.indexOf('/');
  if (slash !== -1 && looksLikeRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  let namespace = '';
  const nsSlash = rest.indexOf('/');
  if (nsSlash !== -1) {
    namespace = rest.slice(0, nsSlash);
    rest = rest.slice(nsSlash + 1);
  }
  return { registry, namespace, name: rest, tag: ref.tag ?? '', id: ref.digest ?? '' };
}

/** DockerImageReferenceExact: the reference written back without defaults. */
export function formatOpenShiftReference(ref: OpenShiftReference): string {
  const path = [ref.registry, ref.namespace, ref.name].filter((p) => p !== '').join('/');
  return `${path}${ref.tag ? `:${ref.tag}` : ''}${ref.id ? `@${ref.id}` : ''}`;
}

/** DockerImageReferenceNameString: `name:tag` / `name@id` (no registry, no namespace). */
export function formatStreamRelative(ref: OpenShiftReference): string {
  if (ref.id) return `${ref.name}@${ref.id}`;
  if (ref.tag) return `${ref.name}:${ref.tag}`;
  return ref.name;
}

/**
 * `oc tag` source-kind guessing when `--source` is absent: registry -> DockerImage, `@id` ->
 * ImageStreamImage, `:tag` -> ImageStreamTag, bare name -> DockerImage (Docker Hub).
 */
export function guessSourceKind(ref: OpenShiftReference): TagFromKind {
  if (ref.registry) return 'DockerImage';
  if (ref.id) return 'ImageStreamImage';
  if (ref.tag) return 'ImageStreamTag';
  return 'DockerImage';
}

/** `--source` values oc accepts, mapped to kinds. */
export function sourceKindFromFlag(value: string): TagFromKind | undefined {
  switch (value.toLowerCase()) {
    case 'imagestreamtag':
    case 'istag':
      return 'ImageStreamTag';
    case 'imagestreamimage':
    case 'isimage':
      return 'ImageStreamImage';
    case 'docker':
    case 'dockerimage':
      return 'DockerImage';
    default:
      return undefined;
  }
}

/** SplitImageStreamTag: `name:tag` (tag defaults to latest); ok=false without a `:`. */
export function splitImageStreamTag(nameAndTag: string): { name: string; tag: string; ok: boolean } {
  const st = splitStreamTag(nameAndTag);
  return st ? { name: st.stream, tag: st.tag, ok: true } : { name: nameAndTag, tag: 'latest', ok: false };
}

export interface FromReference {
  /** The referenced stream's namespace (from.namespace, else the stream's own). */
  readonly namespace: string;
  readonly stream: string;
  /** A tag for ImageStreamTag, an image id (or id prefix) for ImageStreamImage. */
  readonly tagOrId: string;
}

const FROM_FORMS = 'must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>';

/**
 * parseFromReference: the stream and tag/id an ImageStreamTag / ImageStreamImage `from` points
 * at. `<tag>` and `<id>` mean the stream itself. Throws TagstreamError 'Invalid' with the
 * server's wording, located at `spec.tags[<tag>].from.name`.
 */
export function parseFromReference(
  stream: { readonly name: string; readonly namespace: string },
  tagName: string,
  from: { readonly kind: string; readonly name: string; readonly namespace?: string | undefined },
): FromReference {
  const namespace = from.namespace || stream.namespace;
  const sep = from.kind === 'ImageStreamImage' ? '@' : ':';
  const parts = from.name.split(sep);
  if (parts.length === 1 && parts[0] !== '') return { namespace, stream: stream.name, tagOrId: from.name };
  const [name = '', tagOrId = ''] = parts;
  if (parts.length === 2 && name !== '') {
    // `stream:` means latest (LatestTaggedImage defaults an empty tag); an id cannot be empty
    if (tagOrId !== '') return { namespace, stream: name, tagOrId };
    if (sep === ':') return { namespace, stream: name, tagOrId: 'latest' };
  }
  throw new TagstreamError('Invalid', `spec.tags[${tagName}].from.name: Invalid value: "${from.name}": ${FROM_FORMS}`);
}
