/**
 * Imports as a two-step, pure protocol: an ImportRequest says what to ask a registry (the
 * ImageStreamImport spec image OpenShift would post); applyImportResults records the answers on
 * the stream exactly as imagestreamimport/rest.go does (importSuccessful, setFailureCondition,
 * the dockerRepositoryCheck annotation, then the update's generation rules and tracking).
 */
import type { ImageStream, ImportMode, ReferencePolicyType, TagEventCondition, TagImportPolicy, TagReference } from './image-stream.js';
import { DOCKER_REPOSITORY_CHECK_ANNOTATION, findSpecTag, findStatusTag } from './image-stream.js';
import { atDigest, isParsed, referenceText, sourceText, type ImageReference, type UnparsedReference } from './image-reference.js';
import { addTagEvent, setTagConditions } from './tag-event.js';
import { deepEqual } from './plain-value.js';
import { withAnnotation, withSpecTag } from './stream-edit.js';
import { DEFAULT_IMPORT_MODE, applyServerGenerations } from './generation.js';
import { collapseEmptyStatusTags } from './stream-update.js';
import { propagateTracking } from './tracking.js';
import { recordObservedSpec } from './spec-fingerprint.js';
import { withReference } from './stream-references.js';

/** One image to import into one tag (ImageStreamImport spec.images[i]). */
export interface ImportRequest {
  readonly namespace: string;
  readonly stream: string;
  /** Destination tag. */
  readonly tag: string;
  /**
   * The source, parsed once where it entered (a spec tag's `from.name`, a flag); it keeps the text
   * as written. A malformed one is carried with its error and recorded as an Invalid failure.
   */
  readonly from: ImageReference | UnparsedReference;
  readonly importMode: ImportMode;
  readonly insecure: boolean;
  readonly scheduled: boolean;
  /** importer.image.openshift.io/prefer-arch / prefer-os of the spec tag (Legacy platform choice). */
  readonly preferArch?: string | undefined;
  readonly preferOs?: string | undefined;
  /** '' lets an existing tag keep its policy (and defaults a new one to Source). */
  readonly referencePolicy: ReferencePolicyType | '';
}

export type ImportResult =
  | { readonly ok: true; readonly request: ImportRequest; readonly digest: string }
  | { readonly ok: false; readonly request: ImportRequest; readonly reason: string; readonly message: string };

function importPolicyOf(request: ImportRequest): TagImportPolicy {
  return {
    ...(request.insecure ? { insecure: true } : {}),
    ...(request.scheduled ? { scheduled: true } : {}),
    importMode: request.importMode,
  };
}

/** ensureSpecTag: make the spec tag point at `from` (always when `reset`, else only if absent). */
function ensureSpecTag(stream: ImageStream, request: ImportRequest, reset: boolean): ImageStream {
  const existing = findSpecTag(stream, request.tag);
  if (existing && !reset) return stream;
  const base: TagReference = existing ?? { name: request.tag, annotations: null };
  const referencePolicy = base.referencePolicy?.type ? base.referencePolicy : { type: request.referencePolicy || 'Source' };
  return withSpecTag(stream, {
    ...base,
    from: { kind: 'DockerImage', name: sourceText(request.from) },
    generation: 0,
    importPolicy: importPolicyOf(request),
    referencePolicy,
  });
}

/** hasTagChanged: no history, a different digest or reference, or a spec generation ahead of it. */
function hasTagChanged(stream: ImageStream, tag: string, reference: string, image: string): boolean {
  const previous = findStatusTag(stream, tag)?.items?.[0];
  if (!previous) return true;
  const spec = findSpecTag(stream, tag);
  if (!spec || spec.generation === undefined || spec.generation === null) return true;
  return previous.dockerImageReference !== reference || previous.image !== image || spec.generation > previous.generation;
}

function recordSuccess(stream: ImageStream, request: ImportRequest, digest: string, generation: number, now: string): ImageStream {
  if (!isParsed(request.from)) throw request.from.error; // the registry cannot have answered for it
  const pinned = atDigest(request.from, digest);
  const reference = referenceText(pinned);
  let s = stream;
  if (hasTagChanged(s, request.tag, reference, digest)) {
    s = ensureSpecTag(s, request, true);
    // the registry's answer enters as a value: readers of the history do not parse it again
    s = addTagEvent(s, request.tag, withReference({ created: now, dockerImageReference: reference, image: digest, generation }, pinned));
  }
  const spec = findSpecTag(s, request.tag);
  const policy = importPolicyOf(request);
  if (spec && !deepEqual(spec.importPolicy, policy)) s = withSpecTag(s, { ...spec, importPolicy: policy });
  // a success clears the errors of earlier attempts
  if ((findStatusTag(s, request.tag)?.conditions?.length ?? 0) > 0) s = setTagConditions(s, request.tag, []);
  return s;
}

function recordFailure(stream: ImageStream, request: ImportRequest, reason: string, message: string, generation: number, now: string): ImageStream {
  let s = ensureSpecTag(stream, request, false);
  const condition: TagEventCondition = {
    type: 'ImportSuccess',
    status: 'False',
    lastTransitionTime: now,
    reason,
    message: message || 'unknown error prevented import',
    generation,
  };
  const same = findStatusTag(s, request.tag)?.conditions?.some(
    (c) => c.type === condition.type && c.status === condition.status && (c.reason ?? '') === reason && (c.message ?? '') === condition.message,
  );
  // an identical condition is left alone (its time and generation too)
  if (same) return s;
  s = setTagConditions(s, request.tag, [condition]);
  const spec = findSpecTag(s, request.tag);
  if (spec) s = withSpecTag(s, { ...spec, generation: 0 });
  return s;
}

/**
 * Record import answers on a stream. Returns the input object unchanged when the import changed
 * nothing and the stream already carries the dockerRepositoryCheck annotation (OpenShift does not
 * update the stream then); otherwise the annotation is set to `now` and the update's generation
 * rules apply (tags reset to generation 0 take the new stream generation).
 */
export function applyImportResults(
  stream: ImageStream,
  results: readonly ImportResult[],
  now: string,
  defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE,
): ImageStream {
  const nextGeneration = (stream.metadata.generation ?? 0) + 1;
  let s = stream;
  for (const r of results) {
    s = r.ok
      ? recordSuccess(s, r.request, r.digest, nextGeneration, now)
      : recordFailure(s, r.request, r.reason, r.message, nextGeneration, now);
  }
  const hasAnnotation = stream.metadata.annotations?.[DOCKER_REPOSITORY_CHECK_ANNOTATION] !== undefined;
  if (hasAnnotation && deepEqual(stream, s)) return stream;
  s = withAnnotation(s, DOCKER_REPOSITORY_CHECK_ANNOTATION, now);
  const { stream: updated } = applyServerGenerations(stream, s, defaultImportMode);
  return recordObservedSpec(collapseEmptyStatusTags(propagateTracking(updated)), defaultImportMode);
}
