/**
 * Scalar text for edits and new files. The rule that matters: a string must still read as the same
 * string for every YAML reader Kubernetes users meet — YAML 1.2 core (this library) and YAML 1.1
 * (go-yaml behind kubectl/oc reads `yes`, `on`, `0777`, `1:20` as non-strings) — so a plain
 * scalar is used only when both schemas give the string back unchanged.
 */
import { Document, Schema, visit, type CST, type Scalar } from 'yaml';

export type ScalarValue = string | number | boolean | null;

/** True for a JS value that is written as one scalar. */
export function isScalarValue(v: unknown): v is ScalarValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

const STR_TAG = 'tag:yaml.org,2002:str';

/** Plain-scalar patterns that resolve to a non-string in YAML 1.2 core or YAML 1.1 (immutable). */
const NON_STRING_PATTERNS: readonly RegExp[] = (['core', 'yaml-1.1'] as const).flatMap((schema) =>
  new Schema({ schema }).tags.flatMap((t) => {
    const tag = t as { tag: string; default?: unknown; test?: RegExp };
    return tag.default === true && tag.test && tag.tag !== STR_TAG ? [tag.test] : [];
  }),
);

/** `<<` is a merge key for YAML 1.1 readers. */
const MERGE_KEY = /^<<$/;

/**
 * True when `s` written as a plain scalar would be read as something other than the same string
 * by a YAML 1.2 or a YAML 1.1 reader (numbers, booleans, null, timestamps, sexagesimals...).
 */
export function plainChangesType(s: string): boolean {
  if (s === '' || s.trim() !== s) return true;
  return MERGE_KEY.test(s) || NON_STRING_PATTERNS.some((re) => re.test(s));
}

/** Force double quotes on every string scalar whose plain form would change type; for stringify. */
export function quoteAmbiguousStrings(doc: Document): void {
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string' && !node.type && plainChangesType(node.value)) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
}

export interface RenderOptions {
  readonly indent: number;
  readonly indentSeq: boolean;
  readonly flow?: boolean;
}

/** Render a plain JS value as YAML text ('\n' line ends, no document marker, lineWidth 0). */
export function renderYaml(value: unknown, opts: RenderOptions): string {
  const doc = new Document(value, { version: '1.2' });
  quoteAmbiguousStrings(doc);
  if (opts.flow) {
    visit(doc, {
      Map(_k, node) {
        node.flow = true;
      },
      Seq(_k, node) {
        node.flow = true;
      },
    });
  }
  return doc.toString({
    indent: opts.indent,
    indentSeq: opts.indentSeq,
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: false,
  });
}

/** Render a map key (plain when it stays a string, quoted otherwise). */
export function renderKey(key: string): string {
  return renderYaml(key, { indent: 2, indentSeq: false }).replace(/\n$/, '');
}

type StyleType = Scalar.Type;

const STYLE_OF_TOKEN: Record<string, StyleType> = {
  scalar: 'PLAIN',
  'single-quoted-scalar': 'QUOTE_SINGLE',
  'double-quoted-scalar': 'QUOTE_DOUBLE',
};

function blockStyle(token: CST.BlockScalar): StyleType {
  const header = token.props.find((p): p is CST.SourceToken => p.type === 'block-scalar-header');
  return header?.source.startsWith('|') ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED';
}

/**
 * Choose how to write `value` in place of `token`: keep the token's quoting when the value allows
 * it, fall back to double quotes when plain would change the type; multi-line strings get a
 * literal block (the original block style when it was one), double quotes inside flow collections.
 */
export function styleFor(token: CST.FlowScalar | CST.BlockScalar, value: ScalarValue, inFlow = false): { source: string; type: StyleType } {
  if (!(typeof value === 'string')) return { source: value === null ? 'null' : String(value), type: 'PLAIN' };
  const original = token.type === 'block-scalar' ? blockStyle(token) : (STYLE_OF_TOKEN[token.type] ?? 'PLAIN');
  const multiLine = value.includes('\n');
  if (original === 'BLOCK_LITERAL' || original === 'BLOCK_FOLDED') {
    if (multiLine) return { source: value, type: inFlow ? 'QUOTE_DOUBLE' : original };
    return { source: value, type: plainChangesType(value) ? 'QUOTE_DOUBLE' : 'PLAIN' };
  }
  if (multiLine) return { source: value, type: inFlow ? 'QUOTE_DOUBLE' : 'BLOCK_LITERAL' };
  if (original === 'PLAIN' && plainChangesType(value)) return { source: value, type: 'QUOTE_DOUBLE' };
  return { source: value, type: original };
}

/** Whether a CST token is a scalar the editor can rewrite in place. */
export function isScalarToken(token: CST.Token | undefined): token is CST.FlowScalar | CST.BlockScalar {
  return !!token && (token.type === 'scalar' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar' || token.type === 'block-scalar');
}
