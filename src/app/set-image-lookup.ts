/**
 * `tagstream set image-lookup [NAME|KIND/NAME ...]` (oc set image-lookup) on the repository:
 * `spec.lookupPolicy.local` on ImageStreams, the `resolve-names` annotation on workloads, or the
 * `NAME LOCAL` listing. Files that need no change are never rewritten; any error leaves every
 * file untouched. A stream's change is a spec update: its new state goes through materialize's
 * `streams:` like every stream writer's; workload changes are object changes.
 */
import type { TagstreamError } from '../errors.js';
import type { WorkloadChange } from '../domain/change-set.js';
import { streamKey, type ImageStream } from '../domain/image-stream.js';
import { settleSpecEdits } from '../domain/spec-edits.js';
import { OBSERVED_SPEC_ANNOTATION } from '../domain/spec-fingerprint.js';
import { deepEqual } from '../domain/plain-value.js';
import { rfc3339 } from '../ports/clock.js';
import type { Inventory } from '../inventory/inventory-model.js';
import { effectiveStream, effectiveStreams, storedStream } from '../inventory/stream-namespace.js';
import { resolveLocalNames } from '../planning/lookup-policy.js';
import {
  completeImageLookup,
  IMAGE_LOOKUP_TABLE_HEADER,
  imageLookupRow,
  setImageLookup as planImageLookup,
} from '../verbs/set-image-lookup.js';
import { findObjects, type FoundObject, type ObjectSelector } from './find-object.js';
import { plain } from './materialize.js';
import { applyChanges, type ObjectChange } from './object-change.js';
import { VERB_DEFAULT_IMPORT_MODE } from './stream-verb.js';
import {
  finishSet,
  listingResult,
  objectError,
  setInventory,
  setNamespace,
  type PlannedObject,
  type SetContext,
  type SetResult,
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
  readonly dryRun?: boolean | undefined;
}

/** `set image-lookup`: list the lookup setting, or turn it on/off for the named objects. */
export async function setImageLookup(ctx: SetContext, opts: SetImageLookupOptions): Promise<SetResult> {
  const namespace = setNamespace(ctx, opts.namespace);
  const request = completeImageLookup(opts.targets, { enabled: opts.enabled, all: opts.all, list: opts.list });
  const selectors: ObjectSelector[] = [...request.targets];
  if (request.allStreams) selectors.unshift({ kind: 'ImageStream' });
  const inventory = await setInventory(ctx, new Set(selectors.map((s) => s.kind)));
  const { found, errors, warnings } = findObjects(inventory, namespace, selectors, { listing: request.mode === 'list' });
  const notices = [...warnings];

  if (request.mode === 'list') {
    const rows = found.map((f) => imageLookupRow(f));
    return listingResult(inventory, found, { header: IMAGE_LOOKUP_TABLE_HEADER, rows: rows.map((r) => [r.name, r.local]), records: rows }, notices, errors);
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
    const entry = f.kind === 'ImageStream' && changes.length > 0 ? inventory.streams.get(streamKey(f.namespace, f.name)) : undefined;
    if (entry) {
      // a spec update of the stream: written as its new state, like the stream verbs' writes
      const stream = lookupUpdate(ctx, inventory, effectiveStream(entry), changes);
      const shown = [...changes, ...bookkeepingChanges(applyChanges(entry.stream, changes) as ImageStream, storedStream(entry, stream))];
      planned.push({ found: f, changes: shown, after: applyChanges(f.object, shown), message: result.message, stream });
      continue;
    }
    if (f.kind !== 'ImageStream' && request.enabled && changes.length > 0) {
      changes.push(...resolveAtOnce(ctx, f, applyChanges(f.object, changes) as Readonly<Record<string, unknown>>, inventory, notices, workloads));
    }
    planned.push({ found: f, changes, after: applyChanges(f.object, changes), message: result.message });
  }
  return finishSet(ctx, inventory, planned, { dryRun: opts.dryRun === true, notices, errors: failed, workloads });
}

/** The stream without the fields a spec update's bookkeeping touches. */
function withoutBookkeeping(stream: ImageStream): unknown {
  const { [OBSERVED_SPEC_ANNOTATION]: _record, ...annotations } = stream.metadata.annotations ?? {};
  return plain({ ...stream, metadata: { ...stream.metadata, generation: undefined, annotations } });
}

/**
 * The stream after the lookup change, as a spec update leaves it. A spec update through the API
 * server bumps the stream's generation, and Tagstream records the spec it observed
 * (tagstream.io/observed-spec) whenever it writes a stream. Both are part of the verb's write, so
 * a committed `set image-lookup` leaves nothing for the next reconcile to commit (#13.3). They are
 * left out when settling would change more than that (older hand edits of tags): reconcile settles
 * those, as before. Without a clock only the lookup change is written.
 */
function lookupUpdate(ctx: SetContext, inventory: Inventory, current: ImageStream, changes: readonly ObjectChange[]): ImageStream {
  const updated = applyChanges(current, changes) as ImageStream;
  if (!ctx.clock) return updated;
  const settled = settleSpecEdits(updated, { streams: effectiveStreams(inventory), now: rfc3339(ctx.clock.now()), localRegistry: ctx.settings.localRegistry, defaultImportMode: VERB_DEFAULT_IMPORT_MODE }).stream;
  return settled !== updated && deepEqual(withoutBookkeeping(settled), withoutBookkeeping(updated)) ? settled : updated;
}

/** The bookkeeping fields (generation, observed-spec record) `stored` changes, for the printed object. */
function bookkeepingChanges(updated: ImageStream, stored: ImageStream): ObjectChange[] {
  const out: ObjectChange[] = [];
  if (stored.metadata.generation !== updated.metadata.generation) out.push({ path: ['metadata', 'generation'], to: stored.metadata.generation });
  const record = stored.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION];
  if (record !== updated.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION]) out.push({ path: ['metadata', 'annotations', OBSERVED_SPEC_ANNOTATION], to: record });
  return out;
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
  notices: string[],
  workloads: WorkloadChange[],
): ObjectChange[] {
  const localRegistry = ctx.settings.localRegistry;
  const localRepository = (ns: string, name: string) => (localRegistry ? `${localRegistry}/${ns}/${name}` : undefined);
  const workload = { kind: f.kind, name: f.name, namespace: f.namespace, object: after, site: f.site };
  const plan = resolveLocalNames(workload, inventory.streams, { localRepository, annotationLocation: f.site.location });
  for (const e of plan.errors) notices.push(`warning: ${e.message}`);
  for (const n of plan.notes) notices.push(`info: ${n}`);
  if (plan.errors.length > 0) return [];
  for (const c of plan.changes) workloads.push(workloadChange(f, c));
  const changes: ObjectChange[] = plan.changes.map((c) => ({ path: c.path, to: c.to }));
  if (plan.annotation) changes.push({ path: plan.annotation.path, to: plan.annotation.to });
  return changes;
}
