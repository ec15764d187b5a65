/**
 * Cheap text tests that decide which YAML documents the inventory must parse. Parsing is most of
 * the cost of a reconcile and most documents of a GitOps repository (Services, ConfigMaps, plain
 * Deployments) can hold nothing Tagstream indexes, so the inventory cuts each file at document
 * markers and composes only the documents whose text could matter. Every test over-approximates:
 * a false positive costs a parse, a false negative would lose an object.
 */

export { splitDocuments, type DocumentSlice } from '../edit/document-cut.js';

/**
 * Text that every indexed object must contain: the ImageStream kind (also in ImageStreamList and in
 * List items), the triggers annotation, DeploymentConfig (ImageChange triggers), the resolve-names
 * annotation (lookup), and the word Template (not `jobTemplate:`, which every CronJob has). Keys and
 * kinds cannot be written without these words unless spelled with escape sequences in quoted
 * scalars, which the pre-filter does not decode.
 */
const INDEXED_MARKER = /ImageStream|image\.openshift\.io\/triggers|DeploymentConfig|resolve-names|\bTemplate\b/;

/** True when `text` (one document, or a whole JSON file) may hold an object the inventory indexes. */
export function mayHoldIndexedObject(text: string): boolean {
  return INDEXED_MARKER.test(text);
}

/**
 * An `image` key and the first token of its value. A value without `/` and `@` may be a local
 * name (`mysql:8`); so may an empty one (block scalar, value on the next line), an alias or a tag.
 */
const IMAGE_VALUE = /(?:^|[\s{,"'])image["']?[ \t]*:[ \t]*["']?([^\s"',}\]#]*)/gm;

/**
 * True when `text` may hold a workload with a local image name (`mysql`, `mysql:8`), which a stream
 * with `lookupPolicy.local: true` would resolve. Only asked when such a stream exists.
 */
export function mayHoldLocalImageName(text: string): boolean {
  IMAGE_VALUE.lastIndex = 0;
  for (let m = IMAGE_VALUE.exec(text); m; m = IMAGE_VALUE.exec(text)) {
    const value = m[1] ?? '';
    if (!value.includes('/') && !value.includes('@')) return true;
  }
  return false;
}
