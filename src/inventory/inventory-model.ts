/**
 * What a repository holds, as Tagstream indexes it. Produced by inventory.ts, consumed by the
 * planner, the verbs and the read commands. Every entry knows where it came from so that edits and
 * messages can point at file:line:col.
 */
import type { ManifestError, SourceLocation } from '../errors.js';
import type { ImageStream } from '../domain/image-stream.js';
import type { NodePath } from '../edit/edit.js';
import type { TargetSources } from './target-files.js';
import type { SourceFile } from '../edit/source-file.js';
import type { EditSource } from '../edit/edit-source.js';

export type { NodePath } from '../edit/edit.js';

/** Where one Kubernetes object lives: file, document, path inside the document. */
export interface ObjectSite {
  readonly file: string;
  readonly docIndex: number;
  /** [] for a top-level object; ['items', 3] for the 4th object of a List. */
  readonly path: NodePath;
  readonly location: SourceLocation;
}

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace, else the configured default, else `default`. */
  readonly namespace: string;
  /** True when metadata.namespace was absent and the default was applied. */
  readonly namespaceDefaulted: boolean;
}

export interface StreamEntry extends ObjectRef {
  readonly kind: 'ImageStream';
  readonly site: ObjectSite;
  readonly stream: ImageStream;
}

/**
 * A workload Tagstream may write to: an object with the `image.openshift.io/triggers`
 * annotation, a DeploymentConfig with ImageChange triggers, or (for lookupPolicy.local and
 * resolve-names) any object with a pod template.
 */
export interface WorkloadEntry extends ObjectRef {
  readonly site: ObjectSite;
  /** The object as plain JS (read-only view). */
  readonly object: Readonly<Record<string, unknown>>;
  /** Raw `image.openshift.io/triggers` annotation value, when present. */
  readonly triggersAnnotation?: string | undefined;
  /** Where the annotation's value is in the file (errors in it point there, not at the object). */
  readonly triggersAnnotationLocation?: SourceLocation | undefined;
  /** True for DeploymentConfigs with at least one ImageChange trigger. */
  readonly hasImageChangeTriggers: boolean;
  /** Why the object is listed (several may apply). Set by inventory.ts. */
  readonly reasons?: readonly WorkloadReason[] | undefined;
  /** `alpha.image.policy.openshift.io/resolve-names: "*"` on the object or its pod template. */
  readonly resolveNames?: boolean | undefined;
}

/**
 * `lookup-candidate`: a pod-template workload that `lookupPolicy.local` / resolve-names could
 * rewrite (it has the resolve-names annotation or at least one local image name such as `mysql:8`).
 * Consumers still check the streams; the inventory only keeps the list cheap and short.
 */
export type WorkloadReason = 'triggers-annotation' | 'image-change-trigger' | 'lookup-candidate';

/** An OpenShift Template: its objects are reported, never reconciled. */
export interface TemplateEntry extends ObjectRef {
  readonly site: ObjectSite;
  /** Kinds/names of the objects inside (e.g. `ImageStream/ruby`), for reports. */
  readonly objects: readonly { readonly kind: string; readonly name: string }[];
}

/** The same ImageStream (namespace/name) defined in more than one place. */
export interface StreamConflict {
  readonly namespace: string;
  readonly name: string;
  readonly sites: readonly ObjectSite[];
}

export interface Inventory {
  /** Keyed by `namespace/name`; conflicting streams are absent here and listed in conflicts. */
  readonly streams: ReadonlyMap<string, StreamEntry>;
  readonly workloads: readonly WorkloadEntry[];
  readonly templates: readonly TemplateEntry[];
  readonly conflicts: readonly StreamConflict[];
  /** Every problem found; the rest of the repo is still indexed. */
  readonly diagnostics: readonly ManifestError[];
  /**
   * Files that hold at least one indexed object, by repo-relative path. A value is parsed (with
   * source tokens, for edits) on first `get` and kept; `has`/`keys` parse nothing, so ask for the
   * files you edit only.
   */
  readonly files: SourceFiles;
  /**
   * Files that may hold update targets (marker YAML, rule-glob matches, marked Dockerfiles), found
   * in the same walk; their parse is made on first access. Absent in hand-built inventories.
   */
  readonly targets?: TargetSources | undefined;
  /** Counts of the scan, for logs and benchmarks. Set by inventory.ts. */
  readonly stats?: InventoryStats | undefined;
}

/** `Inventory.files`: parsed on first `get`; `release` lets a writer drop a parse it is done with. */
export interface SourceFiles extends ReadonlyMap<string, SourceFile> {
  /** `path` prepared for edits of the documents `indexes` only (a writer's cheaper `get`). */
  edit?(path: string, indexes: Iterable<number>): EditSource | undefined;
  /** Forget the parse of `path` (its new text is verified); a later `get` parses it again. */
  release?(path: string): void;
}

export interface InventoryStats {
  /** Files the workspace listed. */
  readonly filesListed: number;
  /** YAML/JSON files read and parsed (after .gitignore and include/exclude). */
  readonly filesScanned: number;
  readonly documents: number;
  /** Files whose parse came from the parse cache. */
  readonly cacheHits: number;
}
