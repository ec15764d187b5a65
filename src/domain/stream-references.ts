/**
 * The image references a stream holds, as values. The stream model keeps them as text, because
 * that text is what its file holds and what is written back byte for byte; readers (pull specs,
 * lookup, update targets, describe, history reports) take the `ImageReference` value instead of
 * splitting the text again. Each text is parsed once, where it enters: a DockerImage `from.name`
 * by the ImageStream schema (which validates it with the one grammar), a history entry recorded
 * from a registry answer by the import that built it, any other history entry (read from a file,
 * copied by the API server rules) the first time it is read. The value rides on the model object
 * itself (a weak side table), so the model's shape, equality and serialization are unchanged.
 */
import type { ImageStreamSpec, ObjectReference, TagEvent } from './image-stream.js';
import { parseOrKeep, referenceText, type ImageReference, type UnparsedReference } from './image-reference.js';

/** A reference read from a stream: parsed, or kept as written with the parser's error. */
export type StreamReference = ImageReference | UnparsedReference;

type Holder = TagEvent | ObjectReference | ImageStreamSpec;

const values = new WeakMap<Holder, StreamReference>();

function held(holder: Holder, text: string): StreamReference {
  let value = values.get(holder);
  if (value === undefined) {
    value = parseOrKeep(text);
    values.set(holder, value);
  }
  return value;
}

/** A history entry's `dockerImageReference` as a value (parsed at most once per entry). */
export function eventReference(event: TagEvent): StreamReference {
  return held(event, event.dockerImageReference);
}

/** A spec tag source's `from.name` as an image reference (meaningful for `kind: DockerImage`). */
export function sourceReference(from: ObjectReference): StreamReference {
  return held(from, from.name);
}

/** `spec.dockerImageRepository` (a bulk import's repository) as a value; undefined when the spec has none. */
export function repositoryReference(spec: ImageStreamSpec): StreamReference | undefined {
  return spec.dockerImageRepository ? held(spec, spec.dockerImageRepository) : undefined;
}

/**
 * Attach the value `holder`'s text was parsed into where it entered (a registry answer, the
 * schema), so no reader parses it again. Returns `holder`. A value that does not spell the
 * holder's text exactly is not attached.
 */
export function withReference<T extends Holder>(holder: T, ref: ImageReference): T {
  const text = 'dockerImageReference' in holder ? holder.dockerImageReference : 'name' in holder ? holder.name : holder.dockerImageRepository;
  if (referenceText(ref) === text) values.set(holder, ref);
  return holder;
}
