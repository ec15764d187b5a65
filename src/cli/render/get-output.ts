/** `tagstream get` as oc prints it: a table (or `-o wide`), `-o name`, or the objects as `-o json|yaml`. Pure. */
import type { GetResult } from '../../app/get.js';
import { inventoryWarnings } from './diagnostics.js';
import { istagObject, listObject, renderNames, renderObject, streamObject } from './object-output.js';
import { imageStreamTable, imageStreamTagTable, type NamespacedStream } from './stream-table.js';
import { renderTable } from './table.js';
import { noResources, type ReadOutput } from './read-output.js';

export type OutputFormat = 'table' | 'wide' | 'name' | 'json' | 'yaml';

/** Render what `get` found in `output`; the inventory's problems lead stderr. */
export function getOutput(result: GetResult, output: OutputFormat): ReadOutput {
  const { resource, streams, tags, names, namespace, errors } = result;
  const stderr = inventoryWarnings(result.problems);
  const count = resource === 'imagestream' ? streams.length : tags.length;
  if (count === 0) {
    if (names.length === 0 && (output === 'table' || output === 'wide')) stderr.push(noResources(namespace));
    // kubectl prints an empty List for -o json/yaml when nothing matched a list request.
    const empty = names.length === 0 && (output === 'json' || output === 'yaml') ? renderObject(listObject([]), output) : '';
    return { stdout: empty, stderr, errors };
  }

  let stdout: string;
  switch (output) {
    case 'name':
      stdout =
        resource === 'imagestream'
          ? renderNames('imagestream', streams.map((s) => s.name))
          : renderNames('imagestreamtag', tags.map((t) => t.view.name));
      break;
    case 'json':
    case 'yaml': {
      const objects = resource === 'imagestream' ? streams.map((s) => streamObject(s.stream, s.namespace)) : tags.map((t) => istagObject(t.entry.stream, t.view));
      const single = names.length === 1 && objects.length === 1 ? objects[0] : undefined;
      stdout = renderObject(single ?? listObject(objects), output);
      break;
    }
    default: {
      const all = namespace === undefined;
      const table =
        resource === 'imagestream'
          ? imageStreamTable(streams.map((s): NamespacedStream => ({ namespace: s.namespace, stream: s.stream })), result.now, all)
          : imageStreamTagTable(tags.map((t) => t.view), result.now, all, output === 'wide');
      stdout = renderTable(table);
    }
  }
  return { stdout, stderr, errors };
}
