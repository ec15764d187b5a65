/**
 * What the inventory finds in one file: ImageStreams, workloads Tagstream may write to and
 * OpenShift Templates, each located; then, over all files, duplicates resolved into conflicts.
 * buildInventory (inventory.ts) reads and caches the files; this builder only extracts and adds.
 */
import type { Document } from 'yaml';
import { ManifestError, formatLocation, type SourceLocation } from '../errors.js';
import { streamKey } from '../domain/image-stream.js';
import { podSpecPath, RESOLVE_NAMES_ANNOTATION, valueAt } from '../domain/pod-spec.js';
import { TRIGGER_ANNOTATION } from '../domain/trigger.js';
import { documentLocator } from '../edit/node-locator.js';
import type { SourceFile } from '../edit/source-file.js';
import type { FileIndex } from './file-index.js';
import { parseImageStream } from './image-stream-schema.js';
import { LazySourceFiles, type ScannedFile } from './inventory-files.js';
import type {
  Inventory,
  NodePath,
  ObjectRef,
  ObjectSite,
  StreamConflict,
  StreamEntry,
  TemplateEntry,
  WorkloadEntry,
  WorkloadReason,
} from './inventory-model.js';
import { tagPolicyProblems } from './tag-policy-check.js';

/** Kinds the ImagePolicy admission plugin rewrites (spec §6); PodTemplate is not among them. */
const LOOKUP_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'ReplicationController',
  'DeploymentConfig',
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'Job',
  'CronJob',
]);

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Sink {
  readonly streams: StreamEntry[];
  readonly workloads: WorkloadEntry[];
  readonly templates: TemplateEntry[];
  readonly diagnostics: ManifestError[];
}

interface Ctx {
  readonly file: Pick<SourceFile, 'path' | 'lineCounter'>;
  readonly doc: Document;
  readonly docIndex: number;
}

/** Accumulates entries file by file, then resolves duplicates. */
export class InventoryBuilder {
  readonly diagnostics: ManifestError[] = [];
  private readonly streamSites = new Map<string, StreamEntry[]>();
  private readonly workloads: WorkloadEntry[] = [];
  private readonly templates: TemplateEntry[] = [];
  private readonly files: ScannedFile[] = [];
  /** Where scanObject puts what it finds in the file being extracted. */
  private sink: Sink = { streams: [], workloads: [], templates: [], diagnostics: [] };

  constructor(
    private readonly defaultNamespace: string,
    private readonly includeObject?: ((ref: ObjectRef) => boolean) | undefined,
  ) {}

  /** What the documents `indexes` of `scanned` yield (see ScannedFile.documents); nothing is added yet. */
  extract(scanned: ScannedFile, indexes: readonly number[]): FileIndex {
    const sink: Sink = (this.sink = { streams: [], workloads: [], templates: [], diagnostics: [] });
    let used = false;
    if (indexes.length > 0) {
      const { lineCounter, documents } = scanned.documents(indexes);
      const file = { path: scanned.path, lineCounter };
      for (const d of documents) {
        if (d.errors.length > 0) {
          sink.diagnostics.push(...d.errors);
          continue;
        }
        if (this.scanObject({ file, doc: d.doc, docIndex: d.index }, d.value, [], undefined)) used = true;
      }
    }
    return { documentCount: scanned.documentCount, used, ...sink, localLookup: false, localNameDocs: [] };
  }

  /** Add one file's index (extracted now or read from the index cache). */
  add(index: FileIndex, scanned: ScannedFile): void {
    this.diagnostics.push(...index.diagnostics);
    for (const entry of index.streams) {
      const key = streamKey(entry.namespace, entry.name);
      const list = this.streamSites.get(key);
      if (list) list.push(entry);
      else this.streamSites.set(key, [entry]);
    }
    this.workloads.push(...index.workloads);
    this.templates.push(...index.templates);
    if (index.used) this.files.push(scanned);
  }

  /** Index one object (recursing into Lists); returns true when something was indexed. */
  private scanObject(ctx: Ctx, value: unknown, path: NodePath, listItemType: { apiVersion: string; kind: string } | undefined): boolean {
    if (!isObj(value)) return false;
    const kind = typeof value.kind === 'string' ? value.kind : listItemType?.kind;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : listItemType?.apiVersion;
    // Not a Kubernetes object (Helm values, kustomization.yaml, CI config...): silently ignored.
    if (kind === undefined || apiVersion === undefined || kind === '') return false;

    if (kind.endsWith('List') && Array.isArray(value.items)) {
      // Typed lists (ImageStreamList) may omit the item kind; Kubernetes infers it from the list.
      const itemType = kind === 'List' ? undefined : { apiVersion, kind: kind.slice(0, -'List'.length) };
      let used = false;
      value.items.forEach((item, i) => {
        if (this.scanObject(ctx, item, [...path, 'items', i], itemType)) used = true;
      });
      return used;
    }
    const metadata = isObj(value.metadata) ? value.metadata : {};
    const explicitNs = scalarText(metadata.namespace) || undefined;
    const ref = {
      apiVersion,
      name: scalarText(metadata.name),
      namespace: explicitNs ?? this.defaultNamespace,
      namespaceDefaulted: explicitNs === undefined,
    };

    if (kind === 'Template' && (apiVersion === 'v1' || apiVersion.startsWith('template.openshift.io/'))) {
      const objects = Array.isArray(value.objects) ? value.objects : [];
      this.sink.templates.push({
        ...ref,
        kind,
        site: site(ctx, path),
        objects: objects.filter(isObj).map((o) => ({
          kind: typeof o.kind === 'string' ? o.kind : '',
          name: isObj(o.metadata) ? scalarText(o.metadata.name) : '',
        })),
      });
      return true;
    }

    if (kind === 'ImageStream' && (apiVersion === 'v1' || apiVersion.startsWith('image.openshift.io/'))) {
      const locator = documentLocator(ctx.file, ctx.doc, path);
      const objectValue = listItemType && value.kind === undefined ? { ...value, kind, apiVersion } : value;
      const r = parseImageStream(objectValue, locator, { namespace: ref.namespace });
      if (!r.ok) {
        this.sink.diagnostics.push(...r.errors);
        // The file still holds a stream the user meant; keep it so messages and edits can find it.
        return true;
      }
      this.diagnostics.push(...tagPolicyProblems(r.stream, locator));
      const entry: StreamEntry = { ...ref, kind: 'ImageStream', name: r.stream.metadata.name, site: site(ctx, path), stream: r.stream };
      this.sink.streams.push(entry);
      return true;
    }

    const workload = this.workload(ctx, value, path, kind, ref);
    if (workload) {
      this.sink.workloads.push(workload);
      return true;
    }
    return false;
  }

  private workload(
    ctx: Ctx,
    value: Obj,
    path: NodePath,
    kind: string,
    ref: { apiVersion: string; name: string; namespace: string; namespaceDefaulted: boolean },
  ): WorkloadEntry | undefined {
    const reasons: WorkloadReason[] = [];
    const metadata = isObj(value.metadata) ? value.metadata : {};
    const annotations = isObj(metadata.annotations) ? metadata.annotations : {};
    let triggersAnnotation: string | undefined;
    let triggersAnnotationLocation: SourceLocation | undefined;
    const raw = annotations[TRIGGER_ANNOTATION];
    if (typeof raw === 'string') {
      triggersAnnotation = raw;
      triggersAnnotationLocation = documentLocator(ctx.file, ctx.doc, path).locate(['metadata', 'annotations', TRIGGER_ANNOTATION]);
      reasons.push('triggers-annotation');
    } else if (raw !== undefined && raw !== null) {
      const locator = documentLocator(ctx.file, ctx.doc, path);
      this.sink.diagnostics.push(
        new ManifestError(
          'ManifestSchema',
          `metadata.annotations["${TRIGGER_ANNOTATION}"]: expected a string holding a JSON array`,
          locator.locate(['metadata', 'annotations', TRIGGER_ANNOTATION]),
        ),
      );
    }
    const spec = isObj(value.spec) ? value.spec : {};
    const hasImageChangeTriggers =
      kind === 'DeploymentConfig' && Array.isArray(spec.triggers) && spec.triggers.some((t) => isObj(t) && t.type === 'ImageChange');
    if (hasImageChangeTriggers) reasons.push('image-change-trigger');

    const podPath = LOOKUP_KINDS.has(kind) && !hasControllerOwner(metadata) ? podSpecPath(kind) : undefined;
    let resolveNames = false;
    if (podPath) {
      resolveNames = annotations[RESOLVE_NAMES_ANNOTATION] === '*' || templateAnnotation(value, podPath) === '*';
      if (resolveNames || hasLocalImageName(valueAt(value, podPath))) reasons.push('lookup-candidate');
    }
    if (reasons.length === 0 && !this.includeObject?.({ ...ref, kind })) return undefined;
    return {
      ...ref,
      kind,
      site: site(ctx, path),
      object: value,
      triggersAnnotation,
      ...(triggersAnnotationLocation ? { triggersAnnotationLocation } : {}),
      hasImageChangeTriggers,
      reasons,
      resolveNames,
    };
  }

  finish(): Omit<Inventory, 'stats'> {
    const streams = new Map<string, StreamEntry>();
    const conflicts: StreamConflict[] = [];
    for (const [key, entries] of this.streamSites) {
      const first = entries[0] as StreamEntry;
      if (entries.length === 1) {
        streams.set(key, first);
        continue;
      }
      conflicts.push({ namespace: first.namespace, name: first.name, sites: entries.map((e) => e.site) });
      const all = entries.map((e) => formatLocation(e.site.location)).join(', ');
      for (const e of entries.slice(1)) {
        this.diagnostics.push(
          new ManifestError(
            'DuplicateObject',
            `ImageStream ${key} is defined more than once (${all}); expected one definition per namespace/name, so none of them is reconciled`,
            e.site.location,
          ),
        );
      }
    }
    return {
      streams,
      workloads: this.workloads,
      templates: this.templates,
      conflicts,
      diagnostics: this.diagnostics,
      files: new LazySourceFiles(this.files),
    };
  }
}

export function site(ctx: Ctx, path: NodePath): ObjectSite {
  return { file: ctx.file.path, docIndex: ctx.docIndex, path, location: documentLocator(ctx.file, ctx.doc, path).locate([]) };
}

export function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Pod template metadata annotation (the template sits next to the pod spec). */
export function templateAnnotation(value: Obj, podPath: readonly string[]): unknown {
  if (podPath.length < 2) return undefined;
  const meta = valueAt(value, [...podPath.slice(0, -1), 'metadata']);
  return isObj(meta) && isObj(meta.annotations) ? meta.annotations[RESOLVE_NAMES_ANNOTATION] : undefined;
}

/** Admission skips objects owned by a controller (it rewrites the Deployment, not its ReplicaSets). */
export function hasControllerOwner(metadata: Obj): boolean {
  return Array.isArray(metadata.ownerReferences) && metadata.ownerReferences.some((o) => isObj(o) && o.controller === true);
}

/** A local name (`mysql`, `mysql:8`) has no registry, namespace or digest (imagepolicy rule 1). */
export function hasLocalImageName(podSpec: unknown): boolean {
  if (!isObj(podSpec)) return false;
  for (const list of [podSpec.containers, podSpec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const image = isObj(c) ? c.image : undefined;
      if (typeof image === 'string' && image.trim() !== '' && !image.includes('/') && !image.includes('@')) return true;
    }
  }
  return false;
}
