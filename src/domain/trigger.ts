/**
 * The `image.openshift.io/triggers` annotation: model, strict parser and oc's canonical
 * serialization (library-go `pkg/image/trigger/{types.go,annotations.go}`, oc `set/triggers.go`).
 * Parsing follows Go's encoding/json into `[]ObjectFieldTrigger`: a type mismatch anywhere (a
 * string `"paused": "true"`) or a duplicate fieldPath rejects the WHOLE annotation.
 */
import { ManifestError, TagstreamError, type SourceLocation } from '../errors.js';
import { splitStreamTag } from './stream-tag-name.js';

export const TRIGGER_ANNOTATION = 'image.openshift.io/triggers';

/** `from` of a trigger. Absent strings are '' (Go zero values), so checks read like OpenShift's. */
export interface TriggerSource {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly apiVersion: string;
}

export interface ObjectFieldTrigger {
  readonly from: TriggerSource;
  readonly fieldPath: string;
  readonly paused: boolean;
}

export type TriggerParseResult =
  | {
      readonly ok: true;
      readonly triggers: readonly ObjectFieldTrigger[];
      /** The value was JSON `null` (what `oc set triggers --remove-all` writes): no triggers. */
      readonly isNull: boolean;
    }
  | { readonly ok: false; readonly error: TagstreamError };

type FieldType = 'string' | 'boolean' | 'object';

const TRIGGER_FIELDS: Readonly<Record<string, FieldType>> = { from: 'object', fieldPath: 'string', paused: 'boolean' };
const SOURCE_FIELDS: Readonly<Record<string, FieldType>> = {
  kind: 'string',
  name: 'string',
  namespace: 'string',
  apiVersion: 'string',
};

class AnnotationProblem extends Error {}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${jsonType(v)}` : `${jsonType(v)} ${text}`;
}

/**
 * Go matches JSON keys to struct fields exactly first, then case-insensitively; unknown keys are
 * ignored and a later duplicate key wins. Returns field -> value for the known fields.
 */
function decodeStruct(
  obj: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, FieldType>>,
  where: string,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const names = Object.keys(fields);
  for (const [key, value] of Object.entries(obj)) {
    const field = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (field === undefined) continue;
    if (value === null) continue; // JSON null leaves the Go zero value
    const expected = fields[field];
    if (jsonType(value) !== expected) {
      const hint = field === 'paused' ? ' (true or false, without quotes)' : '';
      throw new AnnotationProblem(`${where}.${field}: expected a JSON ${expected}${hint}, got ${describe(value)}`);
    }
    out.set(field, value);
  }
  return out;
}

function str(m: Map<string, unknown>, key: string): string {
  const v = m.get(key);
  return typeof v === 'string' ? v : '';
}

function decodeTrigger(item: unknown, i: number): ObjectFieldTrigger {
  const where = `[${i}]`;
  if (item === null) return { from: { kind: '', name: '', namespace: '', apiVersion: '' }, fieldPath: '', paused: false };
  if (jsonType(item) !== 'object') throw new AnnotationProblem(`${where}: expected an object, got ${describe(item)}`);
  const t = decodeStruct(item as Record<string, unknown>, TRIGGER_FIELDS, where);
  const fromRaw = t.get('from');
  const from = fromRaw === undefined ? new Map<string, unknown>() : decodeStruct(fromRaw as Record<string, unknown>, SOURCE_FIELDS, `${where}.from`);
  return Object.freeze({
    from: Object.freeze({ kind: str(from, 'kind'), name: str(from, 'name'), namespace: str(from, 'namespace'), apiVersion: str(from, 'apiVersion') }),
    fieldPath: str(t, 'fieldPath'),
    paused: t.get('paused') === true,
  });
}

/**
 * Parse an annotation value. Never throws: an invalid value is returned as an `Invalid` error
 * naming the reason; with `location` (the annotation's place in the file) it is a ManifestError.
 */
export function parseTriggerAnnotation(
  value: string,
  location?: SourceLocation,
  /** `oc set triggers` decodes with json.Unmarshal only and tolerates duplicate fieldPaths. */
  allowDuplicates = false,
): TriggerParseResult {
  const fail = (why: string, cause?: unknown): TriggerParseResult => {
    const message = `invalid ${TRIGGER_ANNOTATION} annotation: ${why}; OpenShift ignores every trigger of this object`;
    return {
      ok: false,
      error: location ? new ManifestError('Invalid', message, location, cause) : new TagstreamError('Invalid', message, { cause }),
    };
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return fail(`expected a JSON array, ${(e as Error).message}`, e);
  }
  if (parsed === null) return { ok: true, triggers: [], isNull: true };
  if (!Array.isArray(parsed)) return fail(`expected a JSON array of triggers, got ${jsonType(parsed)}`);
  let triggers: ObjectFieldTrigger[];
  try {
    triggers = parsed.map((item: unknown, i) => decodeTrigger(item, i));
  } catch (e) {
    if (e instanceof AnnotationProblem) return fail(e.message);
    throw e;
  }
  for (let i = 0; i < triggers.length && !allowDuplicates; i++) {
    for (let j = i + 1; j < triggers.length; j++) {
      if (triggers[i]?.fieldPath === triggers[j]?.fieldPath) {
        return fail(`duplicate triggers are not allowed: [${i}] and [${j}] both have fieldPath ${JSON.stringify(triggers[i]?.fieldPath)}`);
      }
    }
  }
  return { ok: true, triggers: Object.freeze(triggers), isNull: false };
}

/** Go encoding/json string quoting: like JSON.stringify plus HTML-safe escapes of < > & U+2028 U+2029. */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * oc's canonical serialization: keys `from`, `fieldPath`, `paused`; `from` keys `kind`, `name`,
 * `namespace`, `apiVersion`; empty namespace/apiVersion and false paused omitted. An empty list is
 * `null`, as `oc set triggers` writes when no trigger is left.
 */
export function serializeTriggerAnnotation(triggers: readonly ObjectFieldTrigger[]): string {
  if (triggers.length === 0) return 'null';
  const items = triggers.map((t) => {
    let from = `"kind":${goJsonString(t.from.kind)},"name":${goJsonString(t.from.name)}`;
    if (t.from.namespace !== '') from += `,"namespace":${goJsonString(t.from.namespace)}`;
    if (t.from.apiVersion !== '') from += `,"apiVersion":${goJsonString(t.from.apiVersion)}`;
    return `{"from":{${from}},"fieldPath":${goJsonString(t.fieldPath)}${t.paused ? ',"paused":true' : ''}}`;
  });
  return `[${items.join(',')}]`;
}

/** A trigger on `<stream>:<tag>` in `namespace` (empty = the object's namespace). */
export function imageStreamTagTrigger(stream: string, tag: string, fieldPath: string, namespace = '', paused = false): ObjectFieldTrigger {
  return Object.freeze({
    from: Object.freeze({ kind: 'ImageStreamTag', name: `${stream}:${tag}`, namespace, apiVersion: '' }),
    fieldPath,
    paused,
  });
}


/**
 * Why OpenShift's trigger index would ignore this trigger (never fires), or undefined when it is
 * indexed. Paused triggers are indexed but skipped at evaluation time.
 */
export function unindexedReason(trigger: ObjectFieldTrigger): string | undefined {
  if (trigger.from.kind !== 'ImageStreamTag') {
    return `from.kind is ${JSON.stringify(trigger.from.kind)}, only "ImageStreamTag" triggers fire`;
  }
  if (trigger.from.apiVersion !== '') return `from.apiVersion must be empty, got ${JSON.stringify(trigger.from.apiVersion)}`;
  if (splitStreamTag(trigger.from.name) === undefined) {
    return `from.name ${JSON.stringify(trigger.from.name)} must be of the form <stream>:<tag>`;
  }
  return undefined;
}
