/**
 * One reconcile pass, without writing: load the repository, settle hand edits of spec tags,
 * import what is due (new or changed spec tags, scheduled tags, webhook hints), record history,
 * propagate tracking tags, copy Local-policy images, apply triggers and local lookup, and turn
 * every change into byte-exact file edits. The result is a ChangeSet with the new file texts.
 */
import { DEFAULT_IMPORT_MODE } from '../domain/generation.js';
import type { TagstreamError } from '../errors.js';
import { errorMessage, ManifestError } from '../errors.js';
import type { ChangeSet, Diagnostic, HeldTag, MoveReason, TagFailure, TagMove } from '../domain/change-set.js';
import { isParsed, sourceText } from '../domain/image-reference.js';
import { eventReference } from '../domain/stream-references.js';
import { findSpecTag, findStatusTag, latestTagEvent, streamKey, type ImageStream } from '../domain/image-stream.js';
import { applyImportResults, type ImportRequest, type ImportResult } from '../domain/import-result.js';
import { settleSpecEdits } from '../domain/spec-edits.js';
import { buildInventory, type InventoryOptions } from '../inventory/inventory.js';
import { effectiveStream, effectiveStreams } from '../inventory/stream-namespace.js';
import type { Inventory, ObjectSite, WorkloadEntry } from '../inventory/inventory-model.js';
import { planImports, planRepositoryImport, repositoryImportDue } from '../planning/import-plan.js';
import { holdFor, type Hold } from '../planning/revert-holds.js';
import { rfc3339 } from '../ports/clock.js';
import type { AppContext, ReconcileOptions } from './app-context.js';
import { diagnosticOf, planWrites } from './materialize.js';
import { askRegistry, copyToLocal, failedAnswer, isLocalPolicy } from './run-imports.js';
import { createdOf, followWinner, planTagPolicies, type CreatedCaches, type PolicyFollow } from './tag-policies.js';


export interface PlannedRun {
  readonly changeSet: ChangeSet;
  readonly inventory: Inventory;
  /** Tags this pass asked the registries about (a run where all of them failed is no success). */
  readonly tagsAttempted: number;
}

/** Compute the plan of one reconcile pass. `holds` come from Git history (revert awareness). */
export async function planReconcile(
  ctx: AppContext,
  options: ReconcileOptions,
  holds: ReadonlyMap<string, readonly Hold[]>,
  inventoryOptions: InventoryOptions = {},
): Promise<PlannedRun> {
  const { settings, registry } = ctx;
  const now = rfc3339(ctx.clock.now());
  const inventory = options.inventory ?? (await buildInventory(ctx.workspace, settings, { ...inventoryOptions, indexCache: inventoryOptions.indexCache ?? (await ctx.git?.indexCache?.()), indexWitness: inventoryOptions.indexWitness ?? (await ctx.git?.indexWitness?.()) }));
  const diagnostics: Diagnostic[] = inventory.diagnostics.map((d) => diagnosticOf(d));
  for (const c of inventory.conflicts) {
    diagnostics.push({
      severity: 'error',
      message: `imagestream ${c.namespace}/${c.name} is defined in more than one place: ${c.sites.map((s) => `${s.file}:${s.location.line ?? 1}`).join(', ')}; it is left alone until one definition remains`,
      file: c.sites[0]?.file,
      line: c.sites[0]?.location.line,
    });
  }
  const localRegistry = settings.localRegistry;

  // 1. Hand edits of spec tags, settled as the API server would settle a spec update (streams
  //    keyed and namespaced as the planners use them; materialize stores them back).
  const current = effectiveStreams(inventory);
  // A scoped pass (options.scope) writes only for the streams that change in it: those named, those
  // with hand edits and those with imports due (steps 1 and 2 still look at every stream).
  const scope = options.scope ? new Set(options.scope) : undefined;
  const planned = (key: string) => scope === undefined || scope.has(key);
  for (const [key, entry] of inventory.streams) {
    const before = current.get(key)!;
    const settled = settleSpecEdits(before, { streams: current, now, localRegistry, defaultImportMode: DEFAULT_IMPORT_MODE });
    for (const p of settled.problems) diagnostics.push(diagnosticOf(locateAt(p, entry.site), `ImageStream/${key}`));
    current.set(key, settled.stream);
    if (settled.stream !== before || settled.problems.length > 0) scope?.add(key);
  }

  // 2. What to import.
  const importNow = new Set(options.importNow ?? []);
  const requests: ImportRequest[] = [];
  for (const [key, stream] of current) {
    const due = planImports(stream, { scheduledDue: options.scheduledDue ?? true, defaultImportMode: DEFAULT_IMPORT_MODE });
    const dueTags = new Set(due.map((r) => r.tag));
    const hinted = (stream.spec.tags ?? []).filter((t) => importNow.has(`${key}:${t.name}`) && !dueTags.has(t.name)).map((t) => t.name);
    const extra = hinted.length > 0 ? planImports(stream, { force: true, onlyTags: hinted, defaultImportMode: DEFAULT_IMPORT_MODE }) : [];
    requests.push(...due, ...extra);
    const repoImport = repositoryImportDue(stream, { defaultImportMode: DEFAULT_IMPORT_MODE });
    if (due.length > 0 || extra.length > 0 || repoImport) scope?.add(key);
    if (repoImport) {
      try {
        if (!isParsed(repoImport.from)) throw repoImport.from.error;
        const tags = await registry.listTags(repoImport.from, { insecure: repoImport.insecure });
        requests.push(...planRepositoryImport(repoImport, tags, stream, settings.maxBulkImport).imports);
      } catch (e) {
        diagnostics.push({ ...diagnosticOf(e, `ImageStream/${key}`), message: `repository import of ${sourceText(repoImport.from)} failed: ${errorMessage(e)}` });
      }
    }
  }

  // 3. Ask the registries (the client dedupes identical lookups and limits concurrency per registry).
  //    Tag policies first: a policy tag asks for its winner (one tags/list per repository per run).
  const failures: TagFailure[] = [];
  const held: HeldTag[] = [];
  const moveReasons = new Map<string, MoveReason>();
  const resultsByStream = new Map<string, ImportResult[]>();
  const pushResult = (key: string, r: ImportResult) => resultsByStream.set(key, [...(resultsByStream.get(key) ?? []), r]);
  // image build times by digest, shared by `created:` policies and the moves' report; those read
  // before (any earlier run) come from the repository's persistent cache, saved after step 4
  const created: CreatedCaches = { run: new Map(), known: await ctx.git?.imageCreatedCache?.() };
  const policies = await planTagPolicies(registry, current, requests, created);
  for (const skip of policies.skipped) {
    const key = streamKey(skip.request.namespace, skip.request.stream);
    // an invalid value is already a located diagnostic of the inventory
    if (skip.kind === 'no-match') diagnostics.push({ severity: 'warning', message: skip.message, file: inventory.streams.get(key)?.site.file, line: inventory.streams.get(key)?.site.location.line, object: `ImageStream/${key}` });
    if (skip.kind === 'list-failed') {
      const { failure, record } = failedAnswer(skip.request, skip.error);
      failures.push({ ...failure, message: skip.message });
      if (record) pushResult(key, record);
    }
  }
  const followed = new Map<string, PolicyFollow>();
  const answers = await askRegistry(registry, policies.requests, current);
  for (const answer of answers) {
    const { request } = answer;
    const key = streamKey(request.namespace, request.stream);
    const tagKey = `${key}:${request.tag}`;
    const push = (r: ImportResult) => pushResult(key, r);
    if ('error' in answer) {
      const { failure, record } = failedAnswer(request, answer.error);
      failures.push(failure);
      if (record) push(record);
      continue;
    }
    // one pull request per stream:tag (Action): other tags keep their current image in this pass
    if (options.onlyMoves && !options.onlyMoves(key, request.tag)) continue;
    const revertHold = holdFor(holds, tagKey, answer.digest);
    const hold = revertHold ? { heldBy: revertHold.heldBy, reason: 'reverted' as const } : extraHold(options, tagKey, answer.digest);
    const currentImage = findStatusTag(current.get(key)!, request.tag)?.items?.[0]?.image;
    if (hold && currentImage !== answer.digest) {
      held.push({ stream: key, tag: request.tag, image: answer.digest, heldBy: hold.heldBy, reason: hold.reason });
      continue;
    }
    // referencePolicy Local: the image must be in our registry before anything points at it.
    if (isLocalPolicy(current.get(key), request) && currentImage !== answer.digest) {
      const problem = await copyToLocal(registry, ctx.settings.localRegistry, request, answer.digest);
      if (problem) {
        failures.push({ stream: key, tag: request.tag, reason: problem.reason, message: problem.message });
        push({ ok: false, request, reason: problem.reason, message: problem.message });
        continue;
      }
    }
    moveReasons.set(tagKey, importNow.has(tagKey) ? 'webhook' : reasonFor(current.get(key)!, request));
    const follow = policies.follows.get(tagKey);
    if (follow) followed.set(tagKey, follow);
    push({ ok: true, request, digest: answer.digest });
  }

  // 4. Record the answers (history, generations, conditions, tracking). A policy winner that is
  //    recorded is first written into the spec, as `oc tag REPOSITORY:WINNER` would.
  for (const follow of followed.values()) {
    const writeContext = { streams: current, now, localRegistry, defaultImportMode: DEFAULT_IMPORT_MODE };
    current.set(follow.stream, followWinner(current.get(follow.stream)!, follow, writeContext));
  }
  const next = new Map(current);
  for (const [key, results] of resultsByStream) next.set(key, applyImportResults(current.get(key)!, results, now, DEFAULT_IMPORT_MODE));
  if (options.onlyMoves) {
    // A pass limited to some tags (one pull request per stream:tag) leaves every other stream's file alone.
    for (const [key, entry] of inventory.streams) {
      const selected = (resultsByStream.get(key) ?? []).some((r) => r.ok && options.onlyMoves!(key, r.request.tag));
      if (!selected) next.set(key, effectiveStream(entry));
    }
  }

  const collected: TagMove[] = [];
  for (const [key, entry] of inventory.streams) if (planned(key)) collectMoves(key, entry.stream, next.get(key)!, moveReasons, collected, followed);
  const insecure = new Set(requests.filter((r) => r.insecure).map((r) => `${streamKey(r.namespace, r.stream)}:${r.tag}`));
  const moves = options.imageCreated ? await withImageCreated(ctx, collected, next, insecure, created) : collected;
  await created.known?.save();

  // 5.-7. Triggers and local lookup on the new state, ImageStream edits, new file bytes.
  const blocked = new Set(failures.filter((f) => isLocal(next.get(f.stream), f.tag)).map((f) => `${f.stream}:${f.tag}`));
  const writes = await planWrites({
    inventory,
    streams: next,
    settings,
    blocked,
    targets: inventory.targets,
    ...(scope ? { scope, workloads: workloadsNaming(inventory.workloads, scope) } : {}),
  });
  diagnostics.push(...writes.diagnostics);
  const { files, workloads: workloadChanges, targets } = writes;
  const changedFiles = new Set(files.map((f) => f.path));
  const changeSet: ChangeSet = {
    moves,
    workloads: workloadChanges.filter((w) => changedFiles.has(w.file)),
    targets,
    held,
    failures,
    diagnostics,
    files,
  };
  return { changeSet, inventory, tagsAttempted: requests.length };
}

/**
 * Fill in when each moved image was built (its config `created`), for PR bodies and reports that
 * show it (ReconcileOptions.imageCreated). Only moved digests are inspected (one manifest + one
 * config GET each, none for a digest a `created:` tag policy already inspected); failures leave it unknown.
 * The registry is asked with the new history entry's reference value (`streams`: the new states).
 */
async function withImageCreated(
  ctx: AppContext,
  moves: readonly TagMove[],
  streams: ReadonlyMap<string, ImageStream>,
  insecure: ReadonlySet<string>,
  created: CreatedCaches,
): Promise<TagMove[]> {
  for (const m of moves) {
    if (!m.to.image || created.run.has(m.to.image) || !m.to.reference.includes('@')) continue;
    const stream = streams.get(m.stream);
    const event = stream && latestTagEvent(stream, m.tag); // m.to itself
    if (!event) continue;
    const ref = eventReference(event);
    if (!isParsed(ref)) continue;
    void createdOf(ref, m.to.image, created, () =>
      ctx.registry.inspect(ref, { insecure: insecure.has(`${m.stream}:${m.tag}`) || undefined }).then(
        (meta) => meta.created,
        () => undefined,
      ),
    );
  }
  return Promise.all(
    moves.map(async (m) => {
      const when = m.to.image ? await created.run.get(m.to.image) : undefined;
      return when ? { ...m, imageCreated: when } : m;
    }),
  );
}

/**
 * The workloads a scoped pass plans: those whose trigger annotation or DeploymentConfig triggers
 * mention the name of a stream in scope, and every candidate for local lookup (its image names are
 * resolved against whichever streams allow it). A superset of the workloads the scope can change:
 * a trigger names its stream as `name:tag` (and a namespace apart), so its text holds the name.
 */
export function workloadsNaming(workloads: readonly WorkloadEntry[], scope: ReadonlySet<string>): WorkloadEntry[] {
  const names = [...new Set([...scope].map((key) => key.slice(key.indexOf('/') + 1)))];
  const mentions = (text: string | undefined) => text !== undefined && names.some((n) => text.includes(n));
  return workloads.filter(
    (w) =>
      mentions(w.triggersAnnotation) ||
      (w.hasImageChangeTriggers && mentions(JSON.stringify((w.object['spec'] as { triggers?: unknown } | undefined)?.triggers))) ||
      w.resolveNames === true ||
      (w.reasons ?? []).includes('lookup-candidate'),
  );
}

function extraHold(options: ReconcileOptions, key: string, image: string): { heldBy: string; reason: HeldTag['reason'] } | undefined {
  const h = options.extraHolds?.get(key)?.find((x) => x.image === image);
  return h ? { heldBy: h.heldBy, reason: 'pull-request-closed' } : undefined;
}

function isLocal(stream: ImageStream | undefined, tag: string): boolean {
  return stream !== undefined && findSpecTag(stream, tag)?.referencePolicy?.type === 'Local';
}

function reasonFor(stream: ImageStream, request: ImportRequest): MoveReason {
  const items = findStatusTag(stream, request.tag)?.items ?? [];
  if (items.length === 0) return 'new-tag';
  const spec = findSpecTag(stream, request.tag);
  const observed = items[0]?.generation ?? 0;
  if (spec && typeof spec.generation === 'number' && spec.generation > observed) return 'spec-changed';
  return request.scheduled ? 'scheduled' : 'import';
}

function collectMoves(
  key: string,
  before: ImageStream,
  after: ImageStream,
  reasons: ReadonlyMap<string, MoveReason>,
  out: TagMove[],
  followed: ReadonlyMap<string, PolicyFollow>,
): void {
  for (const list of after.status?.tags ?? []) {
    const to = list.items?.[0];
    if (!to) continue;
    const from = findStatusTag(before, list.tag)?.items?.[0];
    if (from && from.image === to.image && from.dockerImageReference === to.dockerImageReference) continue;
    const spec = findSpecTag(after, list.tag);
    const reason: MoveReason =
      reasons.get(`${key}:${list.tag}`) ?? (spec?.from?.kind === 'ImageStreamTag' ? 'tracking' : from ? 'spec-changed' : 'new-tag');
    out.push({
      stream: key,
      tag: list.tag,
      from: from ? { image: from.image, reference: from.dockerImageReference } : undefined,
      to: { image: to.image, reference: to.dockerImageReference },
      reason,
      ...followedTag(followed.get(`${key}:${list.tag}`)),
    });
  }
}

function followedTag(f: PolicyFollow | undefined): Pick<TagMove, 'followed'> {
  return f ? { followed: { policy: f.policy, from: f.fromTag, to: f.toTag } } : {};
}

function locateAt(e: TagstreamError, site: ObjectSite): TagstreamError {
  return e.location ? e : new ManifestError('Invalid', e.message, site.location, e);
}
