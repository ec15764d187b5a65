/**
 * The one materialize step every writer ends in (reconcile, the stream verbs, the set verbs): from
 * new states of the ImageStreams and planned changes of other objects to new file bytes. It
 * applies image change triggers, DeploymentConfig triggers and local lookup to the workloads,
 * diffs every changed stream against what its file holds, renders streams that have no file yet,
 * turns object changes into edits, and runs every file's edits through the byte-exact engine (one
 * parse, one verify per file).
 */
import { errorMessage, TagstreamError } from '../errors.js';
import type { Diagnostic, FileChange, TargetChange, WorkloadChange } from '../domain/change-set.js';
import type { ImageStream } from '../domain/image-stream.js';
import type { RepoSettings } from '../config/repo-settings.js';
import type { Inventory, ObjectSite, WorkloadEntry } from '../inventory/inventory-model.js';
import type { SourceFile } from '../edit/source-file.js';
import { renderNewManifest } from '../edit/render-new.js';
import { storedStream } from '../inventory/stream-namespace.js';
import { diffToEdits, type Edit } from '../edit/yaml-edit.js';
import { applyDeploymentConfigTriggers } from '../planning/dc-triggers.js';
import { applyTriggers, type FieldChange, type StreamIndex } from '../planning/apply-triggers.js';
import { resolveLocalNames } from '../planning/lookup-policy.js';
import type { TargetSources } from '../inventory/target-files.js';
import { planTargets } from '../targets/plan-targets.js';
import { changeEdits, eachFileChange, fieldEdit, type ObjectChange } from './object-change.js';
import { podSpecPath } from '../domain/pod-spec.js';
import { TRIGGER_ANNOTATION } from '../domain/trigger.js';

export const STREAM_MERGE_KEYS = { 'spec.tags': 'name', 'status.tags': 'tag' } as const;

export interface WritePlanInput {
  readonly inventory: Inventory;
  /**
   * The new state of every stream by `namespace/name` (existing ones and new ones), with the
   * effective namespace in metadata as the inventory hands streams out (effectiveStream); each is
   * stored back the way its file holds it (storedStream).
   */
  readonly streams: ReadonlyMap<string, ImageStream>;
  readonly settings: Pick<RepoSettings, 'localRegistry' | 'imageStreamPath'> & Partial<Pick<RepoSettings, 'targets' | 'defaultNamespace'>>;
  /** `namespace/stream:tag` keys whose workloads must not move (e.g. a failed Local copy). */
  readonly blocked?: ReadonlySet<string> | undefined;
  /** Only these workloads get triggers applied (default: all of the inventory). */
  readonly workloads?: readonly WorkloadEntry[] | undefined;
  /** Files that hold update targets (markers, Dockerfiles, rule matches); none when undefined. */
  readonly targets?: TargetSources | undefined;
  /** Planned changes of single objects (the set verbs' trigger and lookup edits). */
  readonly objects?: readonly ObjectEdit[] | undefined;
  /** Only these streams (`namespace/name`) are compared with their files (a scoped reconcile pass). */
  readonly scope?: ReadonlySet<string> | undefined;
}

/** Planned changes of one object of the inventory (paths relative to the object). */
export interface ObjectEdit {
  readonly site: ObjectSite;
  /** The object as its file holds it now (plain value). */
  readonly object: unknown;
  readonly changes: readonly ObjectChange[];
}

/** Why part of a plan cannot be written: an object's changes, or a file's edits that do not verify. */
export interface WriteError {
  readonly error: unknown;
  /** The object whose changes could not be turned into edits; undefined for a file's verify error. */
  readonly object?: ObjectEdit | undefined;
}

export interface WritePlan {
  readonly files: FileChange[];
  readonly workloads: WorkloadChange[];
  readonly targets: TargetChange[];
  readonly diagnostics: Diagnostic[];
  /** The errors behind the diagnostics about objects and files that are left unwritten. */
  readonly errors: WriteError[];
}

/** Plain JSON shape of a domain object (drops undefined members, as YAML would not hold them). */
export function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A located diagnostic from anything thrown. */
export function diagnosticOf(e: unknown, object?: string): Diagnostic {
  if (e instanceof TagstreamError) {
    return { severity: 'error', message: e.reason, file: e.location?.file, line: e.location?.line, col: e.location?.col, object };
  }
  return { severity: 'error', message: errorMessage(e), object };
}

function dotted(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Where a new stream's file goes (`.tagstream.yaml` imageStreamPath). */
export function newStreamPath(settings: Pick<RepoSettings, 'imageStreamPath'>, namespace: string, name: string): string {
  return settings.imageStreamPath.replaceAll('{namespace}', namespace).replaceAll('{name}', name);
}

/** Files whose new bytes planWrites computes between two turns of the event loop. */
const FILES_PER_TURN = 16;

/** Plan the file changes that bring the repository to `input.streams`. */
export async function planWrites(input: WritePlanInput): Promise<WritePlan> {
  const { inventory, streams, settings } = input;
  const blocked = input.blocked ?? new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const localRepository = (ns: string, name: string) => (settings.localRegistry ? `${settings.localRegistry}/${ns}/${name}` : undefined);
  const index: StreamIndex = new Map([...streams].map(([k, s]) => [k, { stream: s }]));

  // inventory.files parses a file on get(): files are parsed one at a time when their edits are
  // applied, and released once the new text is verified, so memory does not grow with the number
  // of files changed (`file` is set only for target files that are not in the inventory).
  const book = new Map<string, { file: SourceFile | undefined; edits: Edit[] }>();
  const addEdits = (path: string, edits: readonly Edit[]) => {
    if (edits.length === 0 || !inventory.files.has(path)) return;
    const entry = book.get(path) ?? { file: undefined, edits: [] };
    entry.edits.push(...edits);
    book.set(path, entry);
  };

  const errors: WriteError[] = [];
  for (const o of input.objects ?? []) {
    if (o.changes.length === 0) continue;
    try {
      addEdits(o.site.file, changeEdits(o, o.changes));
    } catch (e) {
      errors.push({ error: e, object: o });
      diagnostics.push(diagnosticOf(e));
    }
  }

  const workloadChanges: WorkloadChange[] = [];
  for (const w of input.workloads ?? inventory.workloads) {
    if (!inventory.files.has(w.site.file)) continue;
    const planned = planWorkload(w, index, localRepository, blocked, diagnostics);
    addEdits(w.site.file, planned.edits);
    workloadChanges.push(...planned.changes);
  }

  const files: FileChange[] = [];
  const targetChanges: TargetChange[] = [];
  if (input.targets) {
    const planned = planTargets({
      ...input.targets,
      rules: settings.targets ?? [],
      streams,
      defaultNamespace: settings.defaultNamespace || 'default',
      localRegistry: settings.localRegistry,
      blocked,
    });
    diagnostics.push(...planned.diagnostics);
    files.push(...planned.files);
    // A target on a field a trigger also writes must agree with it; otherwise the field is left to the trigger.
    const workloadSets = new Map<string, unknown>();
    for (const [path, { edits }] of book) for (const e of edits) if (e.op === 'set') workloadSets.set(JSON.stringify([path, e.doc, e.path]), e.value);
    const refused = new Set<string>();
    for (const t of planned.edits) {
      const kept: Edit[] = [];
      for (const e of t.edits) {
        const key = JSON.stringify([t.file.path, e.doc, e.path]);
        if (e.op === 'set' && workloadSets.has(key)) {
          if (workloadSets.get(key) !== e.value) {
            diagnostics.push({ severity: 'error', message: `${dotted(e.path)} is targeted with different values (a trigger writes ${String(workloadSets.get(key))}, a target ${String(e.value)}); the target is left out`, file: t.file.path });
            refused.add(`${t.file.path}\0${dotted(e.path)}`);
          }
          continue;
        }
        kept.push(e);
      }
      if (kept.length === 0) continue;
      const entry = book.get(t.file.path) ?? { file: inventory.files.has(t.file.path) ? undefined : t.file, edits: [] };
      entry.edits.push(...kept);
      book.set(t.file.path, entry);
    }
    targetChanges.push(...planned.changes.filter((c) => c.kind === 'dockerfile' || !refused.has(`${c.file}\0${c.field}`)));
  }
  for (const [key, after] of streams) {
    if (input.scope && !input.scope.has(key)) continue;
    const entry = inventory.streams.get(key);
    if (!entry) {
      const path = newStreamPath(settings, after.metadata.namespace ?? 'default', after.metadata.name);
      files.push({ path, before: null, after: renderNewManifest(plain(after)) });
      continue;
    }
    const stored = storedStream(entry, after);
    if (stored === entry.stream) continue;
    if (!inventory.files.has(entry.site.file)) continue;
    addEdits(entry.site.file, diffToEdits(entry.site.docIndex, entry.site.path, plain(entry.stream), plain(stored), { mergeKeys: STREAM_MERGE_KEYS }));
  }

  // A file whose edits cannot be verified is reported and left alone; the others proceed.
  // One at a time: a file of the inventory is parsed for its edits and released once verified.
  // Every few files the event loop gets a turn: V8 finishes its incremental collections in tasks
  // that a long synchronous loop starves, and the heap then grows with the parse garbage of every
  // file written (first reconcile at 4x: peak RSS of this phase 821 -> 728 MiB).
  let n = 0;
  const plans = [...book].map(([path, entry]) => ({ file: entry.file ?? path, edits: entry.edits }));
  book.clear();
  for (const o of eachFileChange(plans, inventory.files)) {
    if ('error' in o) {
      errors.push({ error: o.error });
      diagnostics.push(diagnosticOf(o.error));
    } else files.push(o.change);
    if (++n % FILES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const changed = new Set(files.map((f) => f.path));
  return {
    files,
    workloads: workloadChanges.filter((w) => changed.has(w.file)),
    targets: targetChanges.filter((t) => changed.has(t.file)),
    diagnostics,
    errors,
  };
}

function planWorkload(
  w: WorkloadEntry,
  index: StreamIndex,
  localRepository: (ns: string, name: string) => string | undefined,
  blocked: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): { edits: Edit[]; changes: WorkloadChange[] } {
  const objectName = `${w.kind}/${w.namespace}/${w.name}`;
  const reasons = new Set(w.reasons ?? []);
  const changes: FieldChange[] = [];
  const edits: Edit[] = [];
  const opts = { localRepository, location: w.site.location };
  const take = (plan: { changes: readonly FieldChange[]; errors: readonly TagstreamError[] }) => {
    for (const e of plan.errors) diagnostics.push(diagnosticOf(e, objectName));
    // one error blocks every trigger of that object (as OpenShift); other objects proceed
    if (plan.errors.length === 0) changes.push(...plan.changes);
  };
  if (w.kind === 'DeploymentConfig' && (w.hasImageChangeTriggers || reasons.has('image-change-trigger'))) {
    take(applyDeploymentConfigTriggers(w, index, opts));
  } else if (w.triggersAnnotation !== undefined || reasons.has('triggers-annotation')) {
    const plan = applyTriggers(w, index, { ...opts, annotationLocation: w.triggersAnnotationLocation });
    take(plan);
    // OpenShift skips such triggers silently; in Git a trigger that can never fire is worth a warning.
    const where = { file: w.site.file, line: w.site.location.line, col: w.site.location.col, object: objectName };
    if (!podSpecPath(w.kind, w.object) && w.kind !== 'DeploymentConfig') {
      diagnostics.push({ severity: 'warning', message: `${TRIGGER_ANNOTATION} is not applied: ${w.kind} ${w.namespace}/${w.name} has no pod template (looked for spec.template.spec.containers)`, ...where });
    }
    for (const s of plan.skipped) {
      if (s.reason === 'outside-pod-spec') diagnostics.push({ severity: 'warning', message: `trigger fieldPath ${s.fieldPath} of ${w.kind} ${w.namespace}/${w.name} does not resolve: ${s.detail}`, ...where });
    }
  }
  if (reasons.has('lookup-candidate') || w.resolveNames) {
    const lookup = resolveLocalNames(w, index, { ...opts, annotationLocation: w.triggersAnnotationLocation });
    // a broken trigger annotation is reported once, by the trigger evaluation above
    const told = new Set(diagnostics.filter((d) => d.object === objectName).map((d) => d.message));
    for (const e of lookup.errors) {
      const d = diagnosticOf(e, objectName);
      if (!told.has(d.message)) diagnostics.push(d);
    }
    const taken = new Set(changes.map((c) => JSON.stringify(c.path)));
    const fresh = lookup.changes.filter((c) => !taken.has(JSON.stringify(c.path)) && !blocked.has(c.trigger));
    if (fresh.length > 0) {
      changes.push(...fresh);
      const a = lookup.annotation;
      if (a) edits.push(fieldEdit(w.site, w.object, a.path, a.from !== undefined, a.to));
    }
  }
  const out: WorkloadChange[] = [];
  for (const c of changes) {
    if (blocked.has(c.trigger)) continue;
    edits.push(fieldEdit(w.site, w.object, c.path, c.from !== undefined, c.to));
    out.push({
      file: w.site.file,
      line: w.site.location.line,
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      container: c.container,
      field: dotted(c.path),
      from: c.from ?? '',
      to: c.to,
      trigger: c.trigger,
    });
  }
  return { edits, changes: out };
}
