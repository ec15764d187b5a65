/**
 * `oc create imagestreamtag NAME:TAG` (oc pkg/cli/create/imagestreamtag.go + imagestreamtag
 * rest.go Create, spec §4). Unlike `oc tag`, `--from` creates a tracking reference, and an
 * existing spec tag is refused (AlreadyExists) instead of replaced.
 */
import { assertNoCredentials } from '../domain/image-reference.js';
import { parseIstagName } from '../domain/stream-tag-name.js';
import { TagstreamError, UsageError } from '../errors.js';
import type { ImageStream, ReferencePolicyType, TagReference } from '../domain/image-stream.js';
import { findSpecTag } from '../domain/image-stream.js';
import { DEFAULT_IMPORT_MODE } from '../domain/generation.js';
import { withSpecTag } from '../domain/stream-edit.js';
import { writeStream } from '../domain/stream-update.js';
import { trackingCycle, trackingCycleMessage } from '../domain/tracking.js';
import { parseOpenShiftReference, type OpenShiftReference } from '../domain/tag-source.js';
import { planImports } from '../planning/import-plan.js';
import { StreamSet, assertValidStreamName, newStreamSkeleton } from './stream-set.js';
import type { VerbContext, VerbPlan } from './verb-plan.js';

export interface CreateIstagOptions {
  /** `stream:tag`. */
  readonly name: string;
  readonly fromImage?: string | undefined;
  readonly from?: string | undefined;
  readonly reference?: boolean | undefined;
  readonly scheduled?: boolean | undefined;
  readonly insecure?: boolean | undefined;
  /** `--reference-policy` (default `source`). */
  readonly referencePolicy?: string | undefined;
  /** `-A key=value`, set on the tag (and the istag metadata). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

function referencePolicyOf(value: string | undefined): ReferencePolicyType {
  switch (value ?? 'source') {
    case 'source':
      return 'Source';
    case 'local':
      return 'Local';
    default:
      throw new UsageError('valid values for --reference-policy are: source, local');
  }
}

/**
 * `--from`: `[NAMESPACE/]STREAM:TAG`, `STREAM@ID` or `:TAG` (a tag of the same stream, stored as the
 * bare tag name, as oc sends it).
 */
function fromReference(text: string): NonNullable<TagReference['from']> {
  if (/^:[^:/@]+$/.test(text)) return { kind: 'ImageStreamTag', name: text.slice(1) };
  let ref: OpenShiftReference;
  try {
    ref = parseOpenShiftReference(text);
  } catch (e) {
    throw new TagstreamError(
      'Refused',
      `Invalid --from, must be a valid image stream tag or image stream image reference: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (ref.registry) throw new TagstreamError('Refused', 'Invalid --from, registry may not be specified');
  const namespace = ref.namespace ? { namespace: ref.namespace } : {};
  return ref.id
    ? { kind: 'ImageStreamImage', name: `${ref.name}@${ref.id}`, ...namespace }
    : { kind: 'ImageStreamTag', name: `${ref.name}:${ref.tag || 'latest'}`, ...namespace };
}

/** Plan `oc create istag`. Throws with oc's / the server's wording; nothing changes on error. */
export function planCreateIstag(current: ReadonlyMap<string, ImageStream>, options: CreateIstagOptions, ctx: VerbContext): VerbPlan {
  if (options.from && options.fromImage) throw new UsageError('--from and --from-image may not be used together');
  const policy = referencePolicyOf(options.referencePolicy);
  const istag = parseIstagName(options.name);
  if (!istag) throw new TagstreamError('Refused', `"${options.name}" must be of the form <stream_name>:<tag>`);
  const { stream: streamName, tag } = istag;
  assertValidStreamName('ImageStream', ctx.namespace, streamName);

  // neither flag: a tag with annotations only (oc create imagestreamtag tag:3 -A foo=bar)
  let from: TagReference['from'];
  if (options.fromImage) {
    // Refused before it is recorded in from.name or a condition.
    assertNoCredentials(options.fromImage);
    from = { kind: 'DockerImage', name: options.fromImage };
  } else if (options.from) {
    from = fromReference(options.from);
  }
  if (options.scheduled && from?.kind !== 'DockerImage') {
    throw new TagstreamError(
      'Invalid',
      `The ImageStreamTag "${options.name}" is invalid: tag.importPolicy.scheduled: Invalid value: true: only tags pointing to Docker repositories may be scheduled for background import`,
    );
  }

  const streams = new StreamSet(current, ctx);
  const old = streams.get(ctx.namespace, streamName);
  if (old && findSpecTag(old, tag)) {
    throw new TagstreamError('AlreadyExists', `imagestreamtags.image.openshift.io "${options.name}" already exists`);
  }
  const annotations = options.annotations && Object.keys(options.annotations).length > 0 ? { ...options.annotations } : null;
  const tagRef: TagReference = {
    name: tag,
    annotations,
    ...(from ? { from } : {}),
    ...(options.reference ? { reference: true } : {}),
    importPolicy: {
      ...(options.insecure ? { insecure: true } : {}),
      ...(options.scheduled ? { scheduled: true } : {}),
      // the server fills the cluster default into an empty mode
      importMode: ctx.defaultImportMode ?? DEFAULT_IMPORT_MODE,
    },
    referencePolicy: { type: policy },
  };
  const base = old ?? newStreamSkeleton(ctx.namespace, streamName);
  const next = withSpecTag(base, tagRef);
  const cycle = trackingCycle(next, tag);
  if (cycle) throw new TagstreamError('Refused', trackingCycleMessage(streamName, cycle));
  const written = writeStream(old, next, { ...ctx, streams: streams.all() });
  streams.put(written);
  return {
    streams: streams.changed(),
    messages: [`imagestreamtag.image.openshift.io/${options.name} created`],
    imports: planImports(written, { defaultImportMode: ctx.defaultImportMode, onlyTags: [tag] }),
    warnings: streams.warnings(),
  };
}
