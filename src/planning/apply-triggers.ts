/**
 * Image change triggers (`image.openshift.io/triggers`) evaluated as OpenShift's trigger controller
 * does (library-go `UpdateObjectFromImages`), producing field changes instead of API updates. The
 * app layer turns the changes into byte-exact edits; nothing here touches text.
 */
import { ManifestError, type SourceLocation, type TagstreamError } from '../errors.js';
import { findContainer, noSuchContainerMessage, parseFieldPath } from '../domain/field-path.js';
import { findStatusTag, streamKey, type ImageStream, type TagEvent } from '../domain/image-stream.js';
import { allContainers, evaluatesAnnotationTriggers, podSpecFieldPath, valueAt, type ContainerSlot, type ObjectPath } from '../domain/pod-spec.js';
import { parseTriggerAnnotation, TRIGGER_ANNOTATION, unindexedReason } from '../domain/trigger.js';
import { splitStreamTag } from '../domain/stream-tag-name.js';
import { resolveTagReference } from '../domain/resolve-tag.js';
import { sourceText } from '../domain/image-reference.js';
import type { StreamReference } from '../domain/stream-references.js';

/** What a workload entry must offer (WorkloadEntry of the inventory satisfies it). */
export interface TriggerWorkload {
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace or the defaulted namespace. */
  readonly namespace: string;
  readonly object: Readonly<Record<string, unknown>>;
  /** Raw annotation value when the inventory extracted it; else read from the object. */
  readonly triggersAnnotation?: string | undefined;
  readonly site?: { readonly location: SourceLocation } | undefined;
}

/** Streams by `namespace/name` (the inventory's `streams` map satisfies it). */
export type StreamIndex = ReadonlyMap<string, { readonly stream: ImageStream }>;

export interface ResolveOptions {
  /**
   * Tagstream's stand-in for `status.dockerImageRepository`: the Local registry pull spec of a
   * stream (`<localRegistry>/<ns>/<stream>`), or undefined when no Local registry is configured.
   */
  readonly localRepository?: ((namespace: string, stream: string) => string | undefined) | undefined;
}

export type FieldChangeReason =
  /** The field was empty or a placeholder: first resolution. */
  | 'initial'
  /** The field held an older image of the same tag: the tag moved. */
  | 'tag-moved'
  /** The field held something else: OpenShift sets a triggered field back, so does Tagstream. */
  | 'set-back'
  /** A short name resolved through lookupPolicy.local / resolve-names. */
  | 'local-lookup';

/** One planned change of a string field, relative to the object root. */
export interface FieldChange {
  readonly path: ObjectPath;
  /** Current value; undefined when the field is absent (or not a string). */
  readonly from: string | undefined;
  readonly to: string;
  /** `namespace/stream:tag` that drove the change. */
  readonly trigger: string;
  readonly reason: FieldChangeReason;
  /** Container name, `containers[N]` for unnamed ones, or `lastTriggeredImage`. */
  readonly container: string;
}

export type SkipReason = 'paused' | 'outside-pod-spec' | 'not-indexed' | 'unresolved';

/** A trigger that did not fire; OpenShift skips these silently, Tagstream can report them. */
export interface SkippedTrigger {
  readonly fieldPath: string;
  readonly from: string;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface TriggerPlan {
  readonly changes: readonly FieldChange[];
  /** Problems that blocked every trigger of the object (bad annotation, bad path, missing container). */
  readonly errors: readonly TagstreamError[];
  readonly skipped: readonly SkippedTrigger[];
}

export interface ApplyTriggersOptions extends ResolveOptions {
  /** Where the annotation is, so annotation errors point at it; defaults to the object's site. */
  readonly annotationLocation?: SourceLocation | undefined;
}

/** A tag resolved to the value OpenShift writes into a triggered field (§5.3). */
export interface ResolvedTag {
  /** The pull spec as written to a field (the text of `pullSpec`). */
  readonly reference: string;
  /** The pull spec as a value, for readers of its parts (no re-parse). */
  readonly pullSpec: StreamReference;
  /** Digest of items[0]; '' for reference tags. */
  readonly image: string;
  /** The tag's history, newest first (to tell a moved tag from a manual edit). */
  readonly history: readonly TagEvent[];
}

/**
 * The tag's pull spec (domain resolveTagReference, the one tag -> pull spec function) with its
 * history. undefined when the tag has no history.
 */
export function resolveLatestTaggedImage(
  stream: ImageStream,
  namespace: string,
  tag: string,
  opts: ResolveOptions = {},
): ResolvedTag | undefined {
  const history = findStatusTag(stream, tag)?.items ?? [];
  const latest = history[0];
  const pullSpec = resolveTagReference(stream, tag, { namespace, localRepository: opts.localRepository });
  if (!latest || pullSpec === undefined) return undefined;
  return { reference: sourceText(pullSpec), pullSpec, image: latest.image, history };
}

/** Look a `<stream>:<tag>` up in `namespace` and resolve it; undefined when it does not resolve. */
export function resolveStreamTag(
  streams: StreamIndex,
  namespace: string,
  streamTagName: string,
  opts: ResolveOptions = {},
): (ResolvedTag & { readonly key: string }) | undefined {
  const st = splitStreamTag(streamTagName);
  if (!st) return undefined;
  const entry = streams.get(streamKey(namespace, st.stream));
  if (!entry) return undefined;
  const resolved = resolveLatestTaggedImage(entry.stream, namespace, st.tag, opts);
  return resolved && { ...resolved, key: `${namespace}/${st.stream}:${st.tag}` };
}

/** Classify why a triggered field changes. */
export function changeReason(current: unknown, resolved: ResolvedTag): FieldChangeReason {
  if (typeof current !== 'string' || current.trim() === '') return 'initial';
  const known = resolved.history.some((e) => e.dockerImageReference === current || (e.image !== '' && current.endsWith(`@${e.image}`)));
  return known ? 'tag-moved' : 'set-back';
}

export function containerLabel(c: ContainerSlot): string {
  return c.name ?? `${c.list}[${c.index}]`;
}

function pathKey(path: ObjectPath): string {
  return JSON.stringify(path);
}

/** The raw trigger annotation of a workload, if any. */
export function triggerAnnotationOf(workload: TriggerWorkload): string | undefined {
  if (workload.triggersAnnotation !== undefined) return workload.triggersAnnotation;
  const v = valueAt(workload.object, ['metadata', 'annotations', TRIGGER_ANNOTATION]);
  return typeof v === 'string' ? v : undefined;
}

const EMPTY_PLAN: TriggerPlan = Object.freeze({ changes: [], errors: [], skipped: [] });

/**
 * Evaluate a workload's trigger annotation against the streams, in OpenShift's order: paused ->
 * skip; path outside the pod spec -> skip; tag unresolved -> skip; bad path or missing container ->
 * error that blocks every trigger of the object; else set the field when it differs.
 */
export function applyTriggers(workload: TriggerWorkload, streams: StreamIndex, opts: ApplyTriggersOptions = {}): TriggerPlan {
  const specPath = podSpecFieldPath(workload.kind, workload.object);
  if (!specPath || !evaluatesAnnotationTriggers(workload.kind, workload.object)) return EMPTY_PLAN;
  const raw = triggerAnnotationOf(workload);
  if (raw === undefined) return EMPTY_PLAN;
  const location = opts.annotationLocation ?? workload.site?.location ?? { file: '<unknown>' };
  const parsed = parseTriggerAnnotation(raw, location);
  if (!parsed.ok) return { changes: [], errors: [parsed.error], skipped: [] };

  const objectName = `${workload.kind} ${workload.namespace}/${workload.name}`;
  const skipped: SkippedTrigger[] = [];
  const pending = new Map<string, FieldChange>();
  const originals = new Map<string, unknown>();
  for (const trigger of parsed.triggers) {
    const skip = (reason: SkipReason, detail: string): void => {
      skipped.push({ fieldPath: trigger.fieldPath, from: trigger.from.name, reason, detail });
    };
    if (trigger.paused) {
      skip('paused', 'trigger is paused');
      continue;
    }
    const fp = parseFieldPath(trigger.fieldPath, specPath);
    if (fp.kind === 'outside') {
      skip('outside-pod-spec', `fieldPath does not start with ${specPath}.`);
      continue;
    }
    const notIndexed = unindexedReason(trigger);
    if (notIndexed) {
      skip('not-indexed', notIndexed);
      continue;
    }
    const namespace = trigger.from.namespace || workload.namespace;
    const resolved = resolveStreamTag(streams, namespace, trigger.from.name, opts);
    if (!resolved) {
      skip('unresolved', `ImageStreamTag ${namespace}/${trigger.from.name} has no image yet`);
      continue;
    }
    if (fp.kind !== 'container') {
      const expected =
        fp.kind === 'invalid'
          ? `expected ${specPath}.containers[<index>].image, ${specPath}.initContainers[<index>].image or ${specPath}.containers[?(@.name=="<name>")].image`
          : 'expected an index or ?(@.name=="<name>") between the brackets (double quotes, no spaces)';
      return blocked(`${objectName}: ${fp.message}; ${expected}`, location, skipped);
    }
    const container = findContainer(workload.object, workload.kind, fp.path);
    if (!container) {
      const names = allContainers(workload.object, workload.kind).map(containerLabel);
      const have = names.length > 0 ? `the pod spec has ${names.join(', ')}` : 'the pod spec has no containers';
      return blocked(`${objectName}: ${noSuchContainerMessage(trigger.fieldPath)}; ${have}`, location, skipped);
    }

    const key = pathKey(container.imagePath);
    if (!originals.has(key)) originals.set(key, container.image);
    const original = originals.get(key);
    pending.set(key, {
      path: container.imagePath,
      from: typeof original === 'string' ? original : undefined,
      to: resolved.reference,
      trigger: resolved.key,
      reason: changeReason(original, resolved),
      container: containerLabel(container),
    });
  }
  // Write only when different; when two triggers hit one field the last one wins, like Go's loop.
  const changes = [...pending.values()].filter((c) => c.from !== c.to);
  return { changes, errors: [], skipped };
}

function blocked(message: string, location: SourceLocation, skipped: readonly SkippedTrigger[]): TriggerPlan {
  return { changes: [], errors: [new ManifestError('FieldPath', message, location)], skipped };
}
