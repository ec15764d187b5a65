/**
 * The value a target receives from a resolved stream tag. `reference` is exactly what a trigger
 * writes (the one tag -> pull spec function, `resolveTagReference`); the other fields are parts of
 * that value or of the tag's source reference, read from the values, never re-split. Pure.
 */
import type { ImageStream } from '../domain/image-stream.js';
import { findSpecTag } from '../domain/image-stream.js';
import { isParsed, sourceText } from '../domain/image-reference.js';
import { latestTaggedImage, resolveTagReference } from '../domain/resolve-tag.js';
import { sourceReference } from '../domain/stream-references.js';
import { splitStreamTag } from '../domain/stream-tag-name.js';
import type { TargetField } from './target-ref.js';

export type TargetValue =
  | { readonly kind: 'value'; readonly value: string }
  /** The tag has no image yet (import pending or failed): the target is left as it is. */
  | { readonly kind: 'pending' }
  | { readonly kind: 'error'; readonly message: string };

export interface TargetValueOptions {
  readonly localRegistry?: string | undefined;
  /** Other streams of the namespace, to follow an ImageStreamTag source for `tag`. */
  readonly stream?: ((name: string) => ImageStream | undefined) | undefined;
}

/** The value of `field` for `stream:tag`. */
export function targetValue(stream: ImageStream, tag: string, field: TargetField, options: TargetValueOptions = {}): TargetValue {
  const name = `${stream.metadata.name}:${tag}`;
  const pullSpec = resolveTagReference(stream, tag, { ...(options.localRegistry ? { localRegistry: options.localRegistry } : {}) });
  if (pullSpec === undefined) return { kind: 'pending' };
  const reference = sourceText(pullSpec);
  const digest = latestTaggedImage(stream, tag)?.image ?? '';
  const needDigest = (): TargetValue | undefined =>
    digest === '' ? { kind: 'error', message: `${name} has no digest (a reference tag); FIELD "${field}" needs one` } : undefined;
  switch (field) {
    case 'reference':
      return { kind: 'value', value: reference };
    case 'name':
      return isParsed(pullSpec) ? { kind: 'value', value: pullSpec.repository } : { kind: 'error', message: `${name}: cannot read a repository from "${reference}"` };
    case 'digest':
      return needDigest() ?? { kind: 'value', value: digest };
    case 'tag': {
      const source = sourceTag(stream, tag, options, 0);
      return source ? { kind: 'value', value: source } : { kind: 'error', message: `${name} follows no tag (its source is a digest)` };
    }
    case 'tag-digest': {
      const missing = needDigest();
      if (missing) return missing;
      const source = sourceTag(stream, tag, options, 0);
      return source ? { kind: 'value', value: `${source}@${digest}` } : { kind: 'error', message: `${name} follows no tag (its source is a digest)` };
    }
  }
}

/**
 * The tag the stream tag follows: the tag of a DockerImage `from.name` (`registry/web:1.4.2` ->
 * `1.4.2`), followed through ImageStreamTag sources; a tag without `from` is its own source.
 */
function sourceTag(stream: ImageStream, tag: string, options: TargetValueOptions, depth: number): string | undefined {
  const spec = findSpecTag(stream, tag);
  const from = spec?.from;
  if (!from || depth > 10) return depth === 0 && !from ? tag : undefined;
  if (from.kind === 'DockerImage') {
    const source = sourceReference(from);
    return isParsed(source) ? (source.tag ?? undefined) : undefined;
  }
  if (from.kind === 'ImageStreamTag') {
    const st = splitStreamTag(from.name.includes(':') ? from.name : `${stream.metadata.name}:${from.name}`);
    if (!st) return undefined;
    const next = st.stream === stream.metadata.name || st.stream === '' ? stream : options.stream?.(st.stream);
    if (!next) return st.tag;
    const found = sourceTag(next, st.tag, options, depth + 1);
    return found ?? (findSpecTag(next, st.tag)?.from ? undefined : st.tag);
  }
  return undefined;
}
