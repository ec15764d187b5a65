/**
 * What the ImageStream verbs (`tag`, `import-image`, `create istag`) share around their pure
 * planners: read the repository into streams the planners can key by namespace, answer the
 * planned imports right away (OpenShift's controller would import asynchronously; a GitOps verb
 * must leave the tag with history so triggers fire in the same run), and turn the new stream
 * state into byte-exact file changes through planWrites, refusing anything that cannot be
 * written consistently before a single byte is written.
 */
import { DEFAULT_IMPORT_MODE } from '../domain/generation.js';
import { formatLocation, TagstreamError } from '../errors.js';
import { diagnosticLocation, type Diagnostic, type FileChange, type TargetChange, type WorkloadChange } from '../domain/change-set.js';
import { findSpecTag, streamKey, type ImageStream, type ImportMode } from '../domain/image-stream.js';
import { applyImportResults } from '../domain/import-result.js';
import { buildInventory } from '../inventory/inventory.js';
import { effectiveStreams, storedStream } from '../inventory/stream-namespace.js';
import type { Inventory } from '../inventory/inventory-model.js';
import type { VerbContext, VerbPlan } from '../verbs/verb-plan.js';
import { rfc3339 } from '../ports/clock.js';
import type { AppContext } from './app-context.js';
import { newStreamPath, planWrites } from './materialize.js';
import { writeUncommitted } from './uncommitted-writes.js';
import { type ImportRun } from './run-imports.js';
import { runImportsWithPolicies, type PolicyFollow } from './tag-policies.js';
import { inventoryProblems, type InventoryProblems } from './get.js';

/** The import mode an empty importMode means (the cluster default of a non-multi-arch cluster). */
export const VERB_DEFAULT_IMPORT_MODE: ImportMode = DEFAULT_IMPORT_MODE;

/** What a verb did: its planner's messages, what it changed, the files it wrote (or would write), and how to exit. */
export interface VerbResult {
  /** oc's messages for the verb (`Tag app:1 set to quay.io/o/app:1.`; import-image: its summary line). */
  readonly messages: readonly string[];
  /** Tags whose tag policy chose a (new) tag in this run. */
  readonly followed: readonly PolicyFollow[];
  /** True when nothing was written (`import-image --dry-run`). */
  readonly dryRun: boolean;
  /** import-image: the stream as stored, which oc shows in the describe layout after the summary. */
  readonly described?: { readonly stream: ImageStream; readonly namespace: string; readonly now: Date } | undefined;
  /** import-image: trailing `info: ...` lines of oc's summary. */
  readonly info: readonly string[];
  /** What the repository could not use. */
  readonly problems: InventoryProblems;
  /** `warning: ...` and `error: tag x failed: ...` notices, in the order they arose. */
  readonly notices: readonly string[];
  /** 1 when an import failed (the rest was still written); invalid input throws instead. */
  readonly exitCode: 0 | 1;
  /** Files written (with `dryRun`: the files that would have been written). */
  readonly files: readonly FileChange[];
  readonly workloads: readonly WorkloadChange[];
  /** Update targets the moved tags changed (markers, rule matches, Dockerfile FROM lines). */
  readonly targets: readonly TargetChange[];
  /** The changed or created streams, as stored. */
  readonly streams: readonly ImageStream[];
  /** Every object the verb changed (its streams and the workloads their triggers moved), with its file. */
  readonly changed: readonly ChangedObject[];
}

/** An object a writer changed, and the file that holds it. */
export interface ChangedObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly change: 'created' | 'updated' | 'image updated';
}

/** The objects behind workload changes, one per object (a workload may have several containers). */
export function workloadObjects(workloads: readonly WorkloadChange[]): ChangedObject[] {
  const out = new Map<string, ChangedObject>();
  for (const w of workloads) {
    const key = `${w.file}\0${w.kind}\0${w.namespace}\0${w.name}`;
    if (!out.has(key)) out.set(key, { kind: w.kind, namespace: w.namespace, name: w.name, file: w.file, change: 'image updated' });
  }
  return [...out.values()];
}

export interface VerbSession {
  readonly inventory: Inventory;
  /**
   * Every stream by `namespace/name`, with the effective namespace filled into metadata (the
   * planners key streams by metadata.namespace; a file may rely on defaultNamespace).
   */
  readonly streams: ReadonlyMap<string, ImageStream>;
  readonly context: VerbContext;
  /** What the inventory could not use. */
  readonly problems: InventoryProblems;
}


/** Read the repository for a verb running in `namespace` (default: the repo's defaultNamespace, else `default`). */
export async function openVerbSession(ctx: AppContext, namespace?: string): Promise<VerbSession> {
  const inventory = await buildInventory(ctx.workspace, ctx.settings);
  const context: VerbContext = {
    namespace: namespace || ctx.settings.defaultNamespace || 'default',
    now: rfc3339(ctx.clock.now()),
    localRegistry: ctx.settings.localRegistry,
    defaultImportMode: VERB_DEFAULT_IMPORT_MODE,
  };
  const problems = inventoryProblems(inventory);
  // planners settle the hand edits of the streams they read (StreamSet), materialize stores them back
  const streams = effectiveStreams(inventory);
  return { inventory, streams, context, problems };
}

/** Record each stream's import answers (history, conditions, generations); streams without answers are returned as they are. */
export function recordImports(streams: readonly ImageStream[], run: ImportRun, now: string): ImageStream[] {
  return streams.map((s) => {
    const results = run.resultsByStream.get(streamKey(s.metadata.namespace ?? '', s.metadata.name));
    return results && results.length > 0 ? applyImportResults(s, results, now, VERB_DEFAULT_IMPORT_MODE) : s;
  });
}

/** `warning: file:line:col: message` for a diagnostic planWrites reported about a workload. */
export function diagnosticLine(d: Diagnostic): string {
  const location = diagnosticLocation(d);
  const where = location ? `${location}: ` : '';
  const object = d.object ? `${d.object}: ` : '';
  // the verb itself succeeded: a workload it could not update is reported, not fatal
  return `warning: ${where}${object}${d.message}`;
}

export interface VerbWrites {
  readonly files: FileChange[];
  readonly workloads: WorkloadChange[];
  readonly targets: TargetChange[];
  /** Every changed object: the streams whose files change, then the workloads. */
  readonly changed: ChangedObject[];
  /** Workload and target problems (a bad trigger fieldPath, a marker naming no stream): reported, they do not stop the verb. */
  readonly warnings: string[];
}

/**
 * File changes that bring the repository to `changed` (plus the triggers and lookups they
 * fire). Throws, before anything is written, when a changed stream is defined more than once,
 * when a new stream's file path is already taken, or when a stream's file cannot be edited.
 */
export async function planVerbWrites(
  ctx: AppContext,
  session: VerbSession,
  changed: readonly ImageStream[],
  blocked?: ReadonlySet<string>,
): Promise<VerbWrites> {
  const { inventory } = session;
  const next = new Map(session.streams);
  const newPaths = new Map<string, string>();
  for (const s of changed) {
    const namespace = s.metadata.namespace ?? session.context.namespace;
    const key = streamKey(namespace, s.metadata.name);
    const conflict = inventory.conflicts.find((c) => c.namespace === namespace && c.name === s.metadata.name);
    if (conflict) {
      throw new TagstreamError(
        'DuplicateObject',
        `imagestream ${key} is defined in more than one file (${conflict.sites.map((x) => formatLocation(x.location)).join(', ')}); keep one definition`,
      );
    }
    const entry = inventory.streams.get(key);
    if (!entry) {
      const path = newStreamPath(ctx.settings, namespace, s.metadata.name);
      const other = newPaths.get(path);
      if (other !== undefined) {
        throw new TagstreamError('DuplicateObject', `cannot create imagestreams ${other} and ${key}: both would be written to ${path} (imageStreamPath in .tagstream.yaml)`);
      }
      newPaths.set(path, key);
      const unreadable = await unreadableDefinition(ctx, inventory, s.metadata.name);
      if (unreadable) {
        throw new TagstreamError(
          'DuplicateObject',
          `cannot create imagestream ${key}: a file that may already define it could not be used (${unreadable.reason}); fix that file first`,
          unreadable.location ? { location: unreadable.location } : {},
        );
      }
      if (await ctx.workspace.exists(path)) {
        throw new TagstreamError(
          'DuplicateObject',
          `cannot create imagestream ${key}: ${path} already exists and does not define it; move that file or set imageStreamPath in .tagstream.yaml`,
        );
      }
      next.set(key, s);
      continue;
    }
    next.set(key, s);
  }
  // the tags a verb moves drive every update target too (markers, rules, Dockerfiles), as in reconcile
  const plan = await planWrites({ inventory, streams: next, settings: ctx.settings, blocked, targets: inventory.targets });
  const written = new Set(plan.files.map((f) => f.path));
  for (const [key, after] of next) {
    const entry = inventory.streams.get(key);
    if (!entry || storedStream(entry, after) === entry.stream || written.has(entry.site.file)) continue;
    // the stream's own file could not be edited: the verb must not half-succeed
    const d = plan.diagnostics.find((x) => x.file === entry.site.file);
    const location = { file: entry.site.file, ...(d?.line === undefined ? {} : { line: d.line }), ...(d?.col === undefined ? {} : { col: d.col }) };
    throw new TagstreamError('EditVerify', `cannot write imagestream ${key}: ${d?.message ?? 'the edit produced no change'}`, { location });
  }
  const streams: ChangedObject[] = [];
  for (const [key, after] of next) {
    const entry = inventory.streams.get(key);
    if (entry && storedStream(entry, after) === entry.stream) continue;
    const file = entry ? entry.site.file : newStreamPath(ctx.settings, after.metadata.namespace ?? session.context.namespace, after.metadata.name);
    if (!written.has(file)) continue;
    const namespace = entry ? entry.namespace : (after.metadata.namespace ?? session.context.namespace);
    streams.push({ kind: 'ImageStream', namespace, name: after.metadata.name, file, change: entry ? 'updated' : 'created' });
  }
  return {
    files: plan.files,
    workloads: plan.workloads,
    targets: plan.targets,
    changed: [...streams, ...workloadObjects(plan.workloads)],
    warnings: plan.diagnostics.map(diagnosticLine),
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A problem the inventory reported for a file that mentions an ImageStream named `name`: the
 * stream may be defined there but unreadable, and creating it elsewhere would duplicate it.
 */
async function unreadableDefinition(ctx: AppContext, inventory: Inventory, name: string): Promise<TagstreamError | undefined> {
  const named = new RegExp(`(^|[\\s{,])["']?name["']?\\s*:\\s*["']?${escapeRegExp(name)}["']?\\s*($|[,}#])`, 'm');
  for (const d of inventory.diagnostics) {
    const file = d.location?.file;
    if (!file) continue;
    let text: string;
    try {
      text = (await ctx.workspace.readFile(file)).toString('utf8');
    } catch {
      continue;
    }
    if (/\bImageStream\b/.test(text) && named.test(text)) return d;
  }
  return undefined;
}


/**
 * `namespace/stream:tag` of failed Local-policy tags: their image is not in the local registry,
 * so no workload may be pointed at it (as in reconcile).
 */
export function blockedLocalTags(run: ImportRun, stored: readonly ImageStream[]): Set<string> {
  const byKey = new Map(stored.map((s) => [streamKey(s.metadata.namespace ?? '', s.metadata.name), s]));
  const out = new Set<string>();
  for (const f of run.failures) {
    const s = byKey.get(f.stream);
    if (s && findSpecTag(s, f.tag)?.referencePolicy?.type === 'Local') out.add(`${f.stream}:${f.tag}`);
  }
  return out;
}

/** `ns/stream:tag`, without the namespace when it is the current one (oc's spelling). */
export function tagName(namespace: string, stream: string, tag: string, current: string): string {
  return namespace === current ? `${stream}:${tag}` : `${namespace}/${stream}:${tag}`;
}

/**
 * Finish a planned `tag` / `create istag`: import what the plan asks for now, record the answers,
 * write the files. A failed import is recorded on its tag (the spec write stands) and makes the
 * verb exit 1; transient failures are reported only, so the next reconcile retries them.
 */
export async function completeVerbPlan(ctx: AppContext, session: VerbSession, plan: VerbPlan): Promise<VerbResult> {
  const policies = await runImportsWithPolicies(plan.imports, plan.streams, {
    registry: ctx.registry,
    localRegistry: ctx.settings.localRegistry,
    streams: new Map(),
    now: session.context.now,
    defaultImportMode: VERB_DEFAULT_IMPORT_MODE,
    createdCache: await ctx.git?.imageCreatedCache?.(),
  });
  const run = policies.run;
  const stored = recordImports(policies.streams, run, session.context.now);
  const writes = await planVerbWrites(ctx, session, stored, blockedLocalTags(run, stored));
  await writeUncommitted(ctx.workspace, ctx.git, writes.files);
  const ns = session.context.namespace;
  const notices = [
    ...plan.warnings.map((w) => `warning: ${w}`),
    ...writes.warnings,
    ...policies.warnings,
    ...run.results.flatMap((r) =>
      r.ok ? [] : [`error: tag ${tagName(r.request.namespace, r.request.stream, r.request.tag, ns)} failed: ${r.message}`],
    ),
  ];
  return {
    messages: plan.messages,
    followed: policies.followed,
    dryRun: false,
    info: [],
    problems: session.problems,
    notices,
    exitCode: run.failures.length > 0 ? 1 : 0,
    files: writes.files,
    workloads: writes.workloads,
    targets: writes.targets,
    streams: stored,
    changed: writes.changed,
  };
}
