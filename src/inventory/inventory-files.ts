/**
 * One scanned manifest file as the inventory holds it: the text, cut into documents, with only the
 * documents asked for parsed (memoized), and the full CST parse made on demand for files that get
 * edited. Keeping text instead of parse trees is what keeps a large repository's inventory small.
 */
import type { LineCounter } from 'yaml';
import { ManifestError } from '../errors.js';
import { lexerSharesCut } from '../edit/document-cut.js';
import { partialSource, wholeSource, type EditSource } from '../edit/edit-source.js';
import {
  decodeText,
  eolOf,
  lineCounterOf,
  loadDocumentAt,
  loadSourceFile,
  type FileFormat,
  type SourceDocument,
  type SourceFile,
  type SourceLimits,
} from '../edit/source-file.js';
import { splitDocuments, type DocumentSlice } from './inventory-prefilter.js';

/**
 * A file's content read only when first needed: the index cache answered for the file by its stat
 * signature, so a run that edits nothing never reads it (see inventory.ts, `knownUnread`).
 */
export interface LazyContent {
  /** Read the file; throws a located error when it is not the content the cache answered for. */
  load(): Buffer;
  /** What is already known of the bytes: whether they contain each ASCII probe (the target marker). */
  readonly mentions: Readonly<Record<string, boolean>>;
}

const isLazy = (raw: Buffer | string | LazyContent | undefined): raw is LazyContent =>
  raw !== undefined && typeof raw !== 'string' && !Buffer.isBuffer(raw);

/** A document's text and where it sits, for the pre-filter's tests. */
export interface DocumentText {
  readonly index: number;
  readonly text: string;
}

/** A file read by the inventory: text cut into documents, parsed per document on demand. */
export class ScannedFile {
  /** Decoded on first use: a file the index cache answered is often never looked at as text. */
  private decoded: string | undefined;
  /** Cut on first use (a file the index cache answered is never cut); see `slices`. */
  private cut: { readonly slices: readonly DocumentSlice[] | undefined } | undefined;
  private readonly parsed = new Map<number, SourceDocument>();
  private lines: LineCounter | undefined;
  private whole: readonly SourceDocument[] | undefined;
  private wholeCount: number | undefined;
  private source: SourceFile | undefined;
  private bom = false;
  /** The file as read (BOM included) until it is decoded; then only the text is kept (see `content`). */
  private raw: Buffer | string | LazyContent | undefined;

  constructor(
    readonly path: string,
    raw: Buffer | string | LazyContent,
    readonly format: FileFormat,
    private readonly limits: SourceLimits,
  ) {
    this.raw = raw;
  }

  /** The file's text (BOM removed); the bytes read are dropped once it is decoded. */
  get text(): string {
    if (this.decoded === undefined) {
      const d = decodeText(this.bytes() ?? '');
      this.decoded = d.text;
      this.bom = d.bom;
      this.raw = undefined;
    }
    return this.decoded;
  }

  /**
   * The text contains `ascii` (ASCII only): answered from the bytes while the text is not decoded
   * (an ASCII byte always decodes to itself in UTF-8, and the BOM holds none).
   */
  mentions(ascii: string): boolean {
    const raw = this.raw;
    if (isLazy(raw)) {
      const known = raw.mentions[ascii];
      if (known !== undefined) return known;
    }
    const bytes = this.bytes();
    return bytes === undefined || typeof bytes === 'string' ? this.text.includes(ascii) : bytes.includes(ascii);
  }

  /** The content as read (reading a lazy file now), until it is decoded. */
  private bytes(): Buffer | string | undefined {
    if (isLazy(this.raw)) this.raw = this.raw.load();
    return this.raw;
  }

  /** The file's text as read (BOM restored), for a full parse. */
  private get content(): string {
    const text = this.text;
    return this.bom ? `\uFEFF${text}` : text;
  }

  /** Undefined when the file cannot be cut safely (JSON, directives, `...`): it is parsed whole. */
  private get slices(): readonly DocumentSlice[] | undefined {
    this.cut ??= { slices: this.format === 'yaml' ? splitDocuments(this.text) : undefined };
    return this.cut.slices;
  }

  /** Documents in the file, as the parser numbers them (1 for an uncut file not parsed). */
  get documentCount(): number {
    return this.slices?.length ?? this.wholeCount ?? 1;
  }

  /** The documents to test: each document's text, or the whole text as one when the file is not cut. */
  documentTexts(): DocumentText[] {
    if (!this.slices) return [{ index: -1, text: this.text }];
    return this.slices.map((s) => ({ index: s.index, text: this.text.slice(s.start, s.end) }));
  }

  /**
   * Parse (once) and return the documents whose index is in `indexes`, in file order; index -1
   * (an uncut file) returns every document of the file.
   */
  documents(indexes: readonly number[]): { readonly lineCounter: LineCounter; readonly documents: readonly SourceDocument[] } {
    if (indexes.includes(-1) || !this.slices) return this.parseWhole();
    const lineCounter = (this.lines ??= lineCounterOf(this.text));
    const base = { path: this.path, lineCounter };
    const out: SourceDocument[] = [];
    for (const i of [...indexes].sort((a, b) => a - b)) {
      let d = this.parsed.get(i);
      const s = this.slices[i];
      if (!d && s) {
        d = loadDocumentAt(base, this.text, s.start, s.end, i, this.limits, this.format);
        // The cut disagreed with the parser (it should not), or the document is invalid: a slice
        // ends at its marker where the full parse reads on, so only the full parse gives the same
        // error positions. Errors are rare; exact messages are worth a second parse.
        if (!d || d.errors.length > 0) return this.parseWhole(indexes);
        this.parsed.set(i, d);
      }
      if (d) out.push(d);
    }
    return { lineCounter, documents: out };
  }

  private parseWhole(indexes?: readonly number[]): { lineCounter: LineCounter; documents: readonly SourceDocument[] } {
    if (!this.whole) {
      const file = loadSourceFile(this.path, this.content, this.limits, this.format);
      this.lines = file.lineCounter;
      this.whole = file.documents;
      this.wholeCount = file.documents.length;
    }
    // If the cut numbered documents differently, indexes chosen from it mean nothing: take them all.
    const cutAgrees = this.slices?.length === this.whole.length;
    const documents = indexes && cutAgrees ? this.whole.filter((d) => indexes.includes(d.index)) : this.whole;
    return { lineCounter: this.lines as LineCounter, documents };
  }

  /** Forget parsed documents (a run without a parse cache does not need them after indexing). */
  release(): void {
    this.parsed.clear();
    this.whole = undefined;
    this.lines = undefined;
  }

  /**
   * The full parse with source tokens, for edits; made on first use and kept. When it numbers the
   * documents differently from the cut (only broken YAML does), the inventory's document indexes
   * do not address it: every document is then marked as not parsing, so edits are refused.
   */
  sourceFile(): SourceFile {
    if (this.source) return this.source;
    const file = loadSourceFile(this.path, this.content, this.limits, this.format);
    if (!this.slices || this.slices.length === file.documents.length) return (this.source = file);
    const error = new ManifestError(
      'ManifestParse',
      `invalid YAML: a document runs across a "---" line (an unclosed quote?); expected ${this.slices.length} documents, the parser reads ${file.documents.length}`,
      { file: this.path },
    );
    return (this.source = { ...file, documents: file.documents.map((d) => ({ ...d, value: undefined, errors: [...d.errors, error] })) });
  }

  /**
   * The file for edits of documents `indexes`: only those documents parsed with source tokens when
   * the file is cut at its markers and yaml reads the same cut; otherwise (JSON, directives, broken
   * YAML, an edited document that does not parse alone) the full parse of sourceFile(). Nothing of a
   * partial source is kept here.
   */
  editSource(indexes: Iterable<number>): EditSource {
    const slices = this.slices;
    if (this.source || !slices) return wholeSource(this.sourceFile());
    const docs = [...indexes];
    // Up to the last edited document: a quoted scalar running over a later marker would not change
    // what the parser reads as the edited documents (each edited one is checked to parse alone).
    const end = Math.max(...docs.map((i) => slices[i]?.end ?? this.text.length));
    const partial = lexerSharesCut(this.text, end)
      ? partialSource(
          {
            path: this.path,
            text: this.text,
            bom: this.bom,
            eol: eolOf(this.text),
            format: this.format,
            lineCounter: this.lines ?? lineCounterOf(this.text),
            limits: this.limits,
            slices,
            whole: () => this.sourceFile(),
          },
          docs,
        )
      : undefined;
    return partial ?? wholeSource(this.sourceFile());
  }

  /** Drop the full parse (a writer verified its new text); sourceFile() parses again if asked. */
  releaseSource(): void {
    this.source = undefined;
  }

  /** True once sourceFile() has parsed the file. */
  get sourceLoaded(): boolean {
    return this.source !== undefined;
  }
}

/**
 * `Inventory.files`: a ReadonlyMap whose values are parsed on first `get` (and iteration), so that
 * a run that edits nothing parses nothing twice and keeps no parse trees.
 */
export class LazySourceFiles implements ReadonlyMap<string, SourceFile> {
  private readonly scanned: ReadonlyMap<string, ScannedFile>;

  constructor(entries: Iterable<ScannedFile>) {
    this.scanned = new Map([...entries].map((f) => [f.path, f]));
  }

  get size(): number {
    return this.scanned.size;
  }

  /** How many files were parsed for edits so far (for tests and stats: a no-change run parses none). */
  get loadedCount(): number {
    let n = 0;
    for (const f of this.scanned.values()) if (f.sourceLoaded) n++;
    return n;
  }

  get(path: string): SourceFile | undefined {
    return this.scanned.get(path)?.sourceFile();
  }

  has(path: string): boolean {
    return this.scanned.has(path);
  }

  /** `path` prepared for edits of documents `indexes` (see ScannedFile.editSource); undefined when not in the inventory. */
  edit(path: string, indexes: Iterable<number>): EditSource | undefined {
    return this.scanned.get(path)?.editSource(indexes);
  }

  /** Forget the parse of `path`: a run that writes many files holds one parse tree at a time. */
  release(path: string): void {
    this.scanned.get(path)?.releaseSource();
  }

  keys(): MapIterator<string> {
    return this.scanned.keys();
  }

  *entries(): MapIterator<[string, SourceFile]> {
    for (const [path, f] of this.scanned) yield [path, f.sourceFile()];
  }

  *values(): MapIterator<SourceFile> {
    for (const f of this.scanned.values()) yield f.sourceFile();
  }

  [Symbol.iterator](): MapIterator<[string, SourceFile]> {
    return this.entries();
  }

  forEach(fn: (value: SourceFile, key: string, map: ReadonlyMap<string, SourceFile>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
