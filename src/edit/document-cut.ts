/**
 * Where the documents of a YAML file start and end, told from its text: the inventory parses only
 * the documents it needs, and the editor parses (with source tokens) and verifies only the
 * documents it edits. Pure: text in, offsets out.
 */
import { CST, Lexer } from 'yaml';

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
 * True when yaml's lexer reads a document start at every `---` line of `text` before `end` (as
 * splitDocuments does), i.e. no quoted scalar runs over one of them. Only invalid YAML fails this.
 * The lexer alone is a fraction of a parse and keeps nothing; a text without markers needs none.
 */
export function lexerSharesCut(text: string, end = text.length): boolean {
  const head = end < text.length ? text.slice(0, end) : text;
  DOCUMENT_START.lastIndex = 0;
  let markers = 0;
  while (DOCUMENT_START.exec(head)) markers++;
  // The lexer reads document starts only at such lines: with none, there is nothing to disagree on.
  if (markers === 0) return true;
  let starts = 0;
  let atScalar = false;
  for (const lexeme of new Lexer().lex(head)) {
    // After the SCALAR control character comes a scalar's source, which may read `---`.
    if (atScalar) atScalar = false;
    else if (lexeme === CST.SCALAR) atScalar = true;
    else if (lexeme === '---') starts++;
  }
  return starts === markers;
}
