/**
 * Test helper: rewrite the object at doc/path to `newValue` with minimal byte changes, through the
 * engine's own diffToEdits + applyEdits (no writer in src needs the whole-object form).
 */
import { ManifestError } from '../../../src/errors.js';
import { valueAt } from '../../../src/domain/plain-value.js';
import type { NodePath } from '../../../src/edit/edit.js';
import type { SourceFile } from '../../../src/edit/source-file.js';
import { applyEdits, diffToEdits, type DiffOptions } from '../../../src/edit/yaml-edit.js';

/** The new file text, or undefined when the object already equals `newValue`. */
export function updateObject(file: SourceFile, doc: number, path: NodePath, newValue: unknown, opts: DiffOptions = {}): string | undefined {
  const sd = file.documents[doc];
  if (!sd) throw new ManifestError('FieldPath', `cannot edit document ${doc}: the file has ${file.documents.length} document(s)`, { file: file.path });
  const edits = diffToEdits(doc, path, valueAt(sd.value, path), newValue, opts);
  return edits.length === 0 ? undefined : applyEdits(file, edits);
}
