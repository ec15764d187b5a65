/**
 * `tagstream set image-lookup [NAME|KIND/NAME ...]` (oc set image-lookup) on the repository:
 * `spec.lookupPolicy.local` on ImageStreams, the `resolve-names` annotation on workloads, or the
 * `NAME LOCAL` listing. Files that need no change are never rewritten; any error leaves every
 * file untouched.
 */
import type { TagstreamError } from '../errors.js';
import type { WorkloadChange } from '../domain/change-set.js';
import type { Inventory } from '../inventory/inventory-model.js';
import { resolveLocalNames } from '../planning/lookup-policy.js';
import { inventoryWarnings } from '../render/diagnostics.js';
import {
  completeImageLookup,
  IMAGE_LOOKUP_TABLE_HEADER,
  imageLookupRow,
  setImageLookup as planImageLookup,
} from '../verbs/set-image-lookup.js';
import { findObjects, type FoundObject, type ObjectSelector } from './find-object.js';
import { applyChanges, type ObjectChange } from './object-change.js';
import {
  finishSet,
  objectError,
  renderSetListing,
  setInventory,
  setNamespace,
  type PlannedObject,
  type SetContext,
  type SetOutput,
  type SetOutputFormat,
  workloadChange,
} from './set-triggers.js';

export interface SetImageLookupOptions {
  /** Stream names, or `KIND/NAME` for workloads; none = every stream. */
  readonly targets: readonly string[];
  /** `--enabled` (default true). */
  readonly enabled?: boolean | undefined;
  readonly all?: boolean | undefined;
  readonly list?: boolean | undefined;
  readonly namespace?: string | undefined;
  readonly output?: SetOutputFormat;
  readonly dryRun?: boolean | undefined;
}

/** `set image-lookup`: list the lookup setting, or turn it on/off for the named objects. */
export async function setImageLookup(ctx: SetContext, opts: SetImageLookupOptions): Promise<SetOutput> {
  const namespace = setNamespace(ctx, opts.namespace);
  const request = completeImageLookup(opts.targets, { enabled: opts.enabled, all: opts.all, list: opts.list });
  const selectors: ObjectSelector[] = [...request.targets];
  if (request.allStreams || opts.all === true) selectors.unshift({ kind: 'ImageStream' });
  const inventory = await setInventory(ctx, new Set(selectors.map((s) => s.kind)));
  const { found, errors, warnings } = findObjects(inventory, namespace, selectors, { listing: request.mode === 'list' });
  const stderr = [...inventoryWarnings(inventory), ...warnings];

  if (request.mode === 'list') {
    const rows = found.map((f) => imageLookupRow(f));
    const stdout =
      found.length === 0 && errors.length > 0 ? '' : renderSetListing(IMAGE_LOOKUP_TABLE_HEADER, rows.map((r) => [r.name, r.local]), rows, opts.output);
    return { stdout, stderr, errors, files: [], workloads: [], written: false };
  }

  const planned: PlannedObject[] = [];
  const failed: TagstreamError[] = errors;
  const workloads: WorkloadChange[] = [];
  for (const f of found) {
    let result: ReturnType<typeof planImageLookup>;
    try {
      result = planImageLookup(f, request.enabled);
    } catch (e) {
      failed.push(objectError(e, f));
      continue;
    }
    const changes: ObjectChange[] = result.changes.map((c) => ({ path: c.path, to: c.to }));
    if (f.kind !== 'ImageStream' && request.enabled && changes.length > 0) {
      changes.push(...resolveAtOnce(ctx, f, applyChanges(f.object, changes) as Readonly<Record<string, unknown>>, inventory, stderr, workloads));
    }
    planned.push({ found: f, changes, after: applyChanges(f.object, changes), message: result.message });
  }
  return finishSet(ctx, planned, { output: opts.output, dryRun: opts.dryRun === true, stderr, errors: failed, workloads });
}

/**
 * The update that adds resolve-names goes through OpenShift's ImagePolicy admission, which then
 * resolves every image of the object at once. Tagstream does the same (and, as in reconcile,
 * records a trigger per pinned container so the pin keeps following its tag).
 */
function resolveAtOnce(
  ctx: SetContext,
  f: FoundObject,
  after: Readonly<Record<string, unknown>>,
  inventory: Inventory,
  stderr: string[],
  workloads: WorkloadChange[],
): ObjectChange[] {
  const localRegistry = ctx.settings.localRegistry;
  const localRepository = (ns: string, name: string) => (localRegistry ? `${localRegistry}/${ns}/${name}` : undefined);
  const workload = { kind: f.kind, name: f.name, namespace: f.namespace, object: after, site: f.site };
  const plan = resolveLocalNames(workload, inventory.streams, { localRepository, annotationLocation: f.site.location });
  for (const e of plan.errors) stderr.push(`warning: ${e.message}`);
  for (const n of plan.notes) stderr.push(`info: ${n}`);
  if (plan.errors.length > 0) return [];
  for (const c of plan.changes) workloads.push(workloadChange(f, c));
  const changes: ObjectChange[] = plan.changes.map((c) => ({ path: c.path, to: c.to }));
  if (plan.annotation) changes.push({ path: plan.annotation.path, to: plan.annotation.to });
  return changes;
}
