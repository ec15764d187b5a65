/** kubectl's human-readable table: upper-case headers, tab-separated cells through the Go tabwriter. Pure. */
import { TABLE_TABWRITER, tabwrite } from './go-tabwriter.js';

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Render headers and rows exactly as `kubectl get` does (3-space gutters, last column unpadded). */
export function renderTable(table: Table): string {
  const lines = [table.headers, ...table.rows].map((cells) => cells.join('\t') + '\n');
  return tabwrite(lines.join(''), TABLE_TABWRITER);
}

/** Prepend a NAMESPACE column (`-A`). */
export function withNamespaceColumn(table: Table, namespaces: readonly string[]): Table {
  return {
    headers: ['NAMESPACE', ...table.headers],
    rows: table.rows.map((r, i) => [namespaces[i] ?? '', ...r]),
  };
}
