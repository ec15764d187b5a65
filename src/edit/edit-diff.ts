/**
 * Minimal edit lists between two plain values, so that updating an object touches only the bytes
 * of what changed. Maps are compared key by key; sequences are matched by a merge key when one is
 * configured for their path (e.g. `spec.tags` by `name`, `status.tags` by `tag`), else a prepend
 * (new items before the old ones, like OpenShift tag history) or an append is detected, else
 * same-length sequences are compared item by item, else the sequence is replaced.
 */
import { deepEqual } from '../domain/plain-value.js';
import type { NodePath } from './edit.js';
import type { Edit } from './edit.js';

export interface DiffOptions {
  /**
   * Merge key per sequence, keyed by the dotted path of the sequence relative to the base path
   * with indexes left out: `{ 'spec.tags': 'name', 'status.tags': 'tag' }`.
   */
  readonly mergeKeys?: Readonly<Record<string, string>>;
}

type PlainMap = Record<string, unknown>;

function isPlainMap(v: unknown): v is PlainMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Edits turning `oldValue` into `newValue` at `basePath` of document `doc`. */
export function diffToEdits(doc: number, basePath: NodePath, oldValue: unknown, newValue: unknown, opts: DiffOptions = {}): Edit[] {
  const edits: Edit[] = [];
  diffInto(edits, doc, basePath, [], oldValue, newValue, opts.mergeKeys ?? {});
  return edits;
}

function diffInto(out: Edit[], doc: number, base: NodePath, rel: readonly string[], a: unknown, b: unknown, mergeKeys: Readonly<Record<string, string>>): void {
  if (deepEqual(a, b)) return;
  if (a === undefined && base.length > 0) {
    // Nothing there yet (e.g. no `status:`): add it rather than fail on a missing path.
    out.push({ op: 'insert', doc, path: base, value: b });
    return;
  }
  // An empty `{}` that gets content is replaced, so block files get a block collection.
  if (isPlainMap(a) && isPlainMap(b) && Object.keys(a).length > 0 && Object.keys(b).length > 0) {
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push({ op: 'delete', doc, path: [...base, k] });
    }
    for (const k of Object.keys(a)) {
      if (k in b) diffInto(out, doc, [...base, k], [...rel, k], a[k], b[k], mergeKeys);
    }
    for (const k of Object.keys(b)) {
      if (!(k in a)) out.push({ op: 'insert', doc, path: [...base, k], value: b[k] });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length > 0 && b.length > 0) {
    const key = mergeKeys[rel.join('.')];
    if (key !== undefined) {
      // Item positions mean nothing in a keyed list: when keys cannot be matched, replace it.
      if (!diffKeyed(out, doc, base, rel, a, b, key, mergeKeys)) out.push({ op: 'set', doc, path: base, value: b });
      return;
    }
    if (b.length > a.length) {
      const k = b.length - a.length;
      if (deepEqual(b.slice(k), a)) {
        for (let i = 0; i < k; i++) out.push({ op: 'insert', doc, path: [...base, 0], value: b[i] });
        return;
      }
      if (deepEqual(b.slice(0, a.length), a)) {
        for (let i = a.length; i < b.length; i++) out.push({ op: 'insert', doc, path: [...base, a.length], value: b[i] });
        return;
      }
    }
    if (a.length === b.length) {
      for (let i = 0; i < a.length; i++) diffInto(out, doc, [...base, i], rel, a[i], b[i], mergeKeys);
      return;
    }
  }
  out.push({ op: 'set', doc, path: base, value: b });
}

/** Keyed sequence diff; false when keys are missing/duplicated or the order changed (caller replaces). */
function diffKeyed(
  out: Edit[],
  doc: number,
  base: NodePath,
  rel: readonly string[],
  a: readonly unknown[],
  b: readonly unknown[],
  key: string,
  mergeKeys: Readonly<Record<string, string>>,
): boolean {
  const keyOf = (v: unknown): string | undefined => {
    const k = isPlainMap(v) ? v[key] : undefined;
    return typeof k === 'string' || typeof k === 'number' ? String(k) : undefined;
  };
  const oldKeys = a.map(keyOf);
  const newKeys = b.map(keyOf);
  const unique = (ks: (string | undefined)[]) => ks.every((k) => k !== undefined) && new Set(ks).size === ks.length;
  if (!unique(oldKeys) || !unique(newKeys)) return false;
  const oldIndex = new Map(oldKeys.map((k, i) => [k as string, i]));
  const kept = newKeys.filter((k) => oldIndex.has(k as string)).map((k) => oldIndex.get(k as string) as number);
  for (let i = 1; i < kept.length; i++) if ((kept[i] as number) < (kept[i - 1] as number)) return false;
  const staged: Edit[] = [];
  const newSet = new Set(newKeys);
  a.forEach((_, i) => {
    if (!newSet.has(oldKeys[i])) staged.push({ op: 'delete', doc, path: [...base, i] });
  });
  if (staged.length === a.length && b.length > 0) return false; // nothing kept: a plain replace reads better
  b.forEach((item, j) => {
    const oi = oldIndex.get(newKeys[j] as string);
    if (oi !== undefined) {
      diffInto(staged, doc, [...base, oi], rel, a[oi], item, mergeKeys);
      return;
    }
    // Insert before the next kept item (original index), or append.
    let at = a.length;
    for (let n = j + 1; n < b.length; n++) {
      const next = oldIndex.get(newKeys[n] as string);
      if (next !== undefined) {
        at = next;
        break;
      }
    }
    staged.push({ op: 'insert', doc, path: [...base, at], value: item });
  });
  out.push(...staged);
  return true;
}
