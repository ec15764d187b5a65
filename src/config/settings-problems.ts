/**
 * Schema problems of a settings file, located: each zod issue becomes "path: what was expected"
 * at the YAML node it names (file:line:col), and all of them one Config error.
 */
import { isMap, isScalar, type Node } from 'yaml';
import type { z } from 'zod';
import type { NodePath } from '../edit/edit.js';
import type { NodeLocator } from '../edit/node-locator.js';
import { formatLocation, TagstreamError, type SourceLocation } from '../errors.js';

/** Issue param: the problem is in the key itself, at this offset into its text (a refused JSONPath). */
export const REFUSED_KEY_PARAM = 'keyOffset';

export interface Problem {
  readonly message: string;
  readonly location: SourceLocation;
}

/** `targets[0].set["$.a"]`: identifiers dotted, indexes and other keys in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(p))) out += out === '' ? String(p) : `.${String(p)}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

const prefixed = (path: readonly PropertyKey[], message: string): string => (path.length === 0 ? message : `${formatPath(path)}: ${message}`);

/** The key node of `path`'s last segment in its parent mapping. */
function keyNode(locator: NodeLocator, path: NodePath): Node | undefined {
  const parent = locator.nodeAt(path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const name = String(path[path.length - 1]);
  const pair = parent.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === name);
  return (pair?.key ?? undefined) as Node | undefined;
}

/** Where the key of `path` is written; with `offset`, that many characters into its text (after an opening quote). */
export function keyLocation(locator: NodeLocator, path: NodePath, offset?: number): SourceLocation {
  const key = keyNode(locator, path);
  if (!key?.range) return locator.locate(path);
  const quoted = isScalar(key) && (key.type === 'QUOTE_DOUBLE' || key.type === 'QUOTE_SINGLE') ? 1 : 0;
  return locator.at(key.range[0] + (offset === undefined ? 0 : quoted + offset));
}

/**
 * Locate zod issues: a missing value at its parent, an unknown key at the key, anything else at the
 * value. Unknown keys come first (they often explain the other problems), then schema order.
 */
export function locateIssues(issues: readonly z.core.$ZodIssue[], locator: NodeLocator): Problem[] {
  const unknown: Problem[] = [];
  const other: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
    const params = (issue as { params?: Record<string, unknown> }).params ?? {};
    if (issue.code === 'unrecognized_keys') {
      const where = path.length > 0 && typeof path[path.length - 1] === 'string' ? ` in ${formatPath(path)}` : '';
      // The schema's mappings word this issue as the sorted list of the keys they know.
      const known = issue.message;
      for (const key of issue.keys) {
        unknown.push({ message: `${prefixed([...path, key], 'unknown setting')}; known keys${where} are ${known}`, location: keyLocation(locator, [...path, key]) });
      }
      continue;
    }
    const offset = params[REFUSED_KEY_PARAM];
    const isMissing = issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null);
    const location =
      typeof offset === 'number' ? keyLocation(locator, path, offset) : isMissing ? locator.locate(path.slice(0, -1)) : locator.locate(path);
    other.push({ message: prefixed(path, issue.message), location });
  }
  return [...unknown, ...other];
}

/** One Config error for every problem; its own location is the first problem's. */
export function settingsError(file: string, problems: readonly Problem[]): TagstreamError {
  const first = problems[0] as Problem;
  if (problems.length === 1) return new TagstreamError('Config', `invalid ${file}: ${first.message}`, { location: first.location });
  const lines = problems.map((p) => `  - ${p.message} (${formatLocation(p.location)})`);
  return new TagstreamError('Config', `invalid ${file}: ${problems.length} problems:\n${lines.join('\n')}`, { location: first.location });
}
