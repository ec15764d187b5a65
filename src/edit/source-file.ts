/**
 * One manifest file, parsed once with source tokens and a LineCounter so every later step can
 * locate nodes (file:line:col) and edit bytes through the CST. Pure: text in, model out.
 */
import { Composer, LineCounter, Parser, type CST, type Document } from 'yaml';
import { ManifestError, type SourceLocation } from '../errors.js';

export type FileFormat = 'yaml' | 'json';

export interface SourceLimits {
  /** Files larger than this are refused (bytes). */
  readonly maxBytes: number;
  /** Alias expansion cap handed to yaml's toJS (alias bombs). */
  readonly maxAliasCount: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = { maxBytes: 8 * 1024 * 1024, maxAliasCount: 100 };

export interface SourceDocument {
  /** 0-based index of the document in the file. */
  readonly index: number;
  readonly doc: Document.Parsed;
  /** Plain JS value of the document; undefined when the document has errors or is empty. */
  readonly value: unknown;
  /** Errors of this document (parse errors, alias bombs), already located. */
  readonly errors: readonly ManifestError[];
}

export interface SourceFile {
  /** Repo-relative POSIX path, as shown in messages. */
  readonly path: string;
  /** Decoded text without BOM. */
  readonly text: string;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n';
  readonly format: FileFormat;
  readonly lineCounter: LineCounter;
  readonly tokens: readonly CST.Token[];
  readonly documents: readonly SourceDocument[];
}

export function formatOf(path: string): FileFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

/** 1-based line/column of a source offset. */
export function locate(file: Pick<SourceFile, 'path' | 'lineCounter'>, offset: number): SourceLocation {
  const { line, col } = file.lineCounter.linePos(offset);
  return { file: file.path, line, col };
}

/** The line break a file uses (CRLF when any line has one). */
export function eolOf(text: string): '\n' | '\r\n' {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** Decode bytes (UTF-8, optional BOM). */
export function decodeText(bytes: Buffer | string): { text: string; bom: boolean } {
  const raw = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  if (raw.charCodeAt(0) === 0xfeff) return { text: raw.slice(1), bom: true };
  return { text: raw, bom: false };
}

/** Parse text into tokens + composed documents (keepSourceTokens), without converting to JS. */
export function parseText(text: string): { tokens: CST.Token[]; docs: Document.Parsed[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const composer = new Composer({ keepSourceTokens: true, prettyErrors: false });
  const docs = Array.from(composer.compose(tokens, true, text.length)) as Document.Parsed[];
  return { tokens, docs, lineCounter };
}

/** The error for a file over `limits.maxBytes` (the inventory reports it and moves on). */
export function fileTooLarge(path: string, size: number, maxBytes: number): ManifestError {
  return new ManifestError('ManifestTooLarge', `file too large: ${size} bytes, expected at most ${maxBytes}`, { file: path });
}

/**
 * Load one file. Never throws for bad content: problems are attached to the documents (or, for a
 * file that is too large, thrown as ManifestTooLarge so the caller can report it and move on).
 */
export function loadSourceFile(
  path: string,
  bytes: Buffer | string,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
  format: FileFormat = formatOf(path) ?? 'yaml',
): SourceFile {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > limits.maxBytes) throw fileTooLarge(path, size, limits.maxBytes);
  const { text, bom } = decodeText(bytes);
  const eol = eolOf(text);
  const { tokens, docs, lineCounter } = parseText(text);
  const base = { path, lineCounter };
  const documents = docs.map((doc, index) => sourceDocument(base, doc, index, format, limits));
  return { path, text, bom, eol, format, lineCounter, tokens, documents };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

/** Attach located errors (parse errors, alias bombs) and the plain JS value to a composed document. */
function sourceDocument(
  base: Pick<SourceFile, 'path' | 'lineCounter'>,
  doc: Document.Parsed,
  index: number,
  format: FileFormat,
  limits: SourceLimits,
): SourceDocument {
  const errors = doc.errors.map(
    (e) =>
      new ManifestError(
        'ManifestParse',
        `invalid ${format === 'json' ? 'JSON' : 'YAML'}: ${firstLine(e.message)}`,
        locate(base, e.pos[0]),
        e,
      ),
  );
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
      const offset = doc.contents?.range?.[0] ?? 0;
      errors.push(
        new ManifestError(
          'ManifestTooLarge',
          `refused to expand aliases: ${firstLine((e as Error).message)}; expected at most ${limits.maxAliasCount} alias expansions`,
          locate(base, offset),
          e,
        ),
      );
    }
  }
  return { index, doc, value, errors };
}

/** A LineCounter for `text` without parsing it (line starts after every LF, as the parser records them). */
export function lineCounterOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}

/**
 * Compose the documents of `text[start, end)` (a slice cut at document markers). Node ranges, source
 * tokens and error positions are offsets into the whole `text`, so a LineCounter of the whole text
 * locates them exactly.
 */
export function parseSlice(text: string, start: number, end: number, keepSourceTokens = false): Document.Parsed[] {
  const parser = new Parser();
  // Tokens (and so node ranges) count from the parser's offset: start it where the slice starts.
  parser.offset = start;
  const composer = new Composer({ keepSourceTokens, prettyErrors: false });
  return Array.from(composer.compose(parser.parse(text.slice(start, end)), true, end)) as Document.Parsed[];
}

/**
 * Parse the single document held by `text[start, end)` (a slice cut at document markers) as
 * document `index` of the file, without source tokens unless asked (edits need them). Node ranges
 * and error positions are offsets into the whole `text`, so `base.lineCounter` (of the whole text)
 * locates them exactly. Returns undefined when the slice does not compose to exactly one document
 * (the caller parses the file).
 */
export function loadDocumentAt(
  base: Pick<SourceFile, 'path' | 'lineCounter'>,
  text: string,
  start: number,
  end: number,
  index: number,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
  format: FileFormat = 'yaml',
  options: { readonly keepSourceTokens?: boolean } = {},
): SourceDocument | undefined {
  const docs = parseSlice(text, start, end, options.keepSourceTokens);
  const doc = docs[0];
  if (docs.length !== 1 || !doc) return undefined;
  return sourceDocument(base, doc, index, format, limits);
}
