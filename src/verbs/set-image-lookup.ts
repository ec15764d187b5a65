/**
 * `oc set image-lookup` as a pure transform (oc `pkg/cli/set/imagelookup.go`): on ImageStreams it
 * sets `spec.lookupPolicy.local`; on workloads it adds or removes
 * `alpha.image.policy.openshift.io/resolve-names: "*"` on the pod template (on the object itself
 * when it has no template). Also the `NAME LOCAL` listing as data.
 */
import { UsageError } from '../errors.js';
import { podSpecPath, podTemplateMetadataPath, valueAt, type ObjectPath } from '../domain/pod-spec.js';
import { RESOLVE_NAMES_ANNOTATION, resolveNamesForced } from '../planning/lookup-policy.js';
import { knownKind } from './resource-type.js';
import { qualifiedName, resourceName, type TriggerTarget, type ValueChange } from './set-triggers.js';

export interface ImageLookupFlags {
  /** `--enabled` (default true). */
  readonly enabled?: boolean | undefined;
  readonly all?: boolean | undefined;
  readonly list?: boolean | undefined;
}

/** What the app layer must select, then pass each object to `setImageLookup` / `imageLookupRow`. */
export interface ImageLookupRequest {
  readonly mode: 'list' | 'update';
  readonly enabled: boolean;
  /** Every ImageStream of the namespace (no arguments, or `--all` without a resource type). */
  readonly allStreams: boolean;
  /** Objects to select; no name: every object of that kind. */
  readonly targets: readonly { readonly kind: string; readonly name?: string }[];
}

/** Resolve `deploy`, `dc`, `statefulsets.apps`, ... to a kind oc knows (a `.group` must be the kind's). */
export function kindFromResourceArg(resource: string): string | undefined {
  return knownKind(resource)?.kind;
}

/**
 * Interpret `oc set image-lookup [NAME|TYPE/NAME ...] [--enabled] [--all] [--list]`: bare names are
 * ImageStreams; no argument (without --all) lists every stream. kubectl's `TYPE [NAME...]` form is
 * taken too: a first argument that is a resource type (`is`, `deployments`) selects that type, every
 * object of it when no name follows (`set image-lookup is --list`).
 */
export function completeImageLookup(args: readonly string[], flags: ImageLookupFlags = {}): ImageLookupRequest {
  const enabled = flags.enabled ?? true;
  const all = flags.all === true;
  const first = args[0];
  const typeKind = first !== undefined && !first.includes('/') ? kindFromResourceArg(first) : undefined;
  if (typeKind) {
    const names = args.slice(1);
    if (names.some((n) => n.includes('/'))) {
      throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'tagstream set image-lookup is/x' instead of 'tagstream set image-lookup is is/x')`);
    }
    const everyOne = names.length === 0 || all;
    const targets = everyOne ? [{ kind: typeKind }] : names.map((name) => ({ kind: typeKind, name }));
    return { mode: flags.list === true || (names.length === 0 && !all) ? 'list' : 'update', enabled, allStreams: false, targets };
  }
  const list = (args.length === 0 && !all) || flags.list === true;
  const targets = args.map((arg) => {
    const slash = arg.indexOf('/');
    if (slash === -1) return { kind: 'ImageStream', name: arg };
    const type = arg.slice(0, slash);
    const kind = kindFromResourceArg(type);
    if (!kind) throw new UsageError(`the server doesn't have a resource type "${type}"`);
    const name = arg.slice(slash + 1);
    if (name === '') throw new UsageError(`arguments in resource/name form must have a single resource and name: "${arg}"`);
    return { kind, name };
  });
  return { mode: list ? 'list' : 'update', enabled, allStreams: args.length === 0 || all, targets };
}

/** Where the resolve-names annotation lives for this kind, or undefined when it cannot be set. */
export function resolveNamesAnnotationPath(kind: string): ObjectPath | undefined {
  if (!podSpecPath(kind)) return undefined;
  const metadata = podTemplateMetadataPath(kind) ?? ['metadata'];
  return [...metadata, 'annotations', RESOLVE_NAMES_ANNOTATION];
}

export interface ImageLookupResult {
  /** `to: undefined` means: remove the key. */
  readonly changes: readonly ValueChange[];
  readonly message: string;
}

/** Set (or clear) local lookup on one ImageStream or workload. Throws UsageError for other kinds. */
export function setImageLookup(target: TriggerTarget, enabled: boolean): ImageLookupResult {
  const changes: ValueChange[] = [];
  if (target.kind === 'ImageStream') {
    const path: ObjectPath = ['spec', 'lookupPolicy', 'local'];
    const current = valueAt(target.object, path);
    if ((current === true) !== enabled) changes.push({ path, from: current, to: enabled });
  } else {
    const path = resolveNamesAnnotationPath(target.kind);
    if (!path) {
      throw new UsageError(`the resource ${resourceName(target.kind, target.name)} does not support altering image lookup`);
    }
    const current = valueAt(target.object, path);
    if (enabled && current !== '*') changes.push({ path, from: current, to: '*' });
    if (!enabled && current !== undefined) changes.push({ path, from: current, to: undefined });
  }
  const message =
    changes.length > 0
      ? `${qualifiedName(target.kind, target.name)} image lookup updated`
      : `info: ${resourceName(target.kind, target.name)} was not changed`;
  return { changes, message };
}

/** One row of the `NAME LOCAL` table. */
export interface ImageLookupRow {
  readonly name: string;
  readonly local: 'true' | 'false' | 'UNKNOWN';
}

export const IMAGE_LOOKUP_TABLE_HEADER = ['NAME', 'LOCAL'] as const;

/** The row oc prints: streams by bare name, other objects as `resource/name`. */
export function imageLookupRow(target: TriggerTarget): ImageLookupRow {
  if (target.kind === 'ImageStream') {
    return { name: target.name, local: valueAt(target.object, ['spec', 'lookupPolicy', 'local']) === true ? 'true' : 'false' };
  }
  const name = resourceName(target.kind, target.name);
  if (!podSpecPath(target.kind)) return { name, local: 'UNKNOWN' };
  return { name, local: resolveNamesForced(target.object, target.kind) ? 'true' : 'false' };
}
