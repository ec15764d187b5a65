/**
 * Evaluate a checked JSONPath (see jsonpath-check.ts) over a parsed document with jsonpath-plus,
 * with its safe evaluator only (never `eval: 'native'`), returning the matched nodes as paths the
 * byte-exact engine can edit.
 */
import { JSONPath } from 'jsonpath-plus';
import type { NodePath } from '../inventory/inventory-model.js';
import { checkJsonPath } from './jsonpath-check.js';

export interface JsonPathMatch {
  readonly path: NodePath;
  readonly value: unknown;
}

/** Matches of `path` in `document`, in document order. Throws for a refused path. */
export function evaluateJsonPath(path: string, document: unknown): JsonPathMatch[] {
  const problem = checkJsonPath(path);
  if (problem) throw new Error(`${problem.message} (at character ${problem.offset + 1} of ${path})`);
  if (document === null || typeof document !== 'object') return [];
  const results = JSONPath({ path, json: document as object, resultType: 'all', eval: 'safe', wrap: true }) as { pointer: string; value: unknown }[];
  const out: JsonPathMatch[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.pointer)) continue;
    seen.add(r.pointer);
    out.push({ path: pointerPath(r.pointer, document), value: r.value });
  }
  return out;
}

/** A JSON pointer turned into keys and indexes, reading the document to tell arrays from maps. */
function pointerPath(pointer: string, document: unknown): NodePath {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
