/**
 * A port of Go's text/tabwriter (elastic tabstops), so tables and `describe` layouts come out
 * byte-for-byte as oc/kubectl print them. Only what those printers use is supported: plain cells
 * separated by '\t', lines by '\n', left alignment, space or tab padding. Pure.
 */

export interface TabwriterOptions {
  /** Minimal cell width including padding. */
  readonly minwidth: number;
  /** Width of a tab character in the output (used when padchar is '\t'). */
  readonly tabwidth: number;
  /** Padding added to a cell before computing its width. */
  readonly padding: number;
  readonly padchar: ' ' | '\t';
}

/** oc describe: `tabwriter.NewWriter(buf, 0, 8, 1, '\t', 0)`. */
export const DESCRIBE_TABWRITER: TabwriterOptions = { minwidth: 0, tabwidth: 8, padding: 1, padchar: '\t' };
/** kubectl table printer: `tabwriter.NewWriter(out, 6, 4, 3, ' ', RememberWidths)`. */
export const TABLE_TABWRITER: TabwriterOptions = { minwidth: 6, tabwidth: 4, padding: 3, padchar: ' ' };
/** oc image info: `tabwriter.NewWriter(out, 0, 4, 1, ' ', 0)`. */
export const IMAGE_INFO_TABWRITER: TabwriterOptions = { minwidth: 0, tabwidth: 4, padding: 1, padchar: ' ' };

interface Cell {
  readonly text: string;
  /** Rune count, as Go measures it. */
  readonly width: number;
}

function runeWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Format text exactly as writing it through a Go tabwriter and flushing would. */
export function tabwrite(text: string, options: TabwriterOptions): string {
  const rawLines = text.split('\n');
  // A trailing newline leaves one empty, unterminated line: Go writes nothing for it.
  const endsWithNewline = rawLines.length > 1 && rawLines[rawLines.length - 1] === '';
  if (endsWithNewline) rawLines.pop();
  const lines: Cell[][] = rawLines.map((l) => l.split('\t').map((t) => ({ text: t, width: runeWidth(t) })));
  const out: string[] = [];
  const widths: number[] = [];

  const padding = (textw: number, cellw: number): string => {
    if (options.padchar === '\t') {
      if (options.tabwidth === 0) return '';
      const rounded = Math.ceil(cellw / options.tabwidth) * options.tabwidth;
      return '\t'.repeat(Math.ceil((rounded - textw) / options.tabwidth));
    }
    return ' '.repeat(cellw - textw);
  };

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i] ?? [];
      let s = '';
      line.forEach((c, j) => {
        s += c.text;
        // The last cell of a line is not tab-terminated and belongs to no column.
        const w = widths[j];
        if (j < line.length - 1 && w !== undefined) s += padding(c.width, w);
      });
      out.push(s);
    }
  };

  const format = (start: number, end: number): void => {
    const column = widths.length;
    let line0 = start;
    for (let row = start; row < end; row++) {
      if (column >= (lines[row]?.length ?? 0) - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      writeLines(line0, row);
      line0 = row;
      let width = options.minwidth;
      for (; row < end; row++) {
        const line = lines[row] ?? [];
        if (column >= line.length - 1) break;
        const w = (line[column]?.width ?? 0) + options.padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
    }
    writeLines(line0, end);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
