/**
 * The two questions every layer asks of plain JSON-like values (parsed YAML, objects being
 * edited): what is at this path, and are these two values the same. One implementation each.
 */

/** Path from an object's root to a node: keys and sequence indexes. */
export type ObjectPath = readonly (string | number)[];

/**
 * The value at `path` inside a plain JS value, or undefined where the path leaves it. Only own
 * members count (`constructor` is never found); indexes select from arrays only.
 */
export function valueAt(root: unknown, path: ObjectPath): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (typeof key !== 'number') return undefined;
      node = node[key];
    } else {
      // A YAML key written as a number (`1: x`) is the member "1" of the parsed object.
      const member = String(key);
      if (!Object.hasOwn(node, member)) return undefined;
      node = (node as Record<string, unknown>)[member];
    }
  }
  return node;
}

const isPlain = (v: object): boolean => Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;

/**
 * Structural equality of plain JSON-like values (undefined members count as absent). Anything
 * else (a Map, a Date) equals only itself.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (!isPlain(a) || !isPlain(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    if (!deepEqual(ra[k], rb[k])) return false;
  }
  return true;
}
