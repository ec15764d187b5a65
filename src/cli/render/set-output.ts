/**
 * The `set` verbs as oc prints them: a listing as oc's table (or its rows as `-o json|yaml`), a
 * change as oc's message line per object (`-o name`: the object's name; `-o json|yaml`: the
 * changed objects with their files, the files, and the objects as they now read). Pure.
 */
import type { SetResult } from '../../app/set-triggers.js';
import { inventoryWarnings } from './diagnostics.js';
import { tabwrite, type TabwriterOptions } from './go-tabwriter.js';
import { renderObject } from './object-output.js';
import { qualifiedName } from '../../verbs/trigger-definition.js';
import type { ReadOutput } from './read-output.js';

/** `-o` of the set verbs: an object format, `name`, or oc's message line (undefined). */
export type SetOutputFormat = 'json' | 'yaml' | 'name' | undefined;

/** oc's trigger table: `tabwriter.NewWriter(out, 0, 2, 2, ' ', 0)`. */
export const SET_TABLE_TABWRITER: TabwriterOptions = { minwidth: 0, tabwidth: 2, padding: 2, padchar: ' ' };

/** Render a `set` listing: oc's table, or the rows as data for `-o json|yaml`. */
export function renderSetListing(header: readonly string[], rows: readonly (readonly string[])[], records: readonly object[], output: SetOutputFormat): string {
  if (output === 'json' || output === 'yaml') return renderObject({ items: records }, output);
  return tabwrite([header, ...rows].map((cells) => `${cells.join('\t')}\n`).join(''), SET_TABLE_TABWRITER);
}

/** What a set verb did, as printed: the inventory's problems lead stderr, then the verb's notices. */
export function setOutput(result: SetResult, output: SetOutputFormat): ReadOutput {
  const stderr = [...inventoryWarnings(result.problems), ...result.notices];
  const { errors, listing } = result;
  if (listing) return { stdout: renderSetListing(listing.header, listing.rows, listing.records, output), stderr, errors };
  if (output === 'json' || output === 'yaml') {
    // The writing verbs' one shape (#13.1): every changed object with its file, and the files, as
    // `tag` and `import-image` print them; `items` holds the objects as kubectl would print them.
    const changed = result.changed.map(({ kind, namespace, name, file, change }) => ({ kind, namespace, name, file, change }));
    const data = { changed, files: result.files.map((f) => f.path), items: result.changed.map((c) => c.after) };
    return { stdout: renderObject(data, output), stderr, errors };
  }
  const lines = result.changed.map((c) => (output === 'name' ? qualifiedName(c.kind, c.name, c.group) : `${c.message}${result.dryRun ? ' (dry run)' : ''}`));
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr, errors };
}
