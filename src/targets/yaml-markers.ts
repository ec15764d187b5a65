/**
 * Setter markers in YAML: a line comment holding a JSON object with the key `$imagestream` marks
 * the scalar on that line as a target (`tag: "1.4.2"  # {"$imagestream": "web:1:tag"}`). Found from
 * the CST's comment tokens (never inside a string), matched to the scalar that ends on the same line
 * before the comment. Pure: a parsed SourceFile in, markers and located problems out.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { ManifestError, type SourceLocation } from '../errors.js';
import type { NodePath } from '../inventory/inventory-model.js';
import { locate, type SourceFile } from '../edit/source-file.js';
import { MARKER_KEY } from '../inventory/target-files.js';
import { parseTargetRef, type TargetRef } from './target-ref.js';

export interface YamlMarker {
  readonly file: string;
  readonly docIndex: number;
  /** Path of the marked scalar from the document root. */
  readonly path: NodePath;
  /** The scalar's current value. */
  readonly value: unknown;
  readonly ref: TargetRef;
  /** The document's own `metadata.namespace` (a Kustomization's `namespace`), when it has one. */
  readonly namespace: string | undefined;
  /** Where the marked scalar starts. */
  readonly location: SourceLocation;
  /** Where the marker comment starts. */
  readonly markerLocation: SourceLocation;
}

export interface MarkerScan {
  readonly markers: readonly YamlMarker[];
  readonly problems: readonly ManifestError[];
}

interface Comment {
  readonly offset: number;
  readonly source: string;
}

/** Every comment token of the CST, in source order. */
function comments(tokens: readonly unknown[]): Comment[] {
  const out: Comment[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const t = v as { type?: unknown; offset?: unknown; source?: unknown };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
      out.push({ offset: t.offset, source: t.source });
      return;
    }
    for (const x of Object.values(v)) walk(x);
  };
  walk(tokens);
  return out.sort((a, b) => a.offset - b.offset);
}

interface ScalarAt {
  readonly path: NodePath;
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
}

/** Every scalar value (not keys) of a document with its path and source range. */
function scalars(node: unknown, path: NodePath, out: ScalarAt[]): void {
  if (isScalar(node)) {
    if (node.range) out.push({ path, start: node.range[0], end: node.range[1], value: node.value });
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key === 'string' || typeof key === 'number') scalars(pair.value, [...path, String(key)], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => scalars(item, [...path, i], out));
  }
}

/** The `$imagestream` value of a comment, `undefined` when the comment is no marker, or a problem. */
export function markerText(comment: string): { readonly text: string } | { readonly problem: string } | undefined {
  const body = comment.replace(/^#/, '').trim();
  if (!body.includes(MARKER_KEY)) return undefined;
  const open = body.indexOf('{');
  const close = body.lastIndexOf('}');
  if (open < 0 || close < open) return { problem: `a ${MARKER_KEY} marker must be a JSON object, e.g. {"${MARKER_KEY}": "web:1"}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.slice(open, close + 1));
  } catch (e) {
    return { problem: `the ${MARKER_KEY} marker is not valid JSON (${(e as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, MARKER_KEY)) {
    return { problem: `expected a JSON object with the key "${MARKER_KEY}"` };
  }
  const text = (parsed as Record<string, unknown>)[MARKER_KEY];
  if (typeof text !== 'string') return { problem: `"${MARKER_KEY}" must be a string [NAMESPACE/]STREAM:TAG[:FIELD]` };
  return { text };
}

function lineOf(file: SourceFile, offset: number): number {
  return file.lineCounter.linePos(offset).line;
}

/** Find every marker of a parsed YAML file. Documents that do not parse are reported, not scanned. */
export function scanYamlMarkers(file: SourceFile): MarkerScan {
  const markers: YamlMarker[] = [];
  const problems: ManifestError[] = [];
  const found = comments(file.tokens).filter((c) => c.source.includes(MARKER_KEY));
  if (found.length === 0) return { markers, problems };
  for (const c of found) {
    const where = locate(file, c.offset);
    const parsed = markerText(c.source);
    if (!parsed) continue;
    if ('problem' in parsed) {
      problems.push(new ManifestError('ManifestSchema', parsed.problem, where));
      continue;
    }
    const ref = parseTargetRef(parsed.text);
    if (!ref.ok) {
      problems.push(new ManifestError('ManifestSchema', `${MARKER_KEY} marker ${ref.message}`, where));
      continue;
    }
    const sd = file.documents.find((d) => d.doc.range[0] <= c.offset && c.offset <= d.doc.range[2]) ?? file.documents[file.documents.length - 1];
    if (!sd || sd.errors.length > 0 || sd.value === undefined) {
      problems.push(new ManifestError('ManifestParse', `${MARKER_KEY} marker in a document that does not parse`, where));
      continue;
    }
    const all: ScalarAt[] = [];
    scalars(sd.doc.contents, [], all);
    const line = lineOf(file, c.offset);
    const candidates = all.filter((s) => s.end <= c.offset && lineOf(file, s.start) === line);
    const target = candidates.sort((a, b) => b.start - a.start)[0];
    if (!target) {
      problems.push(new ManifestError('ManifestSchema', `${MARKER_KEY} marker is not on the line of a scalar value`, where));
      continue;
    }
    if (target.value !== null && typeof target.value === 'object') continue;
    const ns = namespaceOf(sd.value);
    markers.push(
      Object.freeze({
        file: file.path,
        docIndex: sd.index,
        path: target.path,
        value: target.value,
        ref: ref.ref,
        namespace: ns,
        location: locate(file, target.start),
        markerLocation: where,
      }),
    );
  }
  return { markers, problems };
}

/** `metadata.namespace`; for a Kustomization, its top-level `namespace` (the namespace of its resources). */
function namespaceOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v['kind'] === 'Kustomization' && typeof v['namespace'] === 'string' && v['namespace'] !== '') return v['namespace'];
  const metadata = v['metadata'];
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const ns = (metadata as Record<string, unknown>)['namespace'];
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

