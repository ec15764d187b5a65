/**
 * settleSpecEdits: hand edits of spec tags found in Git (see spec-fingerprint.ts for the record
 * and the rules) applied as the API server applies a spec update.
 */
import type { TagstreamError } from '../errors.js';
import type { ImageStream } from './image-stream.js';
import { DEFAULT_IMPORT_MODE } from './generation.js';
import { detectSpecEdits, recordObservedSpec, type SpecEdits } from './spec-fingerprint.js';
import { resolveChangedTags, type WriteContext } from './stream-update.js';

export interface SettledStream {
  /** The stream as the server would hold it after the edit (the input object when unchanged). */
  readonly stream: ImageStream;
  readonly edits: SpecEdits;
  /** References that could not be resolved (e.g. a deleted source stream); those tags keep their status. */
  readonly problems: readonly TagstreamError[];
}

/**
 * Apply hand edits found by detectSpecEdits as the API server would have applied the update:
 * bump metadata.generation once, give changed tags the new generation, resolve changed
 * non-imported tags (§2.1) and settle tracking. A stream without metadata.generation is treated
 * as just created. Importable changed tags are left for planImports (their generation is now
 * ahead of what was observed). Returns the input object when nothing changed.
 */
export function settleSpecEdits(stream: ImageStream, ctx: WriteContext): SettledStream {
  const mode = ctx.defaultImportMode ?? DEFAULT_IMPORT_MODE;
  const problems: TagstreamError[] = [];
  if (stream.metadata.generation === undefined) {
    const tags = stream.spec.tags ?? [];
    const created: ImageStream = {
      ...stream,
      metadata: { ...stream.metadata, generation: 1, creationTimestamp: stream.metadata.creationTimestamp || ctx.now },
      spec: stream.spec.tags ? { ...stream.spec, tags: tags.map((t) => ({ ...t, generation: 1 })) } : stream.spec,
    };
    const changedTags = tags.map((t) => t.name);
    const settled = recordObservedSpec(resolveChangedTags(created, changedTags, ctx, true, problems), mode);
    return { stream: settled, edits: { changedTags, specChanged: true }, problems };
  }
  const edits = detectSpecEdits(stream, mode);
  if (!edits.specChanged && edits.changedTags.length === 0) return { stream, edits, problems };
  const generation = stream.metadata.generation + 1;
  const changed = new Set(edits.changedTags);
  const bumped: ImageStream = {
    ...stream,
    metadata: { ...stream.metadata, generation },
    spec: stream.spec.tags ? { ...stream.spec, tags: stream.spec.tags.map((t) => (changed.has(t.name) ? { ...t, generation } : t)) } : stream.spec,
  };
  return { stream: recordObservedSpec(resolveChangedTags(bumped, edits.changedTags, ctx, false, problems), mode), edits, problems };
}
