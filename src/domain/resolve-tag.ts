/**
 * Reading a stream's history the way OpenShift does: LatestTaggedImage, ResolveImageID (digest or
 * digest-prefix lookup over every tag's history), the pull spec a consumer gets for a tag under its
 * reference policy (library-go ResolveReferenceForTagEvent), and the synchronous resolution the API
 * server performs when a non-imported spec tag is written (strategy.go tagReferenceToTagEvent).
 */
import { TagstreamError } from '../errors.js';
import type { ImageStream, TagEvent, TagReference } from './image-stream.js';
import { findSpecTag, latestTagEvent, streamKey } from './image-stream.js';
import { isDigest, isParsed, parseOrKeep, sourceText } from './image-reference.js';
import { eventReference, type StreamReference } from './stream-references.js';
import { parseFromReference, openShiftReferenceOf, formatOpenShiftReference } from './tag-source.js';

/** items[0] of `tag` (empty tag = `latest`), or undefined when the tag has no history. */
export function latestTaggedImage(stream: ImageStream, tag: string): TagEvent | undefined {
  return latestTagEvent(stream, tag === '' ? 'latest' : tag);
}

/**
 * ResolveImageID: the history entry whose image is `id` or starts with it (with or without the
 * `sha256:` prefix). Throws NotFound for no match and Conflict when several images match.
 */
export function resolveImageId(stream: ImageStream, id: string): TagEvent {
  let found: TagEvent | undefined;
  const images = new Set<string>();
  for (const list of stream.status?.tags ?? []) {
    for (const item of list.items ?? []) {
      const hex = isDigest(item.image) ? item.image.slice(item.image.indexOf(':') + 1) : undefined;
      if ((hex !== undefined && hex.startsWith(id)) || (item.image !== '' && item.image.startsWith(id))) {
        found ??= item;
        images.add(item.image);
      }
    }
  }
  if (images.size === 0 || !found) {
    throw new TagstreamError('NotFound', `imagestreamimages.image.openshift.io "${id}" not found`);
  }
  if (images.size > 1) {
    const all = [...images].sort().join(', ');
    throw new TagstreamError(
      'Conflict',
      `Operation cannot be fulfilled on imagestreamimages.image.openshift.io "${id}": multiple images match the prefix "${id}": ${all}`,
    );
  }
  return found;
}

/** How a Local-policy stream's repository is found when its status does not name one. */
export interface PullSpecOptions {
  /** Hostname[:port] of the integrated registry: `<localRegistry>/<namespace>/<name>`. */
  readonly localRegistry?: string | undefined;
  /** The stream's effective namespace (a file may leave metadata.namespace out). */
  readonly namespace?: string | undefined;
  /** Overrides `localRegistry`: the Local repository of a stream, or undefined when there is none. */
  readonly localRepository?: ((namespace: string, stream: string) => string | undefined) | undefined;
}

/** Where the integrated registry serves this stream: status.dockerImageRepository, else the configured local registry. */
export function localRepository(stream: ImageStream, options: PullSpecOptions | string = {}): string | undefined {
  const o: PullSpecOptions = typeof options === 'string' ? { localRegistry: options } : options;
  const status = stream.status?.dockerImageRepository;
  if (status) return status;
  const namespace = o.namespace ?? stream.metadata.namespace ?? '';
  if (o.localRepository) return o.localRepository(namespace, stream.metadata.name);
  if (!o.localRegistry) return undefined;
  return `${o.localRegistry}/${namespace}/${stream.metadata.name}`;
}

/**
 * The one tag -> pull spec function (OpenShift's ResolveLatestTaggedImage): the pull spec
 * consumers (triggers, lookup, update targets) get for `tag`, as a value: items[0]'s
 * dockerImageReference, or, with `referencePolicy.type: Local` and a known digest,
 * `<local repository>@<digest>` where the local repository is status.dockerImageRepository when
 * set (as OpenShift), else the configured local registry. Undefined when the tag has no history
 * (pending imports keep the last good image). A text that is no valid reference comes back
 * unparsed, as written.
 */
export function resolveTagReference(stream: ImageStream, tag: string, options: PullSpecOptions = {}): StreamReference | undefined {
  const name = tag === '' ? 'latest' : tag;
  const latest = latestTaggedImage(stream, name);
  if (!latest || latest.dockerImageReference === '') return undefined;
  const spec = findSpecTag(stream, name);
  if (spec?.referencePolicy?.type !== 'Local' || latest.image === '') return eventReference(latest);
  const local = localRepository(stream, options);
  return local ? parseOrKeep(`${local}@${latest.image}`) : eventReference(latest);
}

/** The text of resolveTagReference: what a trigger or target writes for `tag`. */
export function resolveTagPullSpec(stream: ImageStream, tag: string, options: PullSpecOptions = {}): string | undefined {
  const ref = resolveTagReference(stream, tag, options);
  return ref && sourceText(ref);
}

export interface ResolveContext {
  /** Every known stream by `namespace/name` (the source of cross-stream references). */
  readonly streams: ReadonlyMap<string, ImageStream>;
  /** RFC 3339 time for new events. */
  readonly now: string;
  /** Hostname[:port] of the integrated registry, when one is configured. */
  readonly localRegistry?: string | undefined;
}

/**
 * §2.1: the event the API server records synchronously for a new or changed spec tag, or
 * undefined when there is nothing to record (importable DockerImage tags are imported later;
 * an ImageStreamTag source without history). Throws TagstreamError ('Invalid', 'NotFound',
 * 'Conflict') with the server's wording, located at `spec.tags[<tag>].from.name`.
 */
export function resolveSpecTagEvent(stream: ImageStream, ref: TagReference, ctx: ResolveContext): TagEvent | undefined {
  const from = ref.from;
  if (!from || from.name === '') return undefined;
  const generation = ref.generation ?? 0;
  if (from.kind === 'DockerImage') {
    if (!ref.reference) return undefined;
    return { created: ctx.now, dockerImageReference: from.name, image: '', generation };
  }
  const fromPath = `spec.tags[${ref.name}].from`;
  if (from.kind !== 'ImageStreamTag' && from.kind !== 'ImageStreamImage') {
    throw new TagstreamError('Invalid', `${fromPath}.kind: Unsupported value: "${from.kind}": supported values: "DockerImage", "ImageStreamImage", "ImageStreamTag"`);
  }
  const namespace = stream.metadata.namespace ?? '';
  const target = parseFromReference({ name: stream.metadata.name, namespace }, ref.name, from);
  const source = target.namespace === namespace && target.stream === stream.metadata.name ? stream : ctx.streams.get(streamKey(target.namespace, target.stream));
  if (!source) throw new TagstreamError('NotFound', `${fromPath}.name: Not found: "${from.name}"`);
  let found: TagEvent | undefined;
  if (from.kind === 'ImageStreamTag') {
    found = latestTaggedImage(source, target.tagOrId);
  } else {
    try {
      found = resolveImageId(source, target.tagOrId);
    } catch (e) {
      if (e instanceof TagstreamError) {
        throw new TagstreamError(e.code, `${fromPath}.name: Invalid value: "${from.name}": error generating tag event: ${e.message}`);
      }
      throw e;
    }
  }
  if (!found) return undefined;
  let dockerImageReference = found.dockerImageReference;
  if (!ref.reference && ctx.localRegistry) {
    dockerImageReference = rewriteInternalReference(found, ctx.localRegistry, target, stream);
  }
  return { created: ctx.now, dockerImageReference, image: found.image, generation };
}

/**
 * Images served by the integrated registry from the source stream are re-pointed at the
 * destination stream, so pulls use the destination's credentials (origin oc_tag.go).
 */
function rewriteInternalReference(
  event: TagEvent,
  localRegistry: string,
  source: { readonly namespace: string; readonly stream: string },
  destination: ImageStream,
): string {
  const ref = eventReference(event);
  if (!isParsed(ref)) return event.dockerImageReference;
  const parsed = openShiftReferenceOf(ref);
  if (parsed.registry !== localRegistry || parsed.namespace !== source.namespace || parsed.name !== source.stream) return event.dockerImageReference;
  return formatOpenShiftReference({ ...parsed, namespace: destination.metadata.namespace ?? '', name: destination.metadata.name });
}
