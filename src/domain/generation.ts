/**
 * Generation semantics of ImageStreams (openshift-apiserver strategy.go: PrepareForCreate,
 * prepareForUpdate, updateSpecTagGenerationsForUpdate, ensureSpecTagGenerationsAreSet,
 * tagRefChanged; controller imagestream_controller.go needsImport). Generations are how OpenShift
 * tells "the user asked for something new" (spec tag generation) from "what has been done"
 * (the generation recorded on history items and import conditions).
 */
import type { ImageStream, ImportMode, NamedTagEventList, TagReference } from './image-stream.js';
import { findSpecTag, findStatusTag } from './image-stream.js';
import { deepEqual } from './plain-value.js';

/** Server default for an empty importMode (images.config status.imageStreamImportMode). */
export const DEFAULT_IMPORT_MODE: ImportMode = 'Legacy';

function effectiveImportMode(ref: TagReference | undefined, defaultMode: ImportMode): string {
  const mode = ref?.importPolicy?.importMode;
  return mode === undefined || mode === '' ? defaultMode : mode;
}

/**
 * True when a spec tag changed in a way that makes OpenShift bump its generation (and so
 * re-import or re-resolve it): from.name, the effective from.namespace, reference or importMode
 * changed, or generation was set to 0. Kind, scheduled, insecure, referencePolicy and
 * annotations do not count (TestTagRefChanged).
 */
export function tagRefChanged(
  old: TagReference | undefined,
  next: TagReference,
  streamNamespace: string,
  defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE,
): boolean {
  if (!next.from) return false;
  if (next.from.kind === '' && next.from.name === '') return false;
  const oldFrom = old?.from ?? { kind: '', name: '' };
  const oldNamespace = oldFrom.namespace || streamNamespace;
  const nextNamespace = next.from.namespace || streamNamespace;
  if (oldNamespace !== nextNamespace) return true;
  if (oldFrom.name !== next.from.name) return true;
  if (Boolean(old?.reference) !== Boolean(next.reference)) return true;
  if (effectiveImportMode(old, defaultImportMode) !== effectiveImportMode(next, defaultImportMode)) return true;
  return next.generation === 0 && old?.generation !== 0;
}

/**
 * The generation a tag has been brought up to: max(items[0].generation, generation of the first
 * ImportSuccess condition); -1 when the tag has no status at all (LatestObservedTagGeneration).
 */
export function observedGeneration(list: NamedTagEventList | undefined): number {
  if (!list) return -1;
  let latest = list.items?.[0]?.generation ?? -1;
  const condition = list.conditions?.find((c) => c.type === 'ImportSuccess');
  if (condition && condition.generation > latest) latest = condition.generation;
  return latest;
}

/** Importable = DockerImage source that is not a reference (imagestream_controller.go). */
export function isImportable(ref: TagReference): boolean {
  return ref.from?.kind === 'DockerImage' && !ref.reference && ref.from.name !== '';
}

/** True when the spec generation of an importable tag is ahead of what has been observed. */
export function tagNeedsImport(stream: ImageStream, tag: string): boolean {
  const ref = findSpecTag(stream, tag);
  if (!ref || !isImportable(ref)) return false;
  if (ref.generation === undefined || ref.generation === null) return true;
  return ref.generation > observedGeneration(findStatusTag(stream, tag));
}

export interface GenerationUpdate {
  readonly stream: ImageStream;
  /** Spec tags that are new or changed (tagRefChanged): they get the new generation. */
  readonly changedTags: readonly string[];
}

/**
 * What the API server does to generations when `next` is written over `old` (undefined = create):
 * create sets metadata.generation and every tag generation to 1; an update bumps
 * metadata.generation when the spec differs, keeps each tag's old generation (clients cannot set
 * it) unless the tag is new or changed, in which case it takes the new stream generation.
 */
export function applyServerGenerations(
  old: ImageStream | undefined,
  next: ImageStream,
  defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE,
): GenerationUpdate {
  const tags = next.spec.tags ?? [];
  if (!old) {
    const stream: ImageStream = {
      ...next,
      metadata: { ...next.metadata, generation: 1 },
      spec: { ...next.spec, tags: tags.map((t) => ({ ...t, generation: 1 })) },
    };
    return { stream, changedTags: tags.map((t) => t.name) };
  }
  const namespace = next.metadata.namespace ?? old.metadata.namespace ?? '';
  const oldGeneration = old.metadata.generation ?? 0;
  const generation = deepEqual(old.spec, next.spec) ? oldGeneration : oldGeneration + 1;
  const changedTags: string[] = [];
  const nextTags = tags.map((t) => {
    const oldRef = findSpecTag(old, t.name);
    // a non-zero generation sent by a client is replaced by the stored one
    const carried = t.generation === 0 || !oldRef ? t.generation : oldRef.generation;
    const candidate = { ...t, generation: carried };
    if (!oldRef || tagRefChanged(oldRef, candidate, namespace, defaultImportMode) || carried === undefined || carried === null) {
      changedTags.push(t.name);
      return { ...t, generation };
    }
    return candidate;
  });
  const stream: ImageStream = {
    ...next,
    metadata: { ...next.metadata, generation },
    spec: next.spec.tags ? { ...next.spec, tags: nextTags } : next.spec,
  };
  return { stream, changedTags };
}
