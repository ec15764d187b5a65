/** `tagstream describe` as oc prints it: the describe layouts, joined the way kubectl joins them. Pure. */
import type { DescribeResult } from '../../app/describe.js';
import { describeImageStreamTag } from './describe-image.js';
import { describeImageStream } from './describe-stream.js';
import { inventoryWarnings } from './diagnostics.js';
import { noResources, type ReadOutput } from './read-output.js';

/** The described objects on stdout; the inventory's problems, then metadata that could not be fetched, on stderr. */
export function describeOutput(result: DescribeResult): ReadOutput {
  const { now, errors } = result;
  const stderr = inventoryWarnings(result.problems);
  const texts: string[] = [];
  if (result.resource === 'imagestream') {
    for (const e of result.streams) texts.push(describeImageStream(e.stream, e.namespace, now, { showManaged: result.showManaged }));
  } else {
    for (const t of result.tags) {
      const missing = t.metadataMissing;
      if (missing) {
        stderr.push(
          missing.from === undefined
            ? `warning: image metadata for ${t.view.name} was not fetched: ${missing.reason}`
            : `warning: image metadata for ${t.view.name} could not be fetched from ${missing.from}: ${missing.reason}`,
        );
      }
      texts.push(describeImageStreamTag(t.view, t.metadata, now));
    }
  }
  if (result.names.length === 0 && texts.length === 0 && errors.length === 0) stderr.push(noResources(result.namespace));
  return { stdout: texts.join('\n\n'), stderr, errors };
}
