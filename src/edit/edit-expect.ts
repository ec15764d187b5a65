/**
 * The value a document must have after a list of edits, computed on plain JS: the reference the
 * re-parsed text is checked against. Indexes in edits refer to the ORIGINAL document (as splices
 * do), so sets and map changes are applied first, then each edited sequence is rebuilt from its
 * original items, deepest sequences first.
 */
import { valueAt } from '../domain/plain-value.js';
import type { NodePath } from './edit.js';
import type { Edit } from './edit.js';

type Container = Record<string, unknown> | unknown[];

function containerAt(root: unknown, path: NodePath): Container | undefined {
  const c = valueAt(root, path);
  return c !== null && typeof c === 'object' ? (c as Container) : undefined;
}

/** Expected document value after `edits` (all for the same document). */
export function expectedValue(original: unknown, edits: readonly Edit[]): unknown {
  let root = structuredClone(original);
  const seqOps = new Map<string, { path: NodePath; inserts: { index: number; value: unknown }[]; deletes: Set<number> }>();
  const seqGroup = (path: NodePath) => {
    const k = JSON.stringify(path);
    let g = seqOps.get(k);
    if (!g) {
      g = { path, inserts: [], deletes: new Set() };
      seqOps.set(k, g);
    }
    return g;
  };
  for (const edit of edits) {
    const parentPath = edit.path.slice(0, -1);
    const last = edit.path[edit.path.length - 1];
    if (edit.op === 'set') {
      if (edit.path.length === 0) {
        root = structuredClone(edit.value);
        continue;
      }
      const parent = containerAt(root, parentPath);
      if (parent) (parent as Record<string | number, unknown>)[last as string | number] = structuredClone(edit.value);
      continue;
    }
    const parent = containerAt(root, parentPath);
    if (Array.isArray(parent)) {
      const g = seqGroup(parentPath);
      if (edit.op === 'insert') g.inserts.push({ index: typeof last === 'number' && last >= 0 ? last : parent.length, value: structuredClone(edit.value) });
      else g.deletes.add(last as number);
    } else if (parent && last !== undefined) {
      if (edit.op === 'insert') parent[String(last)] = structuredClone(edit.value);
      else delete parent[String(last)];
    }
  }
  const groups = [...seqOps.values()].sort((a, b) => b.path.length - a.path.length);
  for (const g of groups) {
    const arr = containerAt(root, g.path);
    if (!Array.isArray(arr)) continue;
    const rebuilt: unknown[] = [];
    for (let i = 0; i <= arr.length; i++) {
      for (const ins of g.inserts) if (ins.index === i) rebuilt.push(ins.value);
      if (i < arr.length && !g.deletes.has(i)) rebuilt.push(arr[i]);
    }
    arr.splice(0, arr.length, ...rebuilt);
  }
  return root;
}

/** Path of the first difference between two plain values, or undefined when deep-equal. */
export function firstDifference(a: unknown, b: unknown, path: NodePath = []): NodePath | undefined {
  if (Object.is(a, b)) return undefined;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) return [...path, i];
      const d = firstDifference(a[i], b[i], [...path, i]);
      if (d) return d;
    }
    return undefined;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    if (!(k in ao) || !(k in bo)) return [...path, k];
    const d = firstDifference(ao[k], bo[k], [...path, k]);
    if (d) return d;
  }
  return undefined;
}
