/**
 * A stream file may leave out `metadata.namespace` and rely on the repository's defaultNamespace.
 * The planners key streams by metadata.namespace, so use cases fill the effective namespace in on
 * read and take it out again before writing, so the file keeps relying on the default. The
 * observed-spec record is recomputed each way, as every reader of the file computes it.
 */
import type { ImageStream, ImportMode } from '../domain/image-stream.js';
import { OBSERVED_SPEC_ANNOTATION, recordObservedSpec } from '../domain/spec-fingerprint.js';

const rerecord = (s: ImageStream, mode: ImportMode): ImageStream =>
  s.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION] === undefined ? s : recordObservedSpec(s, mode);

/** The stream with its effective namespace in metadata (record recomputed when present). */
export function withEffectiveNamespace(stream: ImageStream, namespace: string, mode: ImportMode): ImageStream {
  return rerecord({ ...stream, metadata: { ...stream.metadata, namespace } }, mode);
}

/** The stream as a file without metadata.namespace stores it (record recomputed when present). */
export function withoutNamespace(stream: ImageStream, mode: ImportMode): ImageStream {
  const { namespace: _namespace, ...metadata } = stream.metadata;
  return rerecord({ ...stream, metadata }, mode);
}
