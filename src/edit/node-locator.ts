/**
 * Where a node of a parsed YAML/JSON document stands in its file: the one way from a path
 * (`['spec', 'tags', 2, 'from']`) to `file:line:col`, used by the ImageStream schema and by the
 * settings parsers to locate their problems.
 */
import { isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors.js';
import type { NodePath } from './edit.js';

/** Finds nodes of the object being validated; paths are relative to the object. */
export interface NodeLocator {
  /** Location of the node at `path`, or of its nearest ancestor that exists in the source. */
  locate(path: NodePath): SourceLocation;
  /** Source text of the scalar at `path`, when it came from a file. */
  scalarSource(path: NodePath): string | undefined;
  /** The node at `path` itself, when it exists in the source. */
  nodeAt(path: NodePath): Node | undefined;
  /** Location of a source offset. */
  at(offset: number): SourceLocation;
}

/** Locator over a parsed YAML/JSON document; `prefix` is the object's path inside the document. */
export function documentLocator(
  file: { readonly path: string; readonly lineCounter: LineCounter },
  doc: Document,
  prefix: NodePath = [],
): NodeLocator {
  const nearest = (path: NodePath): { node: Node | undefined; exact: boolean } => {
    const full = [...prefix, ...path];
    for (let n = full.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(full.slice(0, n), true)) as Node | undefined | null;
      if (node && node.range) return { node, exact: n === full.length };
    }
    return { node: undefined, exact: false };
  };
  const at = (offset: number): SourceLocation => {
    const { line, col } = file.lineCounter.linePos(offset);
    return { file: file.path, line, col };
  };
  return {
    locate(path) {
      const { node } = nearest(path);
      return node?.range ? at(node.range[0]) : { file: file.path };
    },
    scalarSource(path) {
      const { node, exact } = nearest(path);
      if (!exact || !isScalar(node) || typeof node.source !== 'string') return undefined;
      return node.source;
    },
    nodeAt(path) {
      const { node, exact } = nearest(path);
      return exact ? node : undefined;
    },
    at,
  };
}

/** Locator for objects that did not come from a file (API input, tests): file name only. */
export function plainLocator(file = '<object>'): NodeLocator {
  return { locate: () => ({ file }), scalarSource: () => undefined, nodeAt: () => undefined, at: () => ({ file }) };
}
