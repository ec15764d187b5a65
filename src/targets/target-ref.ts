/**
 * The address of an update target's source: `[NAMESPACE/]STREAM:TAG[:FIELD]`, as written in a
 * `$imagestream` marker or a `.tagstream.yaml` rule's `from`. Pure: text in, frozen value out.
 */
import { splitNamespaced } from '../domain/stream-tag-name.js';
import { isValidTagName, validateNamespace, validateStreamName } from '../domain/names.js';

/** What a target receives from its stream tag. */
export type TargetField = 'reference' | 'name' | 'tag' | 'digest' | 'tag-digest';

export const TARGET_FIELDS: readonly TargetField[] = ['reference', 'name', 'tag', 'digest', 'tag-digest'];

export function isTargetField(s: string): s is TargetField {
  return (TARGET_FIELDS as readonly string[]).includes(s);
}

export interface TargetRef {
  /** Undefined: the file's `metadata.namespace`, else the repository default. */
  readonly namespace: string | undefined;
  readonly stream: string;
  readonly tag: string;
  readonly field: TargetField;
}

export type TargetRefParse = { readonly ok: true; readonly ref: TargetRef } | { readonly ok: false; readonly message: string };

const EXPECTED = 'expected [NAMESPACE/]STREAM:TAG[:FIELD]';

/** Parse `[NS/]STREAM:TAG[:FIELD]`; `allowField: false` refuses the FIELD part (rules' `from`). */
export function parseTargetRef(text: string, options: { readonly allowField?: boolean } = {}): TargetRefParse {
  const fail = (why: string): TargetRefParse => ({ ok: false, message: `"${text}": ${why}` });
  const split = splitNamespaced(text);
  if (!split) return fail(`${EXPECTED} (at most one "/")`);
  const { namespace } = split;
  const parts = split.name.split(':');
  if (parts.length < 2) return fail(`${EXPECTED} (no ":TAG")`);
  if (parts.length > 3 || (parts.length === 3 && options.allowField === false)) {
    return fail(options.allowField === false ? 'expected [NAMESPACE/]STREAM:TAG' : `${EXPECTED} (too many ":")`);
  }
  const [stream, tag, field = 'reference'] = parts as [string, string, string?];
  if (namespace !== undefined && validateNamespace(namespace).length > 0) return fail(`namespace "${namespace}" is not a valid namespace`);
  const streamProblems = validateStreamName(namespace ?? 'default', stream);
  if (streamProblems.length > 0) return fail(`stream name "${stream}" ${streamProblems[0]}`);
  if (!isValidTagName(tag)) return fail(`tag "${tag}" is not a valid tag name`);
  if (!isTargetField(field)) return fail(`unknown FIELD "${field}": expected one of ${TARGET_FIELDS.join(', ')}`);
  return { ok: true, ref: Object.freeze({ namespace, stream, tag, field }) };
}
