/**
 * `oc set image-lookup` as a pure transform (oc `pkg/cli/set/imagelookup.go`): on ImageStreams it
 * sets `spec.lookupPolicy.local`; on workloads it adds or removes
 * `alpha.image.policy.openshift.io/resolve-names: "*"` on the pod template (on the object itself
 * when it has no template). Also the `NAME LOCAL` listing as data.
 */
import { UsageError } from '../errors.js';
import { podSpecPath, podTemplateMetadataPath, valueAt, type ObjectPath } from '../domain/pod-spec.js';
import { RESOLVE_NAMES_ANNOTATION, resolveNamesForced } from '../planning/lookup-policy.js';
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
  /** Every ImageStream of the namespace (no arguments, or `--all`). */
  readonly allStreams: boolean;
  readonly targets: readonly { readonly kind: string; readonly name: string }[];
}

const KIND_ALIASES: Readonly<Record<string, string>> = {
  is: 'ImageStream',
  imagestream: 'ImageStream',
  imagestreams: 'ImageStream',
  deploy: 'Deployment',
  deployment: 'Deployment',
  deployments: 'Deployment',
  dc: 'DeploymentConfig',
  deploymentconfig: 'DeploymentConfig',
  deploymentconfigs: 'DeploymentConfig',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  rs: 'ReplicaSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rc: 'ReplicationController',
  replicationcontroller: 'ReplicationController',
  replicationcontrollers: 'ReplicationController',
  job: 'Job',
  jobs: 'Job',
  cj: 'CronJob',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  po: 'Pod',
  pod: 'Pod',
  pods: 'Pod',
  // found so that oc's refusals name them (Tagstream runs no builds)
  bc: 'BuildConfig',
  buildconfig: 'BuildConfig',
  buildconfigs: 'BuildConfig',
  // beyond oc: CRDs with a pod template (triggers only; see README "Where images live")
  ro: 'Rollout',
  rollout: 'Rollout',
  rollouts: 'Rollout',
  ksvc: 'Service',
  kservice: 'Service',
  cloneset: 'CloneSet',
  clonesets: 'CloneSet',
};

/** Resolve `deploy`, `dc`, `statefulsets`, ... (a `.group` suffix is ignored) to a kind. */
export function kindFromResourceArg(resource: string): string | undefined {
  const plain = resource.toLowerCase().split('.')[0] ?? '';
  return Object.hasOwn(KIND_ALIASES, plain) ? KIND_ALIASES[plain] : undefined;
}

/**
 * Interpret `oc set image-lookup [NAME|TYPE/NAME ...] [--enabled] [--all] [--list]`: bare names are
 * ImageStreams; no argument (without --all) lists every stream.
 */
export function completeImageLookup(args: readonly string[], flags: ImageLookupFlags = {}): ImageLookupRequest {
  const enabled = flags.enabled ?? true;
  const all = flags.all === true;
  const list = (args.length === 0 && !all) || flags.list === true;
  const targets = args.map((arg) => {
    const slash = arg.indexOf('/');
    if (slash === -1) return { kind: 'ImageStream', name: arg };
    const type = arg.slice(0, slash);
    const kind = kindFromResourceArg(type);
    if (!kind) throw new UsageError(`the server doesn't have a resource type "${type}"`);
    return { kind, name: arg.slice(slash + 1) };
  });
  return { mode: list ? 'list' : 'update', enabled, allStreams: args.length === 0, targets };
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
