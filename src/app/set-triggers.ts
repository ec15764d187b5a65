/**
 * `tagstream set triggers KIND/NAME ...` (oc set triggers) on the repository: list an object's
 * triggers, or change them and write the annotation / `spec.paused` / DeploymentConfig
 * `spec.triggers` byte-exactly. Like OpenShift, a changed trigger fires at once: the object's
 * triggers are evaluated against the streams in the repository, so `--from-image ubi:8 -c app`
 * also pins the container to the tag's current image. All objects are planned first; any error
 * leaves every file untouched.
 */
import type { AppContext } from './app-context.js';
import { TRIGGER_ANNOTATION } from '../domain/trigger.js';
import { streamKey, type ImageStream } from '../domain/image-stream.js';
import { TagstreamError, type SourceLocation } from '../errors.js';
import type { FileChange, WorkloadChange } from '../domain/change-set.js';
import { buildInventory } from '../inventory/inventory.js';
import type { Inventory } from '../inventory/inventory-model.js';
import { applyTriggers, type FieldChange, type TriggerPlan } from '../planning/apply-triggers.js';
import { applyDeploymentConfigTriggers } from '../planning/dc-triggers.js';
import {
  completeSetTriggers,
  listTriggers,
  resourceName,
  setTriggers as planSetTriggers,
  TRIGGER_TABLE_HEADER,
  type SetTriggersFlags,
  type TriggerRow,
} from '../verbs/set-triggers.js';
import { inventoryProblems, type InventoryProblems } from './get.js';
import { findObjects, mayBeSelected, parseObjectArgs, resolveSelectors, type FoundObject } from './find-object.js';
import { apiGroup } from '../verbs/resource-type.js';
import { planWrites, type ObjectEdit } from './materialize.js';
import { applyChanges, type ObjectChange } from './object-change.js';
import { writeUncommitted } from './uncommitted-writes.js';
import type { ChangedObject } from './stream-verb.js';

/** What the `set` verbs need of the AppContext (a spec update's time comes from the clock; with `git`, the verb records its writes for a later `reconcile --commit`). */
export type SetContext = Pick<AppContext, 'workspace' | 'settings'> & Partial<Pick<AppContext, 'log' | 'clock' | 'git'>>;

export interface SetTriggersOptions {
  /** `KIND/NAME...`, `KIND NAME...`, or `KIND` with `all`. */
  readonly objects: readonly string[];
  readonly all?: boolean | undefined;
  /** `-n`; else the repository's defaultNamespace, else `default`. */
  readonly namespace?: string | undefined;
  readonly flags: SetTriggersFlags;
  /** Plan and report, write nothing. */
  readonly dryRun?: boolean | undefined;
}

/** A `set` listing: oc's table (header and rows), and the rows as records (`-o json|yaml`). */
export interface SetListing {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly records: readonly object[];
}

/** An object a set verb changes: a changed object as every writing verb reports it, plus what oc prints of it. */
export interface SetChange extends ChangedObject {
  /** The object's API group (`-o name` spells it). */
  readonly group: string;
  /** oc's message: `deployment.apps/web triggers updated`. */
  readonly message: string;
  /** The object as it reads after the change. */
  readonly after: unknown;
}

/** What a set verb did: the listing or the changed objects, the file changes and pinned images. */
export interface SetResult {
  /** What the repository could not use. */
  readonly problems: InventoryProblems;
  /** `warning: ...` / `info: ...` notices and the messages of objects left as they were, in the order they arose. */
  readonly notices: readonly string[];
  /** Errors make the verb exit non-zero (and write nothing). */
  readonly errors: readonly TagstreamError[];
  /** A listing request's rows; undefined when nothing could be listed. */
  readonly listing?: SetListing | undefined;
  /** The objects changed (or, with `dryRun`, that would be), in request order. */
  readonly changed: readonly SetChange[];
  readonly dryRun: boolean;
  /** Files whose bytes change (written unless dry run or errors). */
  readonly files: readonly FileChange[];
  /** Container images (and DC lastTriggeredImage) the triggers set in the same run. */
  readonly workloads: readonly WorkloadChange[];
  /** True when `files` were written to the workspace. */
  readonly written: boolean;
}

/** The namespace a set verb works in. */
export function setNamespace(ctx: SetContext, namespace: string | undefined): string {
  return namespace || ctx.settings.defaultNamespace || 'default';
}

/** Index the repository, also holding every object of `kinds` (plain ones have no trigger yet). */
export function setInventory(ctx: SetContext, kinds: ReadonlySet<string>): Promise<Inventory> {
  return buildInventory(ctx.workspace, ctx.settings, { includeObject: (ref) => kinds.has(ref.kind) });
}

/**
 * A planning error about one object, named and located at it (oc names the object too). The code
 * is kept: a UsageError (unknown container, unsupported kind) still exits 2.
 */
export function objectError(e: unknown, found: FoundObject): TagstreamError {
  const name = resourceName(found.kind, found.name);
  const message = e instanceof Error ? e.message : String(e);
  const named = message.includes(name) ? message : `${name}: ${message}`;
  // a broken trigger annotation is located at its value, everything else at the object
  const inAnnotation = message.includes(`invalid ${TRIGGER_ANNOTATION} annotation`) && found.triggersAnnotationLocation;
  const location = inAnnotation ? found.triggersAnnotationLocation : found.site.location;
  return new TagstreamError(e instanceof TagstreamError ? e.code : 'Internal', named, { ...(location ? { location } : {}), cause: e });
}

/** One object's planned change. */
export interface PlannedObject {
  readonly found: FoundObject;
  readonly changes: readonly ObjectChange[];
  /** The object as it will read after the change. */
  readonly after: unknown;
  readonly message: string;
  /** An ImageStream's new state (effective namespace): written as a stream, not as object changes. */
  readonly stream?: ImageStream | undefined;
}

/** A listing request's result: the rows, unless nothing was found and errors say why. */
export function listingResult(inventory: Inventory, found: readonly unknown[], listing: SetListing, notices: string[], errors: TagstreamError[]): SetResult {
  const rows = found.length === 0 && errors.length > 0 ? undefined : listing;
  return { problems: inventoryProblems(inventory), notices, errors, listing: rows, changed: [], dryRun: false, files: [], workloads: [], written: false };
}

/**
 * Turn planned objects into the changed objects and (unless dry run or any error) written files.
 * Shared by both set verbs so they report, refuse and write the same way.
 */
export async function finishSet(
  ctx: SetContext,
  inventory: Inventory,
  planned: readonly PlannedObject[],
  opts: { dryRun: boolean; notices: string[]; errors: TagstreamError[]; workloads: WorkloadChange[] },
): Promise<SetResult> {
  const { notices, errors, dryRun } = opts;
  const problems = inventoryProblems(inventory);
  const edits = new Map<ObjectEdit, PlannedObject>();
  const streams = new Map<string, ImageStream>();
  for (const p of planned) {
    if (p.stream) streams.set(streamKey(p.found.namespace, p.found.name), p.stream);
    else if (p.changes.length > 0) edits.set({ site: p.found.site, object: p.found.object, changes: p.changes }, p);
  }
  // the triggers the verb fired are in the planned changes: materialize applies no others
  const written = await planWrites({ inventory, streams, settings: ctx.settings, workloads: [], objects: [...edits.keys()] });
  for (const { error, object } of written.errors) {
    const p = object && edits.get(object);
    errors.push(p ? objectError(error, p.found) : (error as TagstreamError));
  }
  if (errors.length > 0) {
    if (planned.some((p) => p.changes.length > 0)) notices.push('info: no file was changed');
    return { problems, notices, errors, changed: [], dryRun, files: [], workloads: [], written: false };
  }
  const changed: SetChange[] = [];
  for (const p of planned) {
    if (p.changes.length === 0) notices.push(p.message);
    else changed.push({ kind: p.found.kind, namespace: p.found.namespace, name: p.found.name, file: p.found.site.file, change: 'updated', group: apiGroup(p.found.object), message: p.message, after: p.after });
  }
  if (!dryRun) {
    await writeUncommitted(ctx.workspace, ctx.git, written.files);
  }
  return { problems, notices, errors, changed, dryRun, files: written.files, workloads: opts.workloads, written: !dryRun && written.files.length > 0 };
}

function dotted(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A pinned field as the ChangeSet reports it. */
export function workloadChange(f: FoundObject, c: FieldChange): WorkloadChange {
  return {
    file: f.site.file,
    line: f.site.location.line,
    kind: f.kind,
    namespace: f.namespace,
    name: f.name,
    container: c.container,
    field: dotted(c.path),
    from: c.from ?? '',
    to: c.to,
    trigger: c.trigger,
  };
}

/** Fire the object's triggers once, as OpenShift's controllers do when the trigger list changes. */
function fireTriggers(ctx: SetContext, found: FoundObject, after: Readonly<Record<string, unknown>>, inventory: Inventory): TriggerPlan {
  const localRegistry = ctx.settings.localRegistry;
  const localRepository = (ns: string, name: string) => (localRegistry ? `${localRegistry}/${ns}/${name}` : undefined);
  const workload = { kind: found.kind, name: found.name, namespace: found.namespace, object: after, site: found.site };
  const location: SourceLocation = found.site.location;
  return found.kind === 'DeploymentConfig'
    ? applyDeploymentConfigTriggers(workload, inventory.streams, { localRepository, location })
    : applyTriggers(workload, inventory.streams, { localRepository, annotationLocation: location });
}

/** `set triggers`: list (no change flag) or change the triggers of the named objects. */
export async function setTriggers(ctx: SetContext, opts: SetTriggersOptions): Promise<SetResult> {
  const namespace = setNamespace(ctx, opts.namespace);
  const request = completeSetTriggers(opts.flags, namespace);
  const typed = parseObjectArgs(opts.objects, opts.all === true);
  const inventory = await buildInventory(ctx.workspace, ctx.settings, { includeObject: mayBeSelected(typed) });
  const selectors = resolveSelectors(inventory, typed);
  const { found, errors, warnings } = findObjects(inventory, namespace, selectors, { listing: request.printTable });
  const notices = [...warnings];

  if (request.printTable) {
    const rows: TriggerRow[] = found.flatMap((f) => listTriggers(f));
    return listingResult(inventory, found, { header: TRIGGER_TABLE_HEADER, rows: rows.map((r) => [r.name, r.type, r.value, String(r.auto)]), records: rows }, notices, errors);
  }

  const planned: PlannedObject[] = [];
  const workloads: WorkloadChange[] = [];
  for (const f of found) {
    let result: ReturnType<typeof planSetTriggers>;
    try {
      result = planSetTriggers(f, request);
    } catch (e) {
      errors.push(objectError(e, f));
      continue;
    }
    notices.push(...result.warnings);
    const changes: ObjectChange[] = result.changes.map((c) => ({ path: c.path, to: c.to }));
    let after = applyChanges(f.object, changes) as Readonly<Record<string, unknown>>;
    if (changes.length > 0) {
      const fired = fireTriggers(ctx, f, after, inventory);
      // The annotation is valid (oc's own serialization), so a failure here is the object's, as in OpenShift: reported, not fatal.
      for (const e of fired.errors) notices.push(`warning: ${e.message}`);
      for (const s of fired.skipped.filter((x) => x.reason === 'unresolved')) {
        notices.push(`info: ${resourceName(f.kind, f.name)}: ${s.detail}; the image is set when the tag is imported`);
      }
      for (const c of fired.changes) {
        changes.push({ path: c.path, to: c.to });
        workloads.push(workloadChange(f, c));
        ctx.log?.info(`${resourceName(f.kind, f.name)}: ${c.container} image ${c.from ?? '(none)'} -> ${c.to} (${c.trigger})`);
      }
      after = applyChanges(f.object, changes) as Readonly<Record<string, unknown>>;
    }
    planned.push({ found: f, changes, after, message: result.message });
  }
  return finishSet(ctx, inventory, planned, { dryRun: opts.dryRun === true, notices, errors, workloads });
}
