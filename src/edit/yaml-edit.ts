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
import { deepEqual } from '../domain/plain-value.js';
import { ManifestError } from '../errors.js';
import { detectLayout } from './edit-layout.js';
import { expectedValue, firstDifference } from './edit-expect.js';
import { formatPath, Locator } from './edit-locate.js';
import { planDelete, planInsert, planSet, type Splice, type SpliceContext } from './edit-splice.js';
import type { Edit, NodePath } from './edit.js';
import { locate, parseText, type SourceFile } from './source-file.js';

export type { Edit, NodePath } from './edit.js';
export { diffToEdits, type DiffOptions } from './edit-diff.js';


function joinSplices(file: SourceFile, splices: readonly Splice[], firstOffset: number): string {
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
 */
export function applyEdits(file: SourceFile, edits: readonly Edit[]): string {
  const bom = file.bom ? '\uFEFF' : '';
  if (edits.length === 0) return bom + file.text;
  const layout = detectLayout(
    file.text,
    file.documents.map((d) => d.doc),
    file.eol,
  );
  const byDoc = new Map<number, Edit[]>();
  for (const e of edits) {
    const list = byDoc.get(e.doc);
    if (list) list.push(e);
    else byDoc.set(e.doc, [e]);
  }
  const splices: Splice[] = [];
  let firstOffset = 0;
  for (const [docIndex, docEdits] of byDoc) {
    const sd = file.documents[docIndex];
    if (!sd) throw new ManifestError('FieldPath', `cannot edit document ${docIndex}: the file has ${file.documents.length} document(s)`, { file: file.path });
    const where = locate(file, sd.doc.range[0]);
    if (sd.errors.length > 0 || sd.value === undefined) {
      throw new ManifestError('EditVerify', `cannot edit document ${docIndex}: it does not parse cleanly`, where);
    }
    firstOffset = sd.doc.range[0];
    const ctx: SpliceContext = { text: file.text, format: file.format, layout, locator: new Locator(file, docIndex, sd.doc) };
    for (const e of docEdits) {
      if (e.op === 'set') splices.push(...planSet(ctx, e.path, e.value));
      else if (e.op === 'insert') splices.push(...planInsert(ctx, e.path, e.value, e.index));
      else splices.push(...planDelete(ctx, e.path));
    }
  }
  const text = joinSplices(file, splices, firstOffset);
  verify(file, text, byDoc);
  return bom + text;
}

function verify(file: SourceFile, text: string, byDoc: ReadonlyMap<number, readonly Edit[]>): void {
  const fail = (why: string, docIndex: number, offset: number): never => {
    const edits = byDoc.get(docIndex) ?? [];
    const paths = edits.map((e) => formatPath(e.path)).join(', ');
    throw new ManifestError('EditVerify', `edit of ${paths || `document ${docIndex}`} did not verify: ${why}`, locate(file, offset));
  };
  const { docs } = parseText(text);
  if (docs.length !== file.documents.length) fail(`the file now has ${docs.length} documents instead of ${file.documents.length}`, 0, 0);
  for (const sd of file.documents) {
    const edits = byDoc.get(sd.index);
    const reparsed = docs[sd.index];
    const origin = sd.doc.range[0];
    if (!reparsed) continue;
    if (!edits) {
      // Cheap check first: an untouched document has the same source text.
      const same = text.slice(reparsed.range[0], reparsed.range[2]) === file.text.slice(sd.doc.range[0], sd.doc.range[2]);
      if (!same && sd.errors.length === 0 && reparsed.errors.length === 0 && sd.value !== undefined) {
        if (!deepEqual(reparsed.toJS({ maxAliasCount: -1 }), sd.value)) fail(`document ${sd.index} changed although it was not edited`, sd.index, origin);
      }
      continue;
    }
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
