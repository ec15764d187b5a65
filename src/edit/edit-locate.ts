/**
 * Find the node an edit addresses, with the Document API, and refuse edits that would silently
 * change other places through YAML anchors and aliases.
 *
 * Alias policy (documented choice): an edit is refused when its path goes through an alias, or
 * when the edited node, one of its ancestors or anything inside a replaced/deleted subtree carries
 * an anchor that some alias in the same document refers to. That includes the anchor's own value:
 * changing it would change every alias too, which a tag or digest update never intends. Anchors
 * nobody refers to are harmless and edits proceed.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { ManifestError, type SourceLocation } from '../errors.js';
import type { NodePath } from './edit.js';
import { locate, type SourceFile } from './source-file.js';

export interface Located {
  /** The node at the path; null for a map key written without a value (`key:`). */
  readonly node: Node | null;
  /** The collection that holds it; undefined for the document root. */
  readonly parent: YAMLMap | YAMLSeq | undefined;
  /** The pair holding the node when the parent is a map. */
  readonly pair: Pair | undefined;
  /** Position in `parent.items`. */
  readonly index: number;
  /** Nodes from the document root down to the parent. */
  readonly chain: readonly Node[];
}

/** `spec.tags[2].from.name` */
export function formatPath(path: NodePath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '<document root>' : out;
}

/** Anchors that at least one alias of the document refers to. */
export function usedAnchors(doc: Document.Parsed): ReadonlySet<string> {
  const used = new Set<string>();
  visit(doc, {
    Alias(_k, alias) {
      used.add(alias.source);
    },
  });
  return used;
}

function keyMatches(pair: Pair, seg: string | number): boolean {
  const key = pair.key;
  if (isScalar(key)) return key.value === seg || String(key.value) === String(seg);
  return false;
}

/** Offset of the document for messages about a node without range. */
export function nodeOffset(node: Node | null | undefined, fallback = 0): number {
  return node?.range?.[0] ?? fallback;
}

export class Locator {
  private readonly used: ReadonlySet<string>;

  constructor(
    private readonly file: SourceFile,
    private readonly docIndex: number,
    private readonly doc: Document.Parsed,
  ) {
    this.used = usedAnchors(doc);
  }

  where(offset: number): SourceLocation {
    return locate(this.file, offset);
  }

  private fail(code: 'FieldPath' | 'EditVerify', path: NodePath, why: string, offset: number): never {
    throw new ManifestError(code, `cannot edit ${formatPath(path)} in document ${this.docIndex}: ${why}`, this.where(offset));
  }

  /** Resolve every segment of `path`; throws FieldPath when a segment is missing. */
  resolve(path: NodePath): Located {
    let node: Node | null = this.doc.contents as Node | null;
    let parent: YAMLMap | YAMLSeq | undefined;
    let pair: Pair | undefined;
    let index = -1;
    const chain: Node[] = [];
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as string | number;
      const here = path.slice(0, i);
      if (isAlias(node)) this.fail('EditVerify', path, `${formatPath(here)} is an alias (*${node.source}); editing through it would change the anchored node too`, nodeOffset(node));
      if (isMap(node)) {
        const at = node.items.findIndex((p) => keyMatches(p, seg));
        if (at < 0) this.fail('FieldPath', path, `no key "${String(seg)}" in ${formatPath(here)}; expected an existing mapping key`, nodeOffset(node));
        chain.push(node);
        parent = node;
        pair = node.items[at];
        index = at;
        node = isNode(pair?.value) ? pair.value : null;
      } else if (isSeq(node)) {
        if (typeof seg !== 'number' || seg < 0 || seg >= node.items.length) {
          this.fail('FieldPath', path, `no item ${String(seg)} in ${formatPath(here)}; expected an index below ${node.items.length}`, nodeOffset(node));
        }
        chain.push(node);
        parent = node;
        pair = undefined;
        index = seg;
        const item = node.items[seg];
        node = isNode(item) ? item : null;
      } else {
        this.fail('FieldPath', path, `${formatPath(here)} is not a mapping or sequence`, nodeOffset(node));
      }
    }
    return { node, parent, pair, index, chain };
  }

  /** True when `path` ends in a key that the mapping it names (which exists) does not have. */
  lacksKey(path: NodePath): boolean {
    const last = path[path.length - 1];
    if (typeof last !== 'string') return false;
    let holder: Node | null;
    try {
      holder = this.resolve(path.slice(0, -1)).node;
    } catch {
      return false; // a missing parent: resolve(path) reports it with the whole path
    }
    return isMap(holder) && !holder.items.some((p) => keyMatches(p, last));
  }

  /** Refuse when the chain, the node or (for replaced/deleted subtrees) its content is aliased. */
  checkAliases(path: NodePath, located: Located, subtree: boolean): void {
    for (const n of [...located.chain, ...(located.node ? [located.node] : [])]) {
      if (isAlias(n)) this.fail('EditVerify', path, `the target is an alias (*${n.source}); edit the anchored node instead`, nodeOffset(n));
      const anchor = (n as { anchor?: string }).anchor;
      if (anchor && this.used.has(anchor)) {
        this.fail('EditVerify', path, `&${anchor} is referred to by an alias elsewhere; the edit would change those places too`, nodeOffset(n));
      }
    }
    if (subtree && located.node) {
      visit(located.node, {
        Node: (_k, n) => {
          const anchor = (n as { anchor?: string }).anchor;
          if (anchor && this.used.has(anchor)) {
            this.fail('EditVerify', path, `&${anchor} inside the replaced value is referred to by an alias`, nodeOffset(n));
          }
        },
      });
    }
    if (located.pair && isPair(located.pair) && isAlias(located.pair.key)) {
      this.fail('EditVerify', path, 'the key is an alias', nodeOffset(located.pair.key));
    }
  }
}
