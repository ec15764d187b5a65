/**
 * The edit vocabulary of the byte-exact engine: a path to a node and one change at that path.
 * Its own module so that the engine's parts (diff, expect, splice) and its callers share the type
 * without importing the engine.
 */
import type { ObjectPath } from '../domain/plain-value.js';

/** Path from a document's root to a node: keys and sequence indexes. */
export type NodePath = ObjectPath;

export type Edit =
  /**
   * Replace the value at `path`: scalars in place keeping their quoting; collections re-rendered.
   * A last key its (existing) mapping lacks is added, as `insert` would.
   */
  | { readonly op: 'set'; readonly doc: number; readonly path: NodePath; readonly value: unknown }
  /**
   * Add a mapping key (`path` ends with the new key; `index` = position among the pairs, default
   * last) or a sequence item (`path` ends with the index it gets; the item count or -1 appends).
   */
  | { readonly op: 'insert'; readonly doc: number; readonly path: NodePath; readonly value: unknown; readonly index?: number }
  /** Remove a key or item with its lines. A collection left empty is written `{}` / `[]` (kept, not removed). */
  | { readonly op: 'delete'; readonly doc: number; readonly path: NodePath };
