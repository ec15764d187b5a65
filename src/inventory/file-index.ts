/**
 * What the inventory extracts from one file (its streams, workloads, templates and diagnostics,
 * each with file:line:col), as a value that can be stored in the persistent index cache and read
 * back instead of parsing the file again. The record is keyed by the file's Git blob id (so a fresh
 * clone with a restored cache hits), its path, and a scope that changes whenever anything else the
 * extraction depends on changes (settings, limits, this code). Records read back are untrusted:
 * `decodeFileIndex` checks their shape and answers undefined for anything it does not recognise.
 */
import { createHash } from 'node:crypto';
import { ManifestError, type SourceLocation } from '../errors.js';
import { deepFreeze } from '../domain/deep-freeze.js';
import type { ImageStream } from '../domain/image-stream.js';
import type { StreamEntry, TemplateEntry, WorkloadEntry } from './inventory-model.js';

/** One file's contribution to the inventory. */
export interface FileIndex {
  /** Documents in the file (for stats). */
  readonly documentCount: number;
  /** The file holds at least one indexed object (so it is among `Inventory.files`). */
  readonly used: boolean;
  readonly streams: readonly StreamEntry[];
  readonly workloads: readonly WorkloadEntry[];
  readonly templates: readonly TemplateEntry[];
  readonly diagnostics: readonly ManifestError[];
  /** A selected document declares `lookupPolicy.local: true`. */
  readonly localLookup: boolean;
  /** Documents not selected that local lookup would add (a local image name): such files are re-read when some stream asks for local lookup. */
  readonly localNameDocs: readonly number[];
}

/** Bump when the record layout changes (the code hash below catches changes to the extraction itself). */
const RECORD_FORMAT = 2; // 2: schema diagnostics redact userinfo in references (records of 1 may hold it)

/** Git's blob id of `bytes` (`git hash-object`): the same in every clone. */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The scope of a cache: the record format, the extraction code (its source text, so that a new
 * Tagstream version never trusts records an older one wrote) and the settings it reads.
 */
export function indexScope(code: readonly { toString(): string }[], settings: unknown): string {
  const h = createHash('sha1').update(String(RECORD_FORMAT));
  for (const c of code) h.update('\0').update(c.toString());
  return h.update('\0').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/** Cache key of one file. */
export function indexKey(scope: string, path: string, blobId: string): string {
  return `${scope}:${blobId}:${path}`;
}

interface DiagnosticRecord {
  readonly code: ManifestError['code'];
  readonly reason: string;
  readonly location: SourceLocation;
}

interface FileIndexRecord {
  readonly f: number;
  readonly path: string;
  readonly documentCount: number;
  readonly used: boolean;
  readonly streams: readonly StreamEntry[];
  readonly workloads: readonly WorkloadEntry[];
  readonly templates: readonly TemplateEntry[];
  readonly diagnostics: readonly DiagnosticRecord[];
  readonly localLookup: boolean;
  readonly localNameDocs: readonly number[];
}

/**
 * True when JSON carries `value` unchanged: no non-finite numbers, no -0, nothing but plain objects,
 * arrays, strings, finite numbers, booleans and null (undefined members are dropped, as absent).
 */
function jsonSafe(value: unknown, depth = 0): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every((v) => v !== undefined && jsonSafe(v, depth + 1));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    for (const k of Object.keys(value)) if (k === '__proto__' || !jsonSafe((value as Record<string, unknown>)[k], depth + 1)) return false;
    return true;
  }
  return false;
}

/** The record to store, or undefined when this file's index cannot round-trip through JSON exactly. */
export function encodeFileIndex(path: string, index: FileIndex): FileIndexRecord | undefined {
  const record: FileIndexRecord = {
    f: RECORD_FORMAT,
    path,
    documentCount: index.documentCount,
    used: index.used,
    streams: index.streams,
    workloads: index.workloads,
    templates: index.templates,
    diagnostics: index.diagnostics.map((d) => ({ code: d.code as ManifestError['code'], reason: d.reason, location: d.location ?? { file: path } })),
    localLookup: index.localLookup,
    localNameDocs: index.localNameDocs,
  };
  // Diagnostics keep only code, message and location: a file whose errors carry more (the parser's
  // own error as `cause`) is not stored, it is parsed again (broken files are rare).
  if (index.diagnostics.some((d) => !(d instanceof ManifestError) || d.constructor !== ManifestError || d.location === undefined || d.cause !== undefined)) return undefined;
  return jsonSafe(record) ? record : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLocation = (v: unknown, path: string): v is SourceLocation =>
  isObj(v) && v.file === path && (v.line === undefined || Number.isInteger(v.line)) && (v.col === undefined || Number.isInteger(v.col));
const isSite = (v: unknown, path: string): boolean =>
  isObj(v) && v.file === path && Number.isInteger(v.docIndex) && Array.isArray(v.path) && v.path.every((p) => typeof p === 'string' || Number.isInteger(p)) && isLocation(v.location, path);
const isRef = (v: Obj): boolean => typeof v.apiVersion === 'string' && typeof v.kind === 'string' && typeof v.name === 'string' && typeof v.namespace === 'string' && typeof v.namespaceDefaulted === 'boolean';

const MANIFEST_CODES: ReadonlySet<string> = new Set(['ManifestParse', 'ManifestSchema', 'ManifestTooLarge', 'DuplicateObject', 'FieldPath', 'EditVerify', 'Invalid']);

/** The FileIndex stored for `path`, or undefined when `raw` is not a record this code wrote for it. */
export function decodeFileIndex(raw: unknown, path: string): FileIndex | undefined {
  if (!isObj(raw) || raw.f !== RECORD_FORMAT || raw.path !== path) return undefined;
  const { documentCount, used, streams, workloads, templates, diagnostics, localLookup, localNameDocs } = raw;
  if (!Number.isInteger(documentCount) || typeof used !== 'boolean' || typeof localLookup !== 'boolean') return undefined;
  if (!Array.isArray(localNameDocs) || !localNameDocs.every((n) => Number.isInteger(n))) return undefined;
  if (!Array.isArray(streams) || !streams.every((s) => isObj(s) && isRef(s) && s.kind === 'ImageStream' && isSite(s.site, path) && isObj(s.stream) && s.stream.kind === 'ImageStream')) return undefined;
  if (
    !Array.isArray(workloads) ||
    !workloads.every(
      (w) =>
        isObj(w) &&
        isRef(w) &&
        isSite(w.site, path) &&
        isObj(w.object) &&
        typeof w.hasImageChangeTriggers === 'boolean' &&
        (w.triggersAnnotation === undefined || typeof w.triggersAnnotation === 'string') &&
        (w.triggersAnnotationLocation === undefined || isLocation(w.triggersAnnotationLocation, path)) &&
        (w.reasons === undefined || (Array.isArray(w.reasons) && w.reasons.every((r) => typeof r === 'string'))),
    )
  )
    return undefined;
  if (!Array.isArray(templates) || !templates.every((t) => isObj(t) && isRef(t) && isSite(t.site, path) && Array.isArray(t.objects))) return undefined;
  if (!Array.isArray(diagnostics) || !diagnostics.every((d) => isObj(d) && typeof d.code === 'string' && MANIFEST_CODES.has(d.code) && typeof d.reason === 'string' && isLocation(d.location, path))) return undefined;
  return {
    documentCount: documentCount as number,
    used,
    streams: (streams as StreamEntry[]).map((s) => ({ ...s, stream: deepFreeze(s.stream as ImageStream) })),
    workloads: workloads as WorkloadEntry[],
    templates: templates as TemplateEntry[],
    diagnostics: (diagnostics as DiagnosticRecord[]).map((d) => new ManifestError(d.code as ConstructorParameters<typeof ManifestError>[0], d.reason, d.location)),
    localLookup,
    localNameDocs: localNameDocs as number[],
  };
}
