/**
 * The one result of planning: what moves, which workload fields change, what is held, what failed,
 * and the new bytes of every changed file. The same ChangeSet feeds the commit message, the PR
 * body, `--dry-run` tables and `-o json` (STYLE habit 1).
 */
import { formatLocation } from '../errors.js';

/** A digest (and pull spec) a tag points at. */
export interface TagImage {
  readonly image: string;
  readonly reference: string;
}

export type MoveReason =
  | 'new-tag' // first import of a tag
  | 'spec-changed' // from/importMode/reference changed, or generation: 0
  | 'scheduled' // importPolicy.scheduled re-import found a new digest
  | 'import' // an explicit import-image / tag command
  | 'tracking' // follows another tag of the same stream
  | 'webhook'; // a registry notification asked for it (daemon)

export interface TagMove {
  /** `namespace/name` of the ImageStream. */
  readonly stream: string;
  readonly tag: string;
  readonly from?: TagImage | undefined;
  readonly to: TagImage;
  readonly reason: MoveReason;
  /** Image creation time from its config, when known (PR bodies show it). */
  readonly imageCreated?: string | undefined;
  /** Set when a tag policy moved the source tag (`1.3.0 -> 1.4.0`, from.name rewritten). */
  readonly followed?: FollowedTag | undefined;
}

/** The source tag change a tag policy (`tagstream.io/tag-policy`) made. */
export interface FollowedTag {
  /** The annotation value (`semver:^1.0.0`). */
  readonly policy: string;
  /** Tag in from.name before ('' when it had none) and after. */
  readonly from: string;
  readonly to: string;
}

export interface WorkloadChange {
  readonly file: string;
  readonly line?: number | undefined;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Container name (or `lastTriggeredImage` for DeploymentConfigs). */
  readonly container: string;
  /** Path inside the object, dotted (`spec.template.spec.containers[0].image`). */
  readonly field: string;
  readonly from: string;
  readonly to: string;
  /** `namespace/stream:tag` that drove the change. */
  readonly trigger: string;
}

/** Where a target was declared: a YAML line comment, a Dockerfile comment, a `.tagstream.yaml` rule. */
export type TargetKind = 'marker' | 'dockerfile' | 'rule';

/**
 * One image field outside a pod spec that follows a stream tag: a marked scalar, a Dockerfile FROM,
 * or a node a `.tagstream.yaml` JSONPath rule selects.
 */
export interface TargetChange {
  readonly file: string;
  readonly line: number;
  readonly col?: number | undefined;
  readonly kind: TargetKind;
  /** Dotted path of the scalar (`image.tag`), `FROM` for Dockerfiles. */
  readonly field: string;
  /** What of the stream tag is written: reference, name, tag, digest or tag-digest. */
  readonly value: string;
  readonly from: string;
  readonly to: string;
  /** `namespace/stream:tag` that drove the change. */
  readonly trigger: string;
}

/** A tag whose newest digest was reverted in Git and is still what the registry serves. */
export interface HeldTag {
  readonly stream: string;
  readonly tag: string;
  readonly image: string;
  /** The commit that reverted Tagstream's move (or the closed PR, in the Action). */
  readonly heldBy: string;
  readonly reason: 'reverted' | 'pull-request-closed';
}

export interface TagFailure {
  readonly stream: string;
  readonly tag: string;
  readonly reason: string;
  readonly message: string;
  /** More for the person running the command (a cloud identity's own words); never recorded in a file. */
  readonly detail?: string | undefined;
}

/** A failed tag as told to a person (CLI output, daemon log): the recorded message, then the detail. */
export function failureText(f: TagFailure): string {
  return f.detail === undefined || f.detail === '' ? f.message : `${f.message}: ${f.detail}`;
}

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  /** Object the problem belongs to (`Deployment/shop/api`), when there is one. */
  readonly object?: string | undefined;
}

/** `file[:line[:col]]` of a diagnostic, or undefined when it names no file. */
export function diagnosticLocation(d: Diagnostic): string | undefined {
  if (!d.file) return undefined;
  return formatLocation({ file: d.file, ...(d.line === undefined ? {} : { line: d.line }), ...(d.col === undefined ? {} : { col: d.col }) });
}

export interface FileChange {
  readonly path: string;
  /** null for a file that does not exist yet. */
  readonly before: string | null;
  readonly after: string;
}

export interface ChangeSet {
  readonly moves: readonly TagMove[];
  readonly workloads: readonly WorkloadChange[];
  /** Update targets outside pod specs (markers, Dockerfiles, JSONPath rules). */
  readonly targets: readonly TargetChange[];
  readonly held: readonly HeldTag[];
  readonly failures: readonly TagFailure[];
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly FileChange[];
}

export const EMPTY_CHANGE_SET: ChangeSet = Object.freeze({
  moves: [],
  workloads: [],
  targets: [],
  held: [],
  failures: [],
  diagnostics: [],
  files: [],
});
