/**
 * Warnings for what the inventory could not use, printed on stderr by every read verb:
 * `warning: <file>:<line>:<col>: <reason>` and one line per conflicting ImageStream. Pure.
 */
import { formatLocation } from '../../errors.js';
import type { Inventory } from '../../inventory/inventory-model.js';

/**
 * One line per diagnostic and per conflict, without trailing newlines. The inventory also records
 * a DuplicateObject diagnostic at each conflicting site; the single conflict line replaces them.
 */
export function inventoryWarnings(inventory: Pick<Inventory, 'diagnostics' | 'conflicts'>): string[] {
  const conflictSites = new Set(inventory.conflicts.flatMap((c) => c.sites.map((s) => formatLocation(s.location))));
  const out: string[] = [];
  for (const d of inventory.diagnostics) {
    if (d.code === 'DuplicateObject' && d.location && conflictSites.has(formatLocation(d.location))) continue;
    out.push(d.location ? `warning: ${formatLocation(d.location)}: ${d.reason}` : `warning: ${d.message}`);
  }
  for (const c of inventory.conflicts) {
    const sites = c.sites.map((s) => formatLocation(s.location)).join(', ');
    out.push(`warning: imagestream ${c.namespace}/${c.name} is defined in more than one file: ${sites}`);
  }
  return out;
}

/** How many diagnostics human output shows before summarising the rest (`-v` / `-o json` show all). */
export const HUMAN_DIAGNOSTIC_LIMIT = 20;

/**
 * Keep the first `limit` lines that `counted` selects and replace the others with one summary line
 * (`warning: … and 987 more (-v or -o json shows all)`) placed where the first dropped line was;
 * other lines keep their order. A repository with 2,000 broken files stays readable.
 */
export function boundLines(lines: readonly string[], limit: number, counted: (line: string) => boolean, prefix = 'warning'): string[] {
  const total = lines.filter(counted).length;
  if (total <= limit) return [...lines];
  const out: string[] = [];
  let seen = 0;
  for (const line of lines) {
    if (!counted(line)) {
      out.push(line);
      continue;
    }
    seen++;
    if (seen <= limit) out.push(line);
    else if (seen === limit + 1) out.push(`${prefix}: … and ${total - limit} more (-v or -o json shows all)`);
  }
  return out;
}

/** `warning: ...` lines (what the inventory could not use), the ones human output bounds. */
export const isWarningLine = (line: string): boolean => line.startsWith('warning: ');
