/**
 * Cheap text tests that decide which YAML documents the inventory must parse. Parsing is most of
 * the cost of a reconcile and most documents of a GitOps repository (Services, ConfigMaps, plain
 * Deployments) can hold nothing Tagstream indexes, so the inventory cuts each file at document
 * markers and composes only the documents whose text could matter. Every test over-approximates:
 * a false positive costs a parse, a false negative would lose an object.
 */

/** One YAML document of a file: `text.slice(start, end)`; `index` counts documents in the whole file. */
export interface DocumentSlice {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/** `---` at column 0 followed by a blank or the end of the line: always a document start in YAML. */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
/**
 * What makes the cut unsafe to predict from text alone: directives (`%YAML`, `%TAG`, which apply
 * across the marker) and document end markers (`...`, after which a new document may start without
 * `---`). Files holding them are parsed whole.
 */
const UNSAFE_TO_CUT = /^(?:%|\.\.\.(?=[ \t\r\n]|$))/m;
/** A line with content: anything but blanks and a comment. */
const CONTENT_LINE = /^[ \t]*[^ \t\r\n#]/m;

/**
 * Cut YAML text into documents as the `yaml` parser numbers them: text before the first `---` is a
 * document only when it holds content (comments alone attach to the next document); every `---`
 * starts one. Returns undefined when the cut cannot be predicted (see UNSAFE_TO_CUT). Only invalid
 * YAML breaks the rule (an unclosed quoted scalar inside a collection runs over a `---` line):
 * ScannedFile then sees the parse error and takes the full parse of the file.
 */
export function splitDocuments(text: string): DocumentSlice[] | undefined {
  if (UNSAFE_TO_CUT.test(text)) return undefined;
  const starts: number[] = [];
  DOCUMENT_START.lastIndex = 0;
  for (let m = DOCUMENT_START.exec(text); m; m = DOCUMENT_START.exec(text)) starts.push(m.index);
  const first = starts[0];
  if (first === undefined) return [{ index: 0, start: 0, end: text.length }];
  if (first > 0 && CONTENT_LINE.test(text.slice(0, first))) starts.unshift(0);
  // Comments before the first marker belong to its document: start it at 0 so nothing is dropped.
  else starts[0] = 0;
  return starts.map((start, index) => ({ index, start, end: starts[index + 1] ?? text.length }));
}

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
