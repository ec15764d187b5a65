/**
 * Plan every update target of a repository against the new state of the streams: marked YAML
 * scalars, marked Dockerfile FROM lines and `.tagstream.yaml` JSONPath rules. Pure: parsed files,
 * streams and rules in; byte-exact edits (YAML/JSON, applied by the caller with the workload edits
 * of the same file), new Dockerfile texts, one TargetChange per changed field and located
 * diagnostics out. A field two targets want with different values is an error for that field.
 */
import picomatch from 'picomatch';
import type { ManifestError} from '../errors.js';
import { formatLocation, type SourceLocation } from '../errors.js';
import type { Diagnostic, FileChange, TargetChange, TargetKind } from '../domain/change-set.js';
import { findSpecTag, findStatusTag, streamKey, type ImageStream } from '../domain/image-stream.js';
import type { NodePath } from '../inventory/inventory-model.js';
import type { TargetSources } from '../inventory/target-files.js';
import { locate, type SourceFile } from '../edit/source-file.js';
import type { Edit } from '../edit/yaml-edit.js';
import { rewriteDockerfile, scanDockerfile } from './dockerfile.js';
import { evaluateJsonPath } from './jsonpath-eval.js';
import type { TargetField } from './target-ref.js';
import type { TargetRule } from './target-rule.js';
import { targetValue } from './target-value.js';
import { scanYamlMarkers } from './yaml-markers.js';


export interface TargetPlanInput extends TargetSources {
  readonly rules: readonly TargetRule[];
  /** The new state of every stream by `namespace/name`. */
  readonly streams: ReadonlyMap<string, ImageStream>;
  readonly defaultNamespace: string;
  readonly localRegistry?: string | undefined;
  /** `namespace/stream:tag` keys whose targets must not move (e.g. a failed Local copy). */
  readonly blocked?: ReadonlySet<string> | undefined;
}

export interface TargetFileEdits {
  readonly file: SourceFile;
  readonly edits: readonly Edit[];
}

export interface TargetPlan {
  readonly edits: readonly TargetFileEdits[];
  /** New texts of Dockerfiles (unchanged ones are left out). */
  readonly files: readonly FileChange[];
  readonly changes: readonly TargetChange[];
  readonly diagnostics: readonly Diagnostic[];
}

interface Wanted {
  readonly kind: TargetKind;
  readonly file: SourceFile;
  readonly docIndex: number;
  readonly path: NodePath;
  readonly current: unknown;
  readonly field: TargetField;
  readonly trigger: string;
  readonly to: string;
  readonly where: SourceLocation;
}

function dotted(path: NodePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function located(severity: Diagnostic['severity'], message: string, where: SourceLocation): Diagnostic {
  return { severity, message, file: where.file, line: where.line, col: where.col };
}

/** Plan all targets. Never throws for bad content: problems become diagnostics. */
export function planTargets(input: TargetPlanInput): TargetPlan {
  const diagnostics: Diagnostic[] = [];
  const blocked = input.blocked ?? new Set<string>();

  /** Value for a source, or undefined (with a diagnostic when it is a problem). */
  const resolve = (namespace: string, stream: string, tag: string, field: TargetField, where: SourceLocation): { value: string; trigger: string } | undefined => {
    const key = streamKey(namespace, stream);
    const s = input.streams.get(key);
    const trigger = `${key}:${tag}`;
    if (!s) {
      diagnostics.push(located('error', `imagestream ${key} not found (target wants ${trigger})`, where));
      return undefined;
    }
    if (!findSpecTag(s, tag) && !findStatusTag(s, tag)) {
      diagnostics.push(located('error', `imagestream ${key} has no tag "${tag}"`, where));
      return undefined;
    }
    if (blocked.has(trigger)) return undefined;
    const v = targetValue(s, tag, field, { localRegistry: input.localRegistry, stream: (name) => input.streams.get(streamKey(namespace, name)) });
    if (v.kind === 'error') {
      diagnostics.push(located('error', v.message, where));
      return undefined;
    }
    return v.kind === 'value' ? { value: v.value, trigger } : undefined;
  };

  const wanted: Wanted[] = [];
  // 1. Markers in YAML files.
  for (const file of input.files) {
    if (file.format !== 'yaml') continue;
    const scan = scanYamlMarkers(file);
    for (const p of scan.problems) diagnostics.push(located('error', p.reason, p.location ?? { file: file.path }));
    for (const m of scan.markers) {
      const ns = m.ref.namespace ?? m.namespace ?? input.defaultNamespace;
      const r = resolve(ns, m.ref.stream, m.ref.tag, m.ref.field, m.markerLocation);
      if (r) wanted.push({ kind: 'marker', file, docIndex: m.docIndex, path: m.path, current: m.value, field: m.ref.field, trigger: r.trigger, to: r.value, where: m.location });
    }
  }

  // 2. JSONPath rules over YAML and JSON files.
  for (const rule of input.rules) {
    const matches = picomatch(rule.files, { dot: true });
    const files = input.files.filter((f) => matches(f.path));
    for (const set of rule.set) {
      let hits = 0;
      for (const file of files) {
        for (const sd of file.documents) {
          if (sd.errors.length > 0 || sd.value === undefined) continue;
          let found;
          try {
            found = evaluateJsonPath(set.path, sd.value);
          } catch (e) {
            diagnostics.push(located('error', `target rule path ${set.path}: ${(e as Error).message}`, set.location));
            continue;
          }
          for (const match of found) {
            hits++;
            const node = sd.doc.getIn(match.path, true) as { range?: [number, number, number] } | undefined;
            const where = node?.range ? locate(file, node.range[0]) : { file: file.path };
            if (match.value !== null && typeof match.value === 'object') {
              diagnostics.push(located('error', `target rule path ${set.path} (${formatLocation(set.location)}) selects ${dotted(match.path)}, which is not a scalar`, where));
              continue;
            }
            const ns = rule.from.namespace ?? namespaceOf(sd.value) ?? input.defaultNamespace;
            const r = resolve(ns, rule.from.stream, rule.from.tag, set.field, set.location);
            if (r) wanted.push({ kind: 'rule', file, docIndex: sd.index, path: match.path, current: match.value, field: set.field, trigger: r.trigger, to: r.value, where });
          }
        }
      }
      if (hits === 0) diagnostics.push(located('warning', `target rule path ${set.path} matched nothing in files "${rule.files}"`, set.location));
    }
  }

  // 3. One value per field: disagreeing targets are an error for that field.
  const byField = new Map<string, Wanted[]>();
  for (const w of wanted) {
    const key = JSON.stringify([w.file.path, w.docIndex, w.path]);
    byField.set(key, [...(byField.get(key) ?? []), w]);
  }
  const editsByFile = new Map<string, { file: SourceFile; edits: Edit[] }>();
  const changes: TargetChange[] = [];
  for (const group of byField.values()) {
    const first = group[0]!;
    const values = new Set(group.map((g) => g.to));
    if (values.size > 1) {
      const who = group.map((g) => `${g.kind} ${g.trigger}:${g.field} -> ${g.to}`).join('; ');
      diagnostics.push(located('error', `${dotted(first.path)} is targeted with different values (${who}); it is left alone`, first.where));
      continue;
    }
    if (first.current === first.to) continue;
    const entry = editsByFile.get(first.file.path) ?? { file: first.file, edits: [] };
    entry.edits.push({ op: 'set', doc: first.docIndex, path: first.path, value: first.to });
    editsByFile.set(first.file.path, entry);
    changes.push({
      file: first.file.path,
      line: first.where.line ?? 1,
      col: first.where.col,
      kind: group.some((g) => g.kind === 'marker') ? 'marker' : 'rule',
      field: dotted(first.path),
      value: first.field,
      from: first.current === null || first.current === undefined ? '' : String(first.current),
      to: first.to,
      trigger: first.trigger,
    });
  }

  // 4. Dockerfiles.
  const files: FileChange[] = [];
  for (const d of input.dockerfiles) {
    const scan = scanDockerfile(d.path, d.text);
    for (const p of scan.problems) diagnostics.push(located('error', p.reason, p.location ?? { file: d.path }));
    const rewrites: { start: number; end: number; to: string; line: number }[] = [];
    const planned: TargetChange[] = [];
    for (const f of scan.froms) {
      const ns = f.ref.namespace ?? input.defaultNamespace;
      const field: TargetField = f.ref.field;
      const r = resolve(ns, f.ref.stream, f.ref.tag, 'reference', f.markerLocation);
      if (!r) continue;
      let to = r.value;
      if (field === 'tag-digest') {
        const td = resolve(ns, f.ref.stream, f.ref.tag, 'tag-digest', f.markerLocation);
        if (!td) continue;
        const name = resolve(ns, f.ref.stream, f.ref.tag, 'name', f.markerLocation);
        if (!name) continue;
        to = `${name.value}:${td.value}`;
      }
      if (to === f.image) continue;
      rewrites.push({ start: f.start, end: f.end, to, line: f.line });
      planned.push({ file: d.path, line: f.line, col: f.col, kind: 'dockerfile', field: 'FROM', value: field, from: f.image, to, trigger: r.trigger });
    }
    if (rewrites.length === 0) continue;
    try {
      const after = rewriteDockerfile(d.path, d.text, rewrites);
      const bom = d.bom ? '\uFEFF' : '';
      files.push({ path: d.path, before: bom + d.text, after: bom + after });
      changes.push(...planned);
    } catch (e) {
      const err = e as ManifestError;
      diagnostics.push(located('error', err.reason ?? String(e), err.location ?? { file: d.path }));
    }
  }

  const edits = [...editsByFile.values()].sort((a, b) => a.file.path.localeCompare(b.file.path));
  changes.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { edits, files, changes, diagnostics };
}

function namespaceOf(value: unknown): string | undefined {
  const m = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['metadata'] : undefined;
  const ns = m !== null && typeof m === 'object' ? (m as Record<string, unknown>)['namespace'] : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}
