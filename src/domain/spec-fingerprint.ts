/**
 * Hand edits in Git, honoured as OpenShift honours a spec update.
 *
 * In a cluster the API server sees every spec write and compares it with the stored object: a
 * changed `from`, `reference`, `importMode` or `generation: 0` bumps `metadata.generation` and the
 * tag's generation, which makes the controller import (or the server re-resolve) the tag. In a Git
 * repository nobody sees the write: a reviewer merges a commit that edits `from.name`, and the
 * file's generations stay as they were. To notice such edits without keeping a second copy of
 * the stream, Tagstream records what it last observed in a stream annotation,
 * `tagstream.io/observed-spec`: a compact, deterministic JSON object with one entry per spec tag,
 * `"<tag>": "<ref>.<all>"`, where `<ref>` fingerprints the fields that bump a tag generation
 * (from.kind/namespace/name, reference, importMode) and `<all>` the whole tag minus its generation,
 * plus `".": "<rest>"` for the rest of the spec (lookupPolicy, dockerImageRepository). Fingerprints
 * are 32-bit FNV-1a hashes in hex: short enough for a diff, stable across runs and platforms.
 *
 * On load (`settleSpecEdits`) each spec tag is compared with the record:
 * - `<ref>` differs, `generation: 0`, no generation, or a tag absent from the record whose status
 *   is not at its spec generation → a tag change: the stream generation is bumped once and the
 *   tag takes it (so DockerImage tags are imported, others re-resolved as in §2.1);
 * - only `<all>` or `.` differs, or a recorded tag was removed (scheduled, insecure,
 *   referencePolicy, annotations, lookupPolicy) → the stream generation is bumped, tag
 *   generations are kept;
 * - the annotation itself is not part of the spec, so editing it changes nothing.
 * A stream Tagstream never wrote (no annotation) counts as observed for every tag whose status is
 * at its spec generation; a stream without metadata.generation has never been served and is
 * treated as created (generation 1 everywhere). `recordObservedSpec` is called whenever
 * Tagstream writes a stream, so the next run compares against what it wrote.
 */
import type { ImageStream, ImportMode, TagReference } from './image-stream.js';
import { findStatusTag } from './image-stream.js';
import { DEFAULT_IMPORT_MODE, observedGeneration } from './generation.js';
import { withAnnotation } from './stream-edit.js';

export const OBSERVED_SPEC_ANNOTATION = 'tagstream.io/observed-spec';
/** Record key of the non-tag part of the spec; `.` can never be a tag name. */
const REST_KEY = '.';

/** 32-bit FNV-1a of a string's UTF-16 code units, 8 hex digits. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** JSON with object keys sorted and undefined members dropped: the same value, the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Plain loops: this runs for every spec tag of every stream on every reconcile.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  // the default sort orders by UTF-16 code units, as `<` does
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/** Fingerprint of the fields whose change bumps a tag generation (tagRefChanged). */
export function tagRefFingerprint(ref: TagReference, streamNamespace: string, defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE): string {
  const mode = ref.importPolicy?.importMode || defaultImportMode;
  return fnv1a(canonicalJson([ref.from?.kind ?? '', ref.from?.namespace || streamNamespace, ref.from?.name ?? '', Boolean(ref.reference), mode]));
}

/** Fingerprint of a whole spec tag except its generation. */
export function tagFingerprint(ref: TagReference): string {
  const { generation: _generation, ...rest } = ref;
  return fnv1a(canonicalJson(rest));
}

/** The observed-spec record of a stream's current spec. */
export function specRecord(stream: ImageStream, defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE): Record<string, string> {
  const ns = stream.metadata.namespace ?? '';
  const { tags: _tags, ...rest } = stream.spec;
  const record: Record<string, string> = { [REST_KEY]: fnv1a(canonicalJson(rest)) };
  for (const ref of stream.spec.tags ?? []) record[ref.name] = `${tagRefFingerprint(ref, ns, defaultImportMode)}.${tagFingerprint(ref)}`;
  return record;
}

/** The record stored on the stream, or undefined when absent or unreadable. */
export function readObservedSpec(stream: ImageStream): Record<string, string> | undefined {
  const text = stream.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** Store the current spec's record (call whenever Tagstream writes the stream). */
export function recordObservedSpec(stream: ImageStream, defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE): ImageStream {
  return withAnnotation(stream, OBSERVED_SPEC_ANNOTATION, canonicalJson(specRecord(stream, defaultImportMode)));
}

/**
 * The stream with `metadata.namespace` set to `namespace` (undefined: removed), its observed-spec
 * record following: a tag's recorded `<ref>` depends on the stream's namespace (an empty
 * `from.namespace` means the stream's own), so each recorded `<ref>` that fingerprints the tag as
 * it is now is re-computed for the new namespace. A `<ref>` that does not match (a hand edit not
 * settled yet) is kept, so the edit is still found after the move. Returns `stream` itself when
 * nothing changes.
 */
export function withStreamNamespace(stream: ImageStream, namespace: string | undefined, defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE): ImageStream {
  if (stream.metadata.namespace === namespace) return stream;
  const { namespace: _old, ...rest } = stream.metadata;
  const moved: ImageStream = { ...stream, metadata: namespace === undefined ? rest : { ...rest, namespace } };
  const record = readObservedSpec(stream);
  if (!record) return moved;
  const from = stream.metadata.namespace ?? '';
  const to = namespace ?? '';
  const next: Record<string, string> = { ...record };
  let changed = false;
  for (const ref of stream.spec.tags ?? []) {
    const recorded = record[ref.name];
    const dot = recorded?.indexOf('.') ?? -1;
    if (recorded === undefined || dot < 0 || recorded.slice(0, dot) !== tagRefFingerprint(ref, from, defaultImportMode)) continue;
    const translated = `${tagRefFingerprint(ref, to, defaultImportMode)}${recorded.slice(dot)}`;
    changed ||= translated !== recorded;
    next[ref.name] = translated;
  }
  return changed ? withAnnotation(moved, OBSERVED_SPEC_ANNOTATION, canonicalJson(next)) : moved;
}

export interface SpecEdits {
  /** Tags whose generation-relevant fields changed (or are new / set to generation 0). */
  readonly changedTags: readonly string[];
  /** True when anything in the spec changed (the stream generation must move). */
  readonly specChanged: boolean;
}

/** Compare a stream's spec with its observed-spec record (see the file comment). */
export function detectSpecEdits(stream: ImageStream, defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE): SpecEdits {
  const observed = readObservedSpec(stream);
  const current = specRecord(stream, defaultImportMode);
  const changedTags: string[] = [];
  let specChanged = false;
  for (const ref of stream.spec.tags ?? []) {
    const now = current[ref.name] ?? '';
    const was = observed?.[ref.name];
    const atGeneration = () => typeof ref.generation === 'number' && observedGeneration(findStatusTag(stream, ref.name)) >= ref.generation;
    let changed: boolean;
    if (ref.generation === 0 || ref.generation === undefined || ref.generation === null) changed = true;
    else if (was === undefined) changed = !atGeneration();
    else changed = was.split('.')[0] !== now.split('.')[0];
    if (changed) changedTags.push(ref.name);
    if (changed || (was !== undefined && was !== now) || (observed !== undefined && was === undefined)) specChanged = true;
  }
  if (observed) {
    if (observed[REST_KEY] !== undefined && observed[REST_KEY] !== current[REST_KEY]) specChanged = true;
    // a recorded tag that is gone was deleted by hand
    if (Object.keys(observed).some((k) => k !== REST_KEY && current[k] === undefined)) specChanged = true;
  }
  return { changedTags, specChanged };
}

