/**
 * The byte-exact editing engine: every write Tagstream makes to a user's manifest goes through
 * `applyEdits`. Nodes are located with the Document API, only the addressed tokens change, the
 * result is re-parsed and compared with the planned value of the whole document; on any mismatch
 * nothing is returned and `ManifestError('EditVerify')` names the file and line. The user's file
 * is never re-serialised (`doc.toString()` is not used).
 *
 * Edits address nodes in the ORIGINAL file: indexes of a sequence insert/delete refer to the items
 * as they were before any of the edits.
 */
import type { Document } from 'yaml';
import { deepEqual } from '../domain/plain-value.js';
import { ManifestError } from '../errors.js';
import { detectLayout } from './edit-layout.js';
import { expectedValue, firstDifference } from './edit-expect.js';
import { formatPath, Locator } from './edit-locate.js';
import { planDelete, planInsert, planSet, type Splice, type SpliceContext } from './edit-splice.js';
import type { Edit, NodePath } from './edit.js';
import { splitDocuments, type DocumentSlice } from './document-cut.js';
import { wholeSource, type EditSource } from './edit-source.js';
import type { Layout } from './edit-layout.js';
import { locate, parseSlice, parseText, type SourceDocument, type SourceFile } from './source-file.js';

export type { Edit, NodePath } from './edit.js';
export { diffToEdits, type DiffOptions } from './edit-diff.js';
export type { EditSource } from './edit-source.js';


function joinSplices(file: EditSource, splices: readonly Splice[], firstOffset: number): string {
  const sorted = splices.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || a.i - b.i).map((x) => x.s);
  const parts: string[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) {
      throw new ManifestError('EditVerify', 'edits overlap (one edit changes text another edit replaces)', locate(file, s.start || firstOffset));
    }
    parts.push(file.text.slice(at, s.start), s.text);
    at = s.end;
  }
  parts.push(file.text.slice(at));
  return parts.join('');
}

/**
 * Apply edits to a loaded file and return the complete new file text (BOM and EOL as found).
 * One parse of the result verifies all edits: edited documents must equal their planned value,
 * all other documents must be unchanged. Throws ManifestError('EditVerify' | 'FieldPath').
 * A partial EditSource (only the edited documents parsed) is verified by re-parsing only the
 * edited documents, once the new text is shown to cut into the same documents.
 */
export function applyEdits(source: SourceFile | EditSource, edits: readonly Edit[]): string {
  const file = 'documentCount' in source ? source : wholeSource(source);
  const bom = file.bom ? '\uFEFF' : '';
  if (edits.length === 0) return bom + file.text;
  let layout: Layout | undefined;
  const layoutOf = (): Layout => (layout ??= detectLayout(file.text, file.everyDocument().map((d) => d.doc), file.eol));
  const byDoc = new Map<number, Edit[]>();
  for (const e of edits) {
    const list = byDoc.get(e.doc);
    if (list) list.push(e);
    else byDoc.set(e.doc, [e]);
  }
  const splices: Splice[] = [];
  const docSplices = new Map<number, Splice[]>();
  let firstOffset = 0;
  for (const [docIndex, docEdits] of byDoc) {
    const sd = file.document(docIndex);
    if (!sd) throw new ManifestError('FieldPath', `cannot edit document ${docIndex}: the file has ${file.documentCount} document(s)`, { file: file.path });
    const where = locate(file, sd.doc.range[0]);
    if (sd.errors.length > 0 || sd.value === undefined) {
      throw new ManifestError('EditVerify', `cannot edit document ${docIndex}: it does not parse cleanly`, where);
    }
    firstOffset = sd.doc.range[0];
    const ctx: SpliceContext = {
      text: file.text,
      format: file.format,
      eol: file.eol,
      get layout() {
        return layoutOf();
      },
      locator: new Locator(file, docIndex, sd.doc),
    };
    const planned: Splice[] = [];
    for (const e of docEdits) {
      if (e.op === 'set') planned.push(...planSet(ctx, e.path, e.value));
      else if (e.op === 'insert') planned.push(...planInsert(ctx, e.path, e.value, e.index));
      else planned.push(...planDelete(ctx, e.path));
    }
    splices.push(...planned);
    docSplices.set(docIndex, planned);
  }
  const text = joinSplices(file, splices, firstOffset);
  if (!file.slices || !verifyCut(file, file.slices, text, byDoc, docSplices)) verify(file, text, byDoc);
  return bom + text;
}

function failure(file: EditSource, byDoc: ReadonlyMap<number, readonly Edit[]>) {
  return (why: string, docIndex: number, offset: number): never => {
    const edits = byDoc.get(docIndex) ?? [];
    const paths = edits.map((e) => formatPath(e.path)).join(', ');
    throw new ManifestError('EditVerify', `edit of ${paths || `document ${docIndex}`} did not verify: ${why}`, locate(file, offset));
  };
}

/** Check one re-parsed edited document against the value its edits plan. */
function verifyEdited(sd: SourceDocument, reparsed: Document.Parsed, edits: readonly Edit[], fail: ReturnType<typeof failure>): void {
  const origin = sd.doc.range[0];
  if (reparsed.errors.length > 0) fail(`the result does not parse: ${reparsed.errors[0]?.message.split('\n')[0] ?? ''}`, sd.index, origin);
  const expected = expectedValue(sd.value, edits);
  const actual: unknown = reparsed.toJS({ maxAliasCount: -1 });
  if (!deepEqual(actual, expected)) {
    const at = firstDifference(actual, expected) ?? [];
    const firstEdit = edits[0];
    const offset = firstEdit ? editOffset(sd.doc, firstEdit.path, origin) : origin;
    fail(`${formatPath(at)} reads back differently than planned`, sd.index, offset);
  }
}

/**
 * Verify a partial source: the new text must cut into the same documents, each one moved by the
 * length the splices before it add (so untouched documents are the same text at a new offset), and
 * every edited document, re-parsed alone, must read back as planned. Returns false when the new
 * text does not cut that way: the full verify then decides (and words any error) from a full parse.
 */
function verifyCut(
  file: EditSource,
  slices: readonly DocumentSlice[],
  text: string,
  byDoc: ReadonlyMap<number, readonly Edit[]>,
  docSplices: ReadonlyMap<number, readonly Splice[]>,
): boolean {
  const cut = splitDocuments(text);
  if (!cut || cut.length !== slices.length) return false;
  const moved: { start: number; end: number }[] = [];
  let shift = 0;
  for (const slice of slices) {
    const start = slice.start + shift;
    for (const s of docSplices.get(slice.index) ?? []) {
      if (s.start < slice.start || s.end > slice.end) return false;
      shift += s.text.length - (s.end - s.start);
    }
    const end = slice.end + shift;
    const now = cut[slice.index];
    if (!now || now.start !== start || now.end !== end) return false;
    moved.push({ start, end });
  }
  // The parser shares the new cut without a lex of the new text: the source was cut only when it
  // shared the old one (no quoted scalar ran over a marker), untouched documents are the same text,
  // and an edited document that now ran over its end would not re-parse cleanly alone.
  const fail = failure(file, byDoc);
  for (const [index, edits] of byDoc) {
    const sd = file.document(index) as SourceDocument;
    const at = moved[index] as { start: number; end: number };
    const docs = parseSlice(text, at.start, at.end);
    if (docs.length !== 1 || !docs[0]) return false;
    verifyEdited(sd, docs[0], edits, fail);
  }
  return true;
}

function verify(file: EditSource, text: string, byDoc: ReadonlyMap<number, readonly Edit[]>): void {
  const fail = failure(file, byDoc);
  const { docs } = parseText(text);
  const documents = file.everyDocument();
  if (docs.length !== documents.length) fail(`the file now has ${docs.length} documents instead of ${documents.length}`, 0, 0);
  for (const sd of documents) {
    const edits = byDoc.get(sd.index);
    const reparsed = docs[sd.index];
    if (!reparsed) continue;
    if (!edits) {
      // Cheap check first: an untouched document has the same source text.
      const same = text.slice(reparsed.range[0], reparsed.range[2]) === file.text.slice(sd.doc.range[0], sd.doc.range[2]);
      if (!same && sd.errors.length === 0 && reparsed.errors.length === 0 && sd.value !== undefined) {
        if (!deepEqual(reparsed.toJS({ maxAliasCount: -1 }), sd.value)) fail(`document ${sd.index} changed although it was not edited`, sd.index, sd.doc.range[0]);
      }
      continue;
    }
    verifyEdited(sd, reparsed, edits, fail);
  }
  if (file.format === 'json') {
    try {
      JSON.parse(text);
    } catch (e) {
      fail(`the result is not valid JSON (${(e as Error).message})`, 0, 0);
    }
  }
}

/** Source offset of the deepest existing node on `path` (for messages). */
function editOffset(doc: SourceFile['documents'][number]['doc'], path: NodePath, fallback: number): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return node.range[0];
  }
  return fallback;
}
