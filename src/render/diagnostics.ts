/**
 * Warnings for what the inventory could not use, printed on stderr by every read verb:
 * `warning: <file>:<line>:<col>: <reason>` and one line per conflicting ImageStream. Pure.
 */
import { formatLocation } from '../errors.js';
import type { Inventory } from '../inventory/inventory-model.js';

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
