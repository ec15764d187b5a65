/**
 * Turn one edit into splices of the original text. A `set` of a scalar rewrites only that scalar's
 * CST token (`CST.setScalarValue` on a copy, then `CST.stringify`); inserts and deletes splice the
 * source between token offsets. Every splice is expressed in ORIGINAL offsets, so N edits of a
 * file cost one parse, one join and one verification.
 */
import { CST, isCollection, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { ManifestError } from '../errors.js';
import type { NodePath } from './edit.js';
import { columnOf, lineEndAfter, lineIndent, lineStart, startsLine, type Layout } from './edit-layout.js';
import { formatPath, nodeOffset, type Located, type Locator } from './edit-locate.js';
import { isScalarToken, isScalarValue, renderKey, renderYaml, styleFor, type ScalarValue } from './edit-scalar.js';
import type { FileFormat } from './source-file.js';

export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface SpliceContext {
  readonly text: string;
  readonly format: FileFormat;
  readonly layout: Layout;
  readonly locator: Locator;
}

function unsupported(ctx: SpliceContext, path: NodePath, why: string, offset: number): never {
  throw new ManifestError('EditVerify', `cannot edit ${formatPath(path)}: ${why}`, ctx.locator.where(offset));
}

function withEol(s: string, eol: string): string {
  return eol === '\n' ? s.replace(/\r\n/g, '\n') : s.replace(/\r?\n/g, eol);
}

/** True when the collection is written in flow style (`{}`/`[]`), always so in JSON. */
function isFlow(ctx: SpliceContext, coll: YAMLMap | YAMLSeq): boolean {
  return ctx.format === 'json' || !!coll.flow;
}

/** End offset of a node's content (block collections and block scalars include their last EOL). */
function nodeEnd(node: Node | null | undefined, fallback: number): number {
  return node?.range?.[1] ?? fallback;
}

function pairEnd(pair: Pair): number {
  const keyEnd = (pair.key as Node | null)?.range?.[1] ?? 0;
  return nodeEnd(pair.value as Node | null, keyEnd);
}

function pairStart(pair: Pair): number {
  return (pair.key as Node | null)?.range?.[0] ?? 0;
}

/** Offset of the `-` indicator of a block sequence item. */
function dashOffset(seq: YAMLSeq, index: number): number | undefined {
  const token = seq.srcToken;
  if (!token || token.type !== 'block-seq') return undefined;
  return token.items[index]?.start.find((t) => t.type === 'seq-item-ind')?.offset;
}

function itemSpan(coll: YAMLMap | YAMLSeq, index: number): [number, number] {
  if (isMap(coll)) {
    const pair = coll.items[index] as Pair;
    return [pairStart(pair), pairEnd(pair)];
  }
  const item = coll.items[index] as Node | null;
  return [item?.range?.[0] ?? 0, item?.range?.[1] ?? 0];
}

/** JSON text of a value at a given line indentation, in the file's JSON unit and EOL. */
function jsonText(ctx: SpliceContext, value: unknown, baseIndent: string): string {
  return JSON.stringify(value, null, ctx.layout.jsonUnit).replace(/\n/g, ctx.layout.eol + baseIndent);
}

/** Lines of a YAML block rendering ('\n' stripped), for inserting at some column. */
function blockLines(ctx: SpliceContext, value: unknown): string[] {
  const rendered = renderYaml(value, { indent: ctx.layout.indent, indentSeq: ctx.layout.indentSeq });
  return rendered.replace(/\n$/, '').split('\n');
}

function flowText(ctx: SpliceContext, value: unknown, baseIndent: string): string {
  if (ctx.format === 'json') return jsonText(ctx, value, baseIndent);
  return renderYaml(value, { indent: ctx.layout.indent, indentSeq: ctx.layout.indentSeq, flow: true }).replace(/\n$/, '');
}

/** `set`: replace the value at `path` (a scalar in place; collections re-rendered in the same style). */
export function planSet(ctx: SpliceContext, path: NodePath, value: unknown): Splice[] {
  // A key its mapping lacks (an ImageStream written without `spec:`): setting it means adding it.
  if (ctx.locator.lacksKey(path)) return planInsert(ctx, path, value, undefined);
  const located = ctx.locator.resolve(path);
  ctx.locator.checkAliases(path, located, true);
  const { node } = located;
  const token = node?.srcToken;
  if (isScalarValue(value) && isScalar(node) && isScalarToken(token)) return [scalarSplice(ctx, path, located, token, value)];
  return replaceValue(ctx, path, located, value);
}

function scalarSplice(ctx: SpliceContext, path: NodePath, located: Located, token: CST.FlowScalar | CST.BlockScalar, value: ScalarValue): Splice {
  const { text } = ctx;
  const old = CST.stringify(token);
  const start = token.offset;
  if (text.slice(start, start + old.length) !== old) {
    unsupported(ctx, path, 'source token does not match the file text', start);
  }
  if (ctx.format === 'json') {
    const end = start + (token.type === 'block-scalar' ? old.length : token.source.length);
    return { start, end, text: JSON.stringify(value) };
  }
  if (token.type !== 'block-scalar' && token.source === '') {
    // `key:` with no value: add the scalar after the indicator.
    const { source, type } = styleFor({ ...token, type: 'scalar' }, value);
    const probe: CST.FlowScalar = { type: 'scalar', offset: start, indent: token.indent, source: '' };
    CST.setScalarValue(probe, source, { type });
    return { start, end: start, text: ` ${CST.stringify(probe)}` };
  }
  const copy = structuredClone(token);
  const keyNode = located.pair?.key as Node | null | undefined;
  const base = keyNode?.range ? columnOf(text, keyNode.range[0]) + ctx.layout.indent : columnOf(text, start);
  copy.indent = base;
  const inFlow = !!located.parent?.flow;
  const { source, type } = styleFor(token, value, inFlow);
  CST.setScalarValue(copy, source, { type, inFlow });
  return { start, end: start + old.length, text: withEol(CST.stringify(copy), ctx.layout.eol) };
}

/** Replace any value with another (collection <-> scalar, collection <-> collection). */
function replaceValue(ctx: SpliceContext, path: NodePath, located: Located, value: unknown): Splice[] {
  const { text, layout } = ctx;
  const { node, parent, pair } = located;
  const start = nodeOffset(node, -1);
  if (!node || start < 0) unsupported(ctx, path, 'the current value has no source position', 0);
  const end = nodeEnd(node, start);
  const flowContext = ctx.format === 'json' || (parent ? isFlow(ctx, parent) : false);
  const isEmptyCollection = (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
  const scalarLike = isScalarValue(value) || isEmptyCollection;
  if (flowContext || (isCollection(node) && node.flow && scalarLike)) {
    const src = isScalarValue(value) && ctx.format !== 'json' ? renderYaml(value, { indent: 2, indentSeq: false }).replace(/\n$/, '') : flowText(ctx, value, lineIndent(text, start));
    return [{ start, end, text: src }];
  }
  const endsWithEol = end > 0 && text[end - 1] === '\n';
  const inline = (s: string): string => s.replace(/\n$/, '');
  if (pair && isMap(parent)) {
    const keyNode = pair.key as Node;
    const keyCol = columnOf(text, nodeOffset(keyNode));
    const colon = text.indexOf(':', nodeEnd(keyNode, 0));
    if (colon < 0 || colon > start) unsupported(ctx, path, 'cannot find the ":" of the key', nodeOffset(keyNode));
    if (scalarLike) {
      const src = inline(renderYaml(value, { indent: layout.indent, indentSeq: layout.indentSeq }));
      if (isCollection(node) && !node.flow) return [{ start: colon + 1, end, text: ` ${src}${endsWithEol ? layout.eol : ''}` }];
      return [{ start: colon + 1, end, text: ` ${src}` }];
    }
    const childCol = keyCol + (Array.isArray(value) && !layout.indentSeq ? 0 : layout.indent);
    const pad = ' '.repeat(childCol);
    const lines = blockLines(ctx, value).map((l) => (l === '' ? l : pad + l));
    if (isCollection(node) && !node.flow) {
      return [{ start: colon + 1, end, text: layout.eol + lines.join(layout.eol) + (endsWithEol ? layout.eol : '') }];
    }
    // Scalar (or flow) -> block collection: drop the old value, keep the rest of its line (a comment), add lines below.
    const restEnd = lineEndAfter(text, end);
    const atEof = restEnd === text.length && !text.endsWith('\n');
    const rest = text.slice(end, restEnd);
    const block = lines.join(layout.eol);
    return [{ start: colon + 1, end: restEnd, text: atEof ? `${rest}${layout.eol}${block}` : `${rest}${block}${layout.eol}` }];
  }
  // Sequence item or document root: render in place, starting at the node's column.
  const col = columnOf(text, start);
  const pad = ' '.repeat(col);
  const lines = (scalarLike ? [inline(renderYaml(value, { indent: layout.indent, indentSeq: layout.indentSeq }))] : blockLines(ctx, value)).map((l, i) =>
    i === 0 || l === '' ? l : pad + l,
  );
  return [{ start, end, text: lines.join(layout.eol) + (endsWithEol ? layout.eol : '') }];
}

/** `delete`: remove a key or a sequence item with its lines; an emptied collection becomes `{}`/`[]`. */
export function planDelete(ctx: SpliceContext, path: NodePath): Splice[] {
  if (path.length === 0) unsupported(ctx, path, 'the document root cannot be deleted', 0);
  const located = ctx.locator.resolve(path);
  ctx.locator.checkAliases(path, located, true);
  const { parent, index } = located;
  if (!parent) unsupported(ctx, path, 'no parent collection', 0);
  const { text } = ctx;
  const n = parent.items.length;
  if (n === 1) return planSet(ctx, path.slice(0, -1), isMap(parent) ? {} : []);
  if (isFlow(ctx, parent)) {
    const [s, e] = itemSpan(parent, index);
    if (index > 0) return [{ start: itemSpan(parent, index - 1)[1], end: e, text: '' }];
    return [{ start: s, end: itemSpan(parent, 1)[0], text: '' }];
  }
  if (isMap(parent)) {
    const pair = parent.items[index] as Pair;
    const s = pairStart(pair);
    if (startsLine(text, s)) return [{ start: lineStart(text, s), end: lineEndAfter(text, pairEnd(pair)), text: '' }];
    // First key written after `- `: the next key moves up to its place.
    const next = parent.items[index + 1];
    if (!next) unsupported(ctx, path, 'unexpected layout of the mapping', s);
    return [{ start: s, end: pairStart(next), text: '' }];
  }
  const dash = dashOffset(parent, index);
  if (dash === undefined || !startsLine(text, dash)) unsupported(ctx, path, 'nested inline sequences (`- - a`) are not edited', nodeOffset(parent));
  const item = parent.items[index] as Node | null;
  return [{ start: lineStart(text, dash), end: lineEndAfter(text, nodeEnd(item, dash + 1)), text: '' }];
}

/** `insert`: add a map key (path ends with the key) or a sequence item (path ends with its index). */
export function planInsert(ctx: SpliceContext, path: NodePath, value: unknown, mapIndex: number | undefined): Splice[] {
  if (path.length === 0) unsupported(ctx, path, 'insert needs a key or an index', 0);
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] as string | number;
  const located = ctx.locator.resolve(parentPath);
  ctx.locator.checkAliases(path, located, false);
  const coll = located.node;
  if (!isMap(coll) && !isSeq(coll)) {
    unsupported(ctx, path, `${formatPath(parentPath)} is not a mapping or sequence; set it to a new value instead`, nodeOffset(coll));
  }
  const n = coll.items.length;
  let index: number;
  if (isMap(coll)) {
    if (coll.items.some((p) => isScalar(p.key) && String(p.key.value) === String(last))) {
      throw new ManifestError('FieldPath', `cannot insert ${formatPath(path)}: the key already exists`, ctx.locator.where(nodeOffset(coll)));
    }
    index = mapIndex ?? n;
  } else {
    if (typeof last !== 'number') unsupported(ctx, path, 'a sequence insert ends with the new item index', nodeOffset(coll));
    index = last < 0 ? n : last;
  }
  if (index > n || index < 0) unsupported(ctx, path, `index ${index} is outside 0..${n}`, nodeOffset(coll));
  return isFlow(ctx, coll) ? insertFlow(ctx, coll, String(last), value, index) : insertBlock(ctx, coll, String(last), value, index);
}

function insertFlow(ctx: SpliceContext, coll: YAMLMap | YAMLSeq, key: string, value: unknown, index: number): Splice[] {
  const { text, layout } = ctx;
  const open = nodeOffset(coll);
  const close = nodeEnd(coll, open + 1) - 1;
  const n = coll.items.length;
  const firstStart = n > 0 ? itemSpan(coll, 0)[0] : close;
  const multiLine = text.slice(open, firstStart).includes('\n') || (n === 0 && ctx.format === 'json');
  const itemIndent = n > 0 ? lineIndent(text, firstStart) : lineIndent(text, open) + layout.jsonUnit;
  // Single-line collections copy their own separators (`, ` or `,`; `: ` or `:`) and stay compact.
  const between = n >= 2 ? text.slice(itemSpan(coll, 0)[1], itemSpan(coll, 1)[0]) : '';
  const pairSep = isMap(coll) && n > 0 ? pairSeparator(text, coll.items[0] as Pair) : ': ';
  const member = (indent: string): string => {
    const v = !multiLine && ctx.format === 'json' ? JSON.stringify(value) : flowText(ctx, value, indent);
    if (!isMap(coll)) return v;
    const k = ctx.format === 'json' ? JSON.stringify(key) : renderKey(key);
    return `${k}${multiLine ? ': ' : pairSep}${v}`;
  };
  const sep = multiLine ? `,${layout.eol}${itemIndent}` : /^\s*,\s*$/.test(between) ? between : ', ';
  if (n === 0) {
    const inner = multiLine ? `${layout.eol}${itemIndent}${member(itemIndent)}${layout.eol}${lineIndent(text, open)}` : member('');
    return [{ start: open + 1, end: close, text: inner }];
  }
  if (index < n) return [{ start: itemSpan(coll, index)[0], end: itemSpan(coll, index)[0], text: member(itemIndent) + sep }];
  const after = itemSpan(coll, n - 1)[1];
  return [{ start: after, end: after, text: sep + member(itemIndent) }];
}

/** The text between a flow pair's key and value (`: ` or `:`). */
function pairSeparator(text: string, pair: Pair): string {
  const keyEnd = (pair.key as Node | null)?.range?.[1];
  const valueStart = (pair.value as Node | null)?.range?.[0];
  if (keyEnd === undefined || valueStart === undefined) return ': ';
  const sep = text.slice(keyEnd, valueStart);
  return /^\s*:\s*$/.test(sep) && !sep.includes('\n') ? sep : ': ';
}

function insertBlock(ctx: SpliceContext, coll: YAMLMap | YAMLSeq, key: string, value: unknown, index: number): Splice[] {
  const { text, layout } = ctx;
  const n = coll.items.length;
  const anchorOf = (i: number): number | undefined => (isMap(coll) ? pairStart(coll.items[i] as Pair) : dashOffset(coll, i));
  const first = anchorOf(0);
  if (first === undefined) unsupported(ctx, [key], 'cannot find the first item of the collection', nodeOffset(coll));
  const pad = ' '.repeat(columnOf(text, first));
  const lines = blockLines(ctx, isMap(coll) ? { [key]: value } : [value]);
  const body = lines.map((l, i) => (i === 0 || l === '' ? l : pad + l)).join(layout.eol);
  if (index < n) {
    const at = anchorOf(index);
    if (at === undefined) unsupported(ctx, [key], 'cannot find the item to insert before', nodeOffset(coll));
    return [{ start: at, end: at, text: body + layout.eol + pad }];
  }
  const lastEnd = isMap(coll) ? pairEnd(coll.items[n - 1] as Pair) : nodeEnd(coll.items[n - 1] as Node | null, (anchorOf(n - 1) ?? 0) + 1);
  const pos = lineEndAfter(text, lastEnd);
  if (pos === text.length && !text.endsWith('\n')) return [{ start: pos, end: pos, text: layout.eol + pad + body }];
  return [{ start: pos, end: pos, text: pad + body + layout.eol }];
}
