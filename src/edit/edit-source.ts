/**
 * A file as the byte-exact engine edits it: its text, and the documents being edited parsed with
 * source tokens. Either the whole file (every document parsed, e.g. a JSON file or a file that
 * cannot be cut at its markers), or only the edited documents of a file cut at its `---` lines:
 * then the untouched documents are never parsed, and verify re-parses only the edited ones. A file
 * holds many documents and a write usually changes one, so this is what keeps the memory and the
 * CPU of a large write proportional to what changes.
 */
import type { LineCounter } from 'yaml';
import type { DocumentSlice } from './document-cut.js';
import { loadDocumentAt, type FileFormat, type SourceDocument, type SourceFile, type SourceLimits } from './source-file.js';

export interface EditSource {
  /** Repo-relative POSIX path, as shown in messages. */
  readonly path: string;
  /** Decoded text without BOM. */
  readonly text: string;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n';
  readonly format: FileFormat;
  /** Line starts of the whole text (for file:line:col). */
  readonly lineCounter: LineCounter;
  /** Documents in the file. */
  readonly documentCount: number;
  /** Document `index` with source tokens; undefined for a document that was not parsed for this edit. */
  document(index: number): SourceDocument | undefined;
  /** Every document of the file (parsed on first call when the source is partial): the layout needs them. */
  everyDocument(): readonly SourceDocument[];
  /** The cut of the file at its document markers when the source is partial; undefined: whole file. */
  readonly slices?: readonly DocumentSlice[] | undefined;
}

/** A fully parsed file as an EditSource. */
export function wholeSource(file: SourceFile): EditSource {
  return {
    path: file.path,
    text: file.text,
    bom: file.bom,
    eol: file.eol,
    format: file.format,
    lineCounter: file.lineCounter,
    documentCount: file.documents.length,
    document: (index) => file.documents[index],
    everyDocument: () => file.documents,
  };
}

/** What a partial source is made from: the file's text, its cut, and how to parse it whole. */
export interface PartialSourceInput {
  readonly path: string;
  readonly text: string;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n';
  readonly format: FileFormat;
  readonly lineCounter: LineCounter;
  readonly limits: SourceLimits;
  /** The cut; the caller has checked that the parser shares it (lexerSharesCut). */
  readonly slices: readonly DocumentSlice[];
  /** The whole file parsed (asked only when the layout needs documents that were not parsed). */
  readonly whole: () => SourceFile;
}

/**
 * Only the documents `indexes` parsed with source tokens. Undefined when one of them does not parse
 * cleanly on its own (the caller takes the whole file, whose parse gives the errors the edit reports).
 */
export function partialSource(input: PartialSourceInput, indexes: Iterable<number>): EditSource | undefined {
  const { slices, text } = input;
  const base = { path: input.path, lineCounter: input.lineCounter };
  const parsed = new Map<number, SourceDocument>();
  for (const index of indexes) {
    const slice = slices[index];
    if (!slice) return undefined;
    if (parsed.has(index)) continue;
    const doc = loadDocumentAt(base, text, slice.start, slice.end, index, input.limits, input.format, { keepSourceTokens: true });
    if (!doc || doc.errors.length > 0 || doc.value === undefined) return undefined;
    parsed.set(index, doc);
  }
  let every: readonly SourceDocument[] | undefined;
  return {
    path: input.path,
    text,
    bom: input.bom,
    eol: input.eol,
    format: input.format,
    lineCounter: input.lineCounter,
    documentCount: slices.length,
    document: (index) => parsed.get(index),
    everyDocument: () => {
      every ??= parsed.size === slices.length ? [...parsed.values()].sort((a, b) => a.index - b.index) : input.whole().documents;
      return every;
    },
    slices,
  };
}
