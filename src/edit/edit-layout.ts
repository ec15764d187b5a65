/**
 * Layout facts the editor needs to make inserted text look like the surrounding file: line
 * boundaries, the file's indentation unit, whether block sequences are indented under their key,
 * and JSON indentation (spaces or tabs). Pure: text and parsed documents in, facts out.
 */
import { isMap, isPair, isScalar, isSeq, visit, type Document } from 'yaml';

export interface Layout {
  /** Spaces per nesting level for YAML block collections (2 when nothing tells otherwise). */
  readonly indent: number;
  /** `key:\n  - a` (true) versus the kubectl style `key:\n- a` (false, the default). */
  readonly indentSeq: boolean;
  /** One JSON nesting level as written in the file: spaces or a tab. */
  readonly jsonUnit: string;
  readonly eol: '\n' | '\r\n';
}

/** Offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the end of line (EOL included) of the line holding `offset - 1`; text end when last. */
export function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** 0-based column of `offset` (characters since the line start). */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** Leading whitespace of the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const start = lineStart(text, offset);
  const m = /^[ \t]*/.exec(text.slice(start, start + 200));
  return m ? m[0] : '';
}

/** True when only spaces/tabs precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

function mostFrequent(values: readonly number[], fallback: number): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = fallback;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Detect the layout of a file from its composed documents (block collections) and text (JSON). */
export function detectLayout(text: string, docs: readonly Document.Parsed[], eol: '\n' | '\r\n'): Layout {
  const steps: number[] = [];
  const seqStyles: number[] = [];
  for (const doc of docs) {
    visit(doc, {
      Pair(_key, pair) {
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) return;
        const keyCol = columnOf(text, pair.key.range[0]);
        const value = pair.value;
        if (isMap(value) && !value.flow) {
          const first = value.items[0];
          if (first && isScalar(first.key) && first.key.range) {
            const step = columnOf(text, first.key.range[0]) - keyCol;
            if (step > 0) steps.push(step);
          }
        } else if (isSeq(value) && !value.flow && value.range) {
          const dashCol = columnOf(text, value.range[0]);
          seqStyles.push(dashCol > keyCol ? 1 : 0);
          if (dashCol > keyCol) steps.push(dashCol - keyCol);
        }
      },
    });
  }
  const indent = mostFrequent(steps, 2);
  const indented = seqStyles.filter((s) => s === 1).length;
  const indentSeq = seqStyles.length > 0 && indented * 2 > seqStyles.length;
  const m = /[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  const jsonUnit = m?.[1] ?? '  ';
  return { indent, indentSeq, jsonUnit, eol };
}
