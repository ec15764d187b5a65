/**
 * `oc tag [--source=KIND] SOURCE DEST [DEST...]` and `oc tag -d DEST...` (oc pkg/cli/tag/tag.go,
 * spec §2.2), planned over the current streams. Checks run in oc's order (Complete, Validate,
 * then every destination before anything is written), so invalid input changes nothing.
 */
import { splitNamespaced } from '../domain/stream-tag-name.js';
import { TagstreamError, UsageError } from '../errors.js';
import type { ImageStream, ImportMode, ReferencePolicyType, TagFromKind, TagReference } from '../domain/image-stream.js';
import { findSpecTag, findStatusTag } from '../domain/image-stream.js';
import { INVALID_TAG_MESSAGE, isValidTagName } from '../domain/names.js';
import { latestTaggedImage } from '../domain/resolve-tag.js';
import { isParsed } from '../domain/image-reference.js';
import { eventReference } from '../domain/stream-references.js';
import { withSpecTag, withoutTag } from '../domain/stream-edit.js';
import { writeStream } from '../domain/stream-update.js';
import { trackingCycle, trackingCycleMessage } from '../domain/tracking.js';
import {
  formatOpenShiftReference,
  formatStreamRelative,
  guessSourceKind,
  openShiftReferenceOf,
  parseOpenShiftReference,
  sourceKindFromFlag,
  splitImageStreamTag,
  type OpenShiftReference,
} from '../domain/tag-source.js';
import { parseTagPolicy, TAG_POLICY_ANNOTATION } from '../domain/tag-policy.js';
import { planImports } from '../planning/import-plan.js';
import { StreamSet, assertValidStreamName, importModeFlag, newStreamSkeleton } from './stream-set.js';
import type { VerbContext, VerbPlan } from './verb-plan.js';

export interface TagOptions {
  /** Positional arguments: SOURCE DEST... (with `delete`: DEST...). */
  readonly args: readonly string[];
  /** `--source`. */
  readonly source?: string | undefined;
  readonly delete?: boolean | undefined;
  readonly alias?: boolean | undefined;
  readonly reference?: boolean | undefined;
  readonly scheduled?: boolean | undefined;
  readonly insecure?: boolean | undefined;
  /** `--reference-policy` (default `source`). */
  readonly referencePolicy?: string | undefined;
  /** `--import-mode` (default `Legacy`); undefined = flag not given. */
  readonly importMode?: string | undefined;
  /**
   * `--policy ORDER:ARGUMENT`: the `tagstream.io/tag-policy` annotation of DEST (follow the newest
   * tag of SOURCE's repository); `''` writes no policy. Like oc, a tag write resets the annotations.
   */
  readonly policy?: string | undefined;
}

const VALID_SOURCES = 'docker, dockerimage, imagestreamimage, imagestreamtag, isimage, istag';
/** oc's DockerDefaultNamespace: `library/x` in an istag source means the current namespace. */
const DOCKER_DEFAULT_NAMESPACE = 'library';

interface Destination {
  readonly namespace: string;
  /** `stream:tag` as given. */
  readonly nameAndTag: string;
  readonly stream: string;
  readonly tag: string;
}

function parseDestination(currentNamespace: string, arg: string): { namespace: string; nameAndTag: string } {
  const split = splitNamespaced(arg);
  if (!split) throw new TagstreamError('Refused', `invalid image stream "${arg}"`);
  const { namespace, name } = split;
  if (namespace === undefined) return { namespace: currentNamespace, nameAndTag: arg };
  if (namespace === '') throw new TagstreamError('Refused', `invalid namespace "${namespace}" for image stream "${arg}"`);
  if (name === '') throw new TagstreamError('Refused', `invalid name "${name}" for image stream "${arg}"`);
  return { namespace, nameAndTag: name };
}

function toDestination(d: { namespace: string; nameAndTag: string }): Destination {
  const { name, tag, ok } = splitImageStreamTag(d.nameAndTag);
  if (!ok) throw new TagstreamError('Refused', `"${d.nameAndTag}" must be of the form <stream_name>:<tag>`);
  return { namespace: d.namespace, nameAndTag: d.nameAndTag, stream: name, tag };
}

function referencePolicyType(value: string | undefined): ReferencePolicyType {
  switch (value ?? 'source') {
    case 'source':
      return 'Source';
    case 'local':
      return 'Local';
    default:
      throw new UsageError("reference policy must be set to 'source' or 'local'");
  }
}

interface ResolvedSource {
  readonly kind: TagFromKind;
  readonly ref: OpenShiftReference;
}

/** Complete(): source kind, parse, istag snapshot. */
function resolveSource(streams: StreamSet, options: TagOptions, ctx: VerbContext, source: string): ResolvedSource {
  let kind: TagFromKind | undefined;
  if (options.source !== undefined && options.source !== '') {
    kind = sourceKindFromFlag(options.source);
    if (!kind) throw new UsageError(`invalid source "${options.source}"; valid values are ${VALID_SOURCES}`);
  }
  let ref: OpenShiftReference;
  try {
    ref = parseOpenShiftReference(source);
  } catch (e) {
    throw new TagstreamError('Refused', `invalid SOURCE: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (kind === 'ImageStreamTag' || kind === 'ImageStreamImage') {
    if (ref.registry) throw new TagstreamError('Refused', 'server in SOURCE is only allowed when providing a container image');
    if (ref.namespace === DOCKER_DEFAULT_NAMESPACE) ref = { ...ref, namespace: ctx.namespace };
    if (kind === 'ImageStreamTag' && !ref.tag) throw new TagstreamError('Refused', '--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE');
    if (kind === 'ImageStreamImage' && !ref.id) throw new TagstreamError('Refused', '--source=ImageStreamImage requires a valid <name>@<id> in SOURCE');
  }
  kind ??= guessSourceKind(ref);
  if (kind === 'ImageStreamTag' && !options.alias) {
    // not an alias: copy what the source tag points at now (a permanent copy)
    const namespace = ref.namespace || ctx.namespace;
    const stream = streams.get(namespace, ref.name);
    if (!stream) throw new TagstreamError('NotFound', `imagestreams.image.openshift.io "${ref.name}" not found`);
    const event = latestTaggedImage(stream, ref.tag);
    if (!event) throw new TagstreamError('Refused', `"${source}" is not currently pointing to an image, cannot use it as the source of a tag`);
    if (event.image === '') {
      const pullSpec = eventReference(event);
      if (isParsed(pullSpec)) return { kind: 'DockerImage', ref: openShiftReferenceOf(pullSpec) };
      throw new TagstreamError('Refused', `the image stream tag "${source}" has an invalid pull spec and cannot be used to tag: ${pullSpec.error.message}`);
    }
    return { kind: 'ImageStreamImage', ref: { ...ref, id: event.image, tag: '' } };
  }
  return { kind, ref };
}

/** Plan `oc tag`. Throws UsageError / TagstreamError with oc's wording; nothing is changed on error. */
export function planTag(current: ReadonlyMap<string, ImageStream>, options: TagOptions, ctx: VerbContext): VerbPlan {
  const streams = new StreamSet(current, ctx);
  const args = options.args;
  if (args.length < 1 && !options.delete) {
    throw new UsageError('you must specify a source and at least one destination or one or more tags to delete');
  }
  let source: ResolvedSource | undefined;
  let destArgs = args;
  if (!options.delete) {
    source = resolveSource(streams, options, ctx, args[0] as string);
    destArgs = args.slice(1);
  }
  const parsed = destArgs.map((a) => parseDestination(ctx.namespace, a));

  // Validate()
  if (options.delete && options.alias) throw new TagstreamError('Refused', '--alias and --delete may not be both specified');
  const policy = referencePolicyType(options.referencePolicy);
  if (options.delete) {
    if (options.source) throw new TagstreamError('Refused', 'cannot specify a source kind when deleting');
    if (options.scheduled || options.insecure) throw new TagstreamError('Refused', 'cannot set flags for importing images when deleting a tag');
    if (options.importMode !== undefined) throw new TagstreamError('Refused', 'cannot specify an import mode when deleting');
  }
  const importMode = importModeFlag(options.importMode);
  const tagPolicy = policyFlag(options, source);
  if (parsed.length === 0) throw new TagstreamError('Refused', 'at least a destination is required');
  if (source && source.kind !== 'DockerImage' && (options.scheduled || options.insecure)) {
    throw new TagstreamError('Refused', 'only container images can have importing flags set');
  }
  if (options.alias && source) {
    if (options.scheduled || options.insecure) {
      throw new TagstreamError('Refused', 'cannot set a container image tag as an alias and also set import flags');
    }
    for (const d of parsed) {
      if (d.namespace !== ctx.namespace) throw new TagstreamError('Refused', 'cannot set alias across different Image Streams');
      const { name, ok } = splitImageStreamTag(d.nameAndTag);
      if (!ok) throw new TagstreamError('Refused', `"${d.nameAndTag}" must be of the form <stream_name>:<tag>`);
      if (name !== source.ref.name) throw new TagstreamError('Refused', 'cannot set alias across different Image Streams');
    }
  }
  const destinations = parsed.map(toDestination);
  for (const d of destinations) {
    if (!options.delete && !isValidTagName(d.tag)) throw new TagstreamError('Refused', `invalid tag "${d.tag}": ${INVALID_TAG_MESSAGE}`);
    if (!options.delete) assertValidStreamName('ImageStream', d.namespace, d.stream);
  }

  const messages: string[] = [];
  const written: { namespace: string; stream: string; tag: string }[] = [];
  for (const d of destinations) {
    const old = streams.get(d.namespace, d.stream);
    if (options.delete) {
      if (!old) throw new TagstreamError('NotFound', `imagestreams.image.openshift.io "${d.stream}" not found`);
      if (!findSpecTag(old, d.tag) && !findStatusTag(old, d.tag)) {
        throw new TagstreamError('NotFound', `imagestreamtags.image.openshift.io "${d.stream}:${d.tag}" not found`);
      }
      streams.put(writeStream(old, withoutTag(old, d.tag), { ...ctx, streams: streams.all() }));
      messages.push(`Deleted tag ${d.namespace}/${d.nameAndTag}.`);
      continue;
    }
    const src = source as ResolvedSource;
    const built = buildTagReference(d, src, options, policy, importMode, ctx);
    const tagRef = tagPolicy ? { ...built, annotations: { [TAG_POLICY_ANNOTATION]: tagPolicy } } : built;
    const base = old ?? newStreamSkeleton(d.namespace, d.stream);
    const next = withSpecTag(base, tagRef);
    const cycle = trackingCycle(next, d.tag);
    if (cycle) throw new TagstreamError('Refused', trackingCycleMessage(d.stream, cycle));
    streams.put(writeStream(old, next, { ...ctx, streams: streams.all() }));
    written.push({ namespace: d.namespace, stream: d.stream, tag: d.tag });
    messages.push(tagPolicy ? policyMessage(d, src, tagPolicy, ctx) : successMessage(d, src, options, ctx));
  }
  const changed = streams.changed();
  const imports = changed.flatMap((s) =>
    planImports(s, {
      defaultImportMode: ctx.defaultImportMode,
      onlyTags: written.filter((w) => w.namespace === s.metadata.namespace && w.stream === s.metadata.name).map((w) => w.tag),
    }),
  );
  return { streams: changed, messages, imports, warnings: streams.warnings() };
}

/** The whole spec tag `oc tag` PUTs (fields not set by flags are reset). */
function buildTagReference(
  d: Destination,
  src: ResolvedSource,
  options: TagOptions,
  policy: ReferencePolicyType,
  importMode: ImportMode,
  ctx: VerbContext,
): TagReference {
  const importPolicy = {
    ...(options.insecure ? { insecure: true } : {}),
    ...(options.scheduled ? { scheduled: true } : {}),
    importMode,
  };
  const common = {
    name: d.tag,
    annotations: null,
    ...(options.reference ? { reference: true } : {}),
    importPolicy,
    referencePolicy: { type: policy },
  };
  if (src.kind === 'DockerImage') {
    // generation 0: the server treats every `oc tag` of an external image as a new import request
    return { ...common, from: { kind: 'DockerImage', name: formatOpenShiftReference(src.ref) }, generation: 0 };
  }
  let namespace = src.ref.namespace;
  if (!namespace && d.namespace !== ctx.namespace) namespace = ctx.namespace;
  return {
    ...common,
    from: { kind: src.kind, name: formatStreamRelative(src.ref), ...(namespace ? { namespace } : {}) },
  };
}

/** The `--policy` value to write, checked; undefined for none (`--policy=''` or no flag). */
function policyFlag(options: TagOptions, source: ResolvedSource | undefined): string | undefined {
  if (options.policy === undefined || options.policy === '') return undefined;
  if (options.delete) throw new TagstreamError('Refused', 'cannot specify a tag policy when deleting');
  try {
    parseTagPolicy(options.policy);
  } catch (e) {
    throw new UsageError(`invalid --policy: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (source?.kind !== 'DockerImage' || options.reference || options.alias) {
    throw new TagstreamError('Refused', 'a tag policy needs a container image SOURCE that is imported (not --reference or --alias)');
  }
  return options.policy;
}

function policyMessage(d: Destination, src: ResolvedSource, policy: string, ctx: VerbContext): string {
  const dest = d.namespace === ctx.namespace ? d.nameAndTag : `${d.namespace}/${d.nameAndTag}`;
  return `Tag ${dest} set to follow the newest tag of ${formatOpenShiftReference({ ...src.ref, tag: '', id: '' })} by ${policy}.`;
}

function successMessage(d: Destination, src: ResolvedSource, options: TagOptions, ctx: VerbContext): string {
  const same = d.namespace === ctx.namespace;
  const dest = same ? d.nameAndTag : `${d.namespace}/${d.nameAndTag}`;
  const what = formatOpenShiftReference(src.ref);
  if (options.alias) return `Tag ${dest} set up to track ${what}.`;
  if (options.scheduled) {
    // oc drops the word "import" in the cross-namespace variant; kept for fidelity
    return same ? `Tag ${dest} set to import ${what} periodically.` : `Tag ${dest} set to ${what} periodically.`;
  }
  return `Tag ${dest} set to ${what}.`;
}
