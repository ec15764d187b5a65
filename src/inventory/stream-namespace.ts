/**
 * Streams as the planners use them and as their files store them. A stream file may leave out
 * `metadata.namespace` and rely on the repository's defaultNamespace; planners and verbs key
 * streams by metadata.namespace, so the inventory hands streams out with the effective namespace
 * filled in, and stores a new state back the way its file holds it (still relying on the default).
 * The observed-spec record follows the namespace both ways (withStreamNamespace).
 */
import { DEFAULT_IMPORT_MODE } from '../domain/generation.js';
import type { ImageStream } from '../domain/image-stream.js';
import { withStreamNamespace } from '../domain/spec-fingerprint.js';
import { deepEqual } from '../domain/plain-value.js';
import type { Inventory, StreamEntry } from './inventory-model.js';

const effective = new WeakMap<StreamEntry, ImageStream>();

/** The entry's stream with its effective namespace in metadata (the same object on every call). */
export function effectiveStream(entry: StreamEntry): ImageStream {
  if (!entry.namespaceDefaulted) return entry.stream;
  let stream = effective.get(entry);
  if (!stream) {
    stream = withStreamNamespace(entry.stream, entry.namespace, DEFAULT_IMPORT_MODE);
    effective.set(entry, stream);
  }
  return stream;
}

/** Every stream of the inventory by `namespace/name`, with its effective namespace. */
export function effectiveStreams(inventory: Pick<Inventory, 'streams'>): Map<string, ImageStream> {
  return new Map([...inventory.streams].map(([key, entry]) => [key, effectiveStream(entry)]));
}

/**
 * A new state of the entry's stream (effective namespace) as its file stores it: without
 * metadata.namespace when the file relies on the default. The entry's own stream object when
 * nothing else differs, so writers see at once that its file stays as it is.
 */
export function storedStream(entry: StreamEntry, stream: ImageStream): ImageStream {
  if (stream === entry.stream || stream === effective.get(entry)) return entry.stream;
  if (!entry.namespaceDefaulted) return stream;
  const back = withStreamNamespace(stream, undefined, DEFAULT_IMPORT_MODE);
  return deepEqual(back, entry.stream) ? entry.stream : back;
}
