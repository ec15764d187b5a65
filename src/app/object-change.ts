/**
 * Planned changes of one Kubernetes object (path relative to the object, new value) turned into
 * byte-exact edits of the file that holds it. Shared by reconcile (trigger and lookup writes) and
 * the `set` verbs, so every write to a workload goes through the same rules: set what exists,
 * insert what is missing together with its missing parents, delete what is removed.
 */
import { errorMessage, TagstreamError } from '../errors.js';
import type { FileChange } from '../domain/change-set.js';
import type { NodePath, ObjectSite } from '../inventory/inventory-model.js';
import type { SourceFile } from '../edit/source-file.js';
import { applyEdits, diffToEdits, type Edit, type EditSource } from '../edit/yaml-edit.js';
import { deepEqual, valueAt } from '../domain/plain-value.js';

/** What an edit needs to know about an object: where it sits and its current plain value. */
export interface EditableObject {
  readonly site: Pick<ObjectSite, 'docIndex' | 'path'>;
  readonly object: unknown;
}

/** One planned change; `to: undefined` removes the field. */
export interface ObjectChange {
  readonly path: NodePath;
  readonly to: unknown;
}

type Container = Record<string | number, unknown>;

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === 'object';
}

function isNonEmptyCollection(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isContainer(v) && Object.keys(v).length > 0;
}

/**
 * The edit of one field: a set when it exists, a delete when `to` is undefined, else an insert
 * at the deepest existing ancestor carrying the missing maps (e.g. `metadata.annotations` + the
 * key). An ancestor present but null (`annotations:` with nothing after it) is set instead.
 */
export function fieldEdit(site: EditableObject['site'], object: unknown, rel: NodePath, exists: boolean, to: unknown): Edit {
  const doc = site.docIndex;
  const at = (p: NodePath): NodePath => [...site.path, ...p];
  if (to === undefined) return { op: 'delete', doc, path: at(rel) };
  if (exists) return { op: 'set', doc, path: at(rel), value: to };
  let existing = 0;
  let node: unknown = object;
  let nullAncestor = false;
  while (existing < rel.length - 1) {
    const next = isContainer(node) ? node[rel[existing] as string | number] : undefined;
    if (next === undefined) break;
    if (next === null) {
      nullAncestor = true;
      break;
    }
    node = next;
    existing++;
  }
  let value: unknown = to;
  for (let i = rel.length - 1; i > existing; i--) value = { [String(rel[i])]: value };
  const path = at(rel.slice(0, existing + 1));
  if (nullAncestor) return { op: 'set', doc, path, value };
  // A pod template's new `metadata` reads best before its `spec`, as every generator writes it.
  return rel[existing] === 'metadata' ? { op: 'insert', doc, path, value, index: 0 } : { op: 'insert', doc, path, value };
}

/** A deep copy of `object` with `changes` applied in order (missing maps are created). */
export function applyChanges(object: unknown, changes: readonly ObjectChange[]): unknown {
  const root: unknown = structuredClone(object);
  for (const c of changes) {
    if (c.path.length === 0) continue;
    let node: unknown = root;
    for (const seg of c.path.slice(0, -1)) {
      if (!isContainer(node)) break;
      if (!isContainer(node[seg])) {
        if (c.to === undefined) {
          node = undefined;
          break;
        }
        node[seg] = {};
      }
      node = node[seg];
    }
    if (!isContainer(node)) continue;
    const last = c.path[c.path.length - 1] as string | number;
    if (c.to === undefined) delete node[last];
    else node[last] = structuredClone(c.to);
  }
  return root;
}

/**
 * The shortest prefix of `path` that is absent (or null) in `object`: a change under a missing
 * parent becomes one insert of that parent with everything planned below it.
 */
function anchor(object: unknown, path: NodePath): NodePath {
  for (let n = 1; n < path.length; n++) {
    const v = valueAt(object, path.slice(0, n));
    if (v === undefined || v === null) return path.slice(0, n);
  }
  return path;
}

/**
 * Whether removing `path` empties its parent and the parent goes too: an `annotations` map, or a
 * pod template's `metadata`, that the API server would not keep (omitempty). The object's own
 * metadata always stays.
 */
function prunable(path: NodePath, after: unknown): boolean {
  const parent = path.slice(0, -1);
  const key = parent[parent.length - 1];
  if (key !== 'annotations' && !(key === 'metadata' && parent.length > 1)) return false;
  const v = valueAt(after, parent);
  return isContainer(v) && !Array.isArray(v) && Object.keys(v).every((k) => k === String(path[path.length - 1]));
}

function isPrefix(prefix: NodePath, path: NodePath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}

/**
 * Edits that turn the object into `object + changes`, touching only what changed. Changes nested
 * in another change's path fold into it (a DeploymentConfig's new `spec.triggers` and the
 * `lastTriggeredImage` a trigger then writes into it); collections that exist on both sides are
 * diffed item by item so untouched entries keep their bytes and comments. Removing the last
 * annotation removes the then empty `annotations` map (and an emptied pod template `metadata`).
 */
export function changeEdits(w: EditableObject, changes: readonly ObjectChange[]): Edit[] {
  const after = applyChanges(w.object, changes);
  const tops: NodePath[] = [];
  const removed = new Set<string>();
  for (const c of changes) {
    let path = c.path;
    if (c.to === undefined) {
      while (prunable(path, after)) path = path.slice(0, -1);
      removed.add(JSON.stringify(path));
    }
    path = anchor(w.object, path);
    if (tops.some((t) => isPrefix(t, path))) continue;
    for (let i = tops.length - 1; i >= 0; i--) if (isPrefix(path, tops[i] as NodePath)) tops.splice(i, 1);
    tops.push(path);
  }
  const edits: Edit[] = [];
  const seen = new Set<string>();
  for (const path of tops) {
    const from = valueAt(w.object, path);
    const to = removed.has(JSON.stringify(path)) ? undefined : valueAt(after, path);
    if (deepEqual(from, to)) continue;
    const planned =
      isNonEmptyCollection(from) && isNonEmptyCollection(to) && Array.isArray(from) === Array.isArray(to)
        ? diffToEdits(w.site.docIndex, [...w.site.path, ...path], from, to)
        : [fieldEdit(w.site, w.object, path, from !== undefined, to)];
    for (const e of planned) {
      const key = JSON.stringify([e.op, e.path]);
      if (seen.has(key)) continue;
      seen.add(key);
      edits.push(e);
    }
  }
  return edits;
}

/** The edits planned for one object, with the file that holds it (or its path, parsed on demand). */
export interface ObjectEdits {
  readonly file: SourceFile | string;
  readonly edits: readonly Edit[];
}

/**
 * Where files given by path are parsed (the inventory's files): `edit` parses only the documents
 * being edited (else `get` parses the file whole); `release` drops a parse once used.
 */
export interface FileSource {
  get(path: string): SourceFile | undefined;
  edit?(path: string, docs: Iterable<number>): EditSource | undefined;
  release?(path: string): void;
}

/** One file's outcome: its change (absent when its bytes end up unchanged) or why its edits do not verify. */
export type FileOutcome = { readonly change: FileChange } | { readonly error: TagstreamError };

/**
 * New bytes per file, one file at a time, in path order: all edits of a file are applied and
 * verified together (a file given by path is parsed from `source` and released right after). A
 * file whose edits do not verify yields a located error instead; files that end up unchanged are
 * left out. A consumer that does not hold on to the outcomes holds one file's parse at a time.
 */
export function* eachFileChange(plans: readonly ObjectEdits[], source?: FileSource): Generator<FileOutcome> {
  const byFile = new Map<string, { file: SourceFile | undefined; edits: Edit[] }>();
  for (const p of plans) {
    if (p.edits.length === 0) continue;
    const path = typeof p.file === 'string' ? p.file : p.file.path;
    const entry = byFile.get(path) ?? { file: undefined, edits: [] };
    if (typeof p.file !== 'string') entry.file ??= p.file;
    entry.edits.push(...p.edits);
    byFile.set(path, entry);
  }
  for (const [path, entry] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    let outcome: FileOutcome | undefined;
    try {
      // inside the try: a file loaded on first use may refuse (it changed on disk during the run)
      const file = entry.file ?? (source?.edit ? source.edit(path, new Set(entry.edits.map((e) => e.doc))) : source?.get(path));
      if (!file) continue;
      const after = applyEdits(file, entry.edits);
      const before = (file.bom ? '\uFEFF' : '') + file.text;
      if (after !== before) outcome = { change: { path, before, after } };
    } catch (e) {
      outcome = { error: e instanceof TagstreamError ? e : new TagstreamError('EditVerify', `${path}: ${errorMessage(e)}`, { location: { file: path } }) };
    } finally {
      if (!entry.file) source?.release?.(path);
    }
    if (outcome) yield outcome;
  }
}

/** New bytes per file (eachFileChange, collected). */
export function fileChanges(plans: readonly ObjectEdits[], source?: FileSource): { files: FileChange[]; errors: TagstreamError[] } {
  const files: FileChange[] = [];
  const errors: TagstreamError[] = [];
  for (const o of eachFileChange(plans, source)) {
    if ('error' in o) errors.push(o.error);
    else files.push(o.change);
  }
  return { files, errors };
}
