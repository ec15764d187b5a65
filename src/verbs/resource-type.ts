/**
 * Resource-type arguments (`deploy`, `deployments.apps`, `Widget.example.com`) resolved to a kind
 * the way kubectl's RESTMapper does: case-insensitive, by short name, singular or plural resource
 * name, optionally qualified by `.group` or `.version.group`. Kinds oc knows come from a table;
 * any other kind is known when the repository holds an object of it (the repository is the
 * "server"), its resource names guessed as kubectl's `UnsafeGuessKindToResource` does.
 */
import { groupOf } from '../domain/pod-spec.js';

/** A parsed `resource[.version][.group]` argument. */
export interface ResourceType {
  /** As typed (for error messages). */
  readonly arg: string;
  /** Lower-cased resource, short or kind name. */
  readonly resource: string;
  readonly group?: string | undefined;
  readonly version?: string | undefined;
}

/** A kind and its API group ('' for the core group). */
export interface GroupKind {
  readonly kind: string;
  readonly group: string;
}

interface KnownKind extends GroupKind {
  /** Short, singular and plural names. */
  readonly names: readonly string[];
  /**
   * Core and OpenShift kinds match objects of any group (OpenShift's legacy `v1` DCs and streams,
   * `extensions/v1beta1` Deployments); the CRDs below only objects of their own group.
   */
  readonly anyGroup: boolean;
}

const KNOWN_KINDS: readonly KnownKind[] = [
  { kind: 'ImageStream', group: 'image.openshift.io', names: ['is', 'imagestream', 'imagestreams'], anyGroup: true },
  { kind: 'Deployment', group: 'apps', names: ['deploy', 'deployment', 'deployments'], anyGroup: true },
  { kind: 'DeploymentConfig', group: 'apps.openshift.io', names: ['dc', 'deploymentconfig', 'deploymentconfigs'], anyGroup: true },
  { kind: 'StatefulSet', group: 'apps', names: ['sts', 'statefulset', 'statefulsets'], anyGroup: true },
  { kind: 'DaemonSet', group: 'apps', names: ['ds', 'daemonset', 'daemonsets'], anyGroup: true },
  { kind: 'ReplicaSet', group: 'apps', names: ['rs', 'replicaset', 'replicasets'], anyGroup: true },
  { kind: 'ReplicationController', group: '', names: ['rc', 'replicationcontroller', 'replicationcontrollers'], anyGroup: true },
  { kind: 'Job', group: 'batch', names: ['job', 'jobs'], anyGroup: true },
  { kind: 'CronJob', group: 'batch', names: ['cj', 'cronjob', 'cronjobs'], anyGroup: true },
  { kind: 'Pod', group: '', names: ['po', 'pod', 'pods'], anyGroup: true },
  // found so that oc's refusals name them (Tagstream runs no builds)
  { kind: 'BuildConfig', group: 'build.openshift.io', names: ['bc', 'buildconfig', 'buildconfigs'], anyGroup: true },
  // beyond oc: CRDs with a pod template whose short names users type (see README "Where images live")
  { kind: 'Rollout', group: 'argoproj.io', names: ['ro', 'rollout', 'rollouts'], anyGroup: false },
  { kind: 'Service', group: 'serving.knative.dev', names: ['ksvc', 'kservice', 'kservices'], anyGroup: false },
  { kind: 'CloneSet', group: 'apps.kruise.io', names: ['cloneset', 'clonesets'], anyGroup: false },
];

/** `v1`, `v1beta2`, `v2alpha1`: a Kubernetes version segment. */
const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/** Split `TYPE` as kubectl does: `resource`, `resource.group`, or `resource.version.group`. */
export function parseResourceType(arg: string): ResourceType {
  const lower = arg.toLowerCase();
  const dot = lower.indexOf('.');
  if (dot === -1) return { arg, resource: lower };
  const resource = lower.slice(0, dot);
  const rest = lower.slice(dot + 1);
  const next = rest.indexOf('.');
  if (next !== -1 && VERSION.test(rest.slice(0, next))) return { arg, resource, version: rest.slice(0, next), group: rest.slice(next + 1) };
  return { arg, resource, group: rest };
}

/** The API group of a plain object ('' when it has no string apiVersion). */
export function apiGroup(object: Readonly<Record<string, unknown>>): string {
  const apiVersion = object['apiVersion'];
  return typeof apiVersion === 'string' ? groupOf(apiVersion) : '';
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

/** kubectl's `UnsafeGuessKindToResource`: the plural and singular resource names of a kind. */
export function guessResourceNames(kind: string): { readonly plural: string; readonly singular: string } {
  const singular = kind.toLowerCase();
  if (singular === '' || singular.endsWith('endpoints')) return { plural: singular, singular };
  if (singular.endsWith('s')) return { plural: `${singular}es`, singular };
  if (singular.endsWith('y')) return { plural: `${singular.slice(0, -1)}ies`, singular };
  return { plural: `${singular}s`, singular };
}

function knownMatches(type: ResourceType): KnownKind[] {
  return KNOWN_KINDS.filter((k) => k.names.includes(type.resource) && (type.group === undefined || type.group === k.group) && type.version === undefined);
}

/** The kind oc's tables know for a resource-type argument (a `.group` suffix must be the kind's). */
export function knownKind(arg: string): KnownKind | undefined {
  return knownMatches(parseResourceType(arg))[0];
}

/** True when an object (`apiVersion`, `kind`) may be what `type` names (before kubectl's priority is applied). */
export function typeMayName(type: ResourceType, apiVersion: string, kind: string): boolean {
  if (knownMatches(type).some((k) => k.kind === kind && (k.anyGroup || groupOf(apiVersion) === k.group))) return true;
  const { plural, singular } = guessResourceNames(kind);
  if (type.resource !== plural && type.resource !== singular) return false;
  if (type.group !== undefined && type.group !== groupOf(apiVersion)) return false;
  return type.version === undefined || type.version === versionOf(apiVersion);
}

/** What a resource type resolved to: a kind, and its group unless any group's objects count. */
export interface ResolvedType {
  readonly kind: string;
  readonly group?: string | undefined;
}

/**
 * Resolve `type` against the kinds oc knows and the kinds of `objects` (the repository's), as
 * kubectl resolves against the server's discovery: known kinds first, then the core group, and a
 * name two other groups share is ambiguous. Undefined when it names nothing.
 */
export function resolveResourceType(
  type: ResourceType,
  objects: Iterable<{ readonly apiVersion: string; readonly kind: string }>,
): ResolvedType | { readonly ambiguous: readonly GroupKind[] } | undefined {
  const known = knownMatches(type)[0];
  if (known) return known.anyGroup ? { kind: known.kind } : { kind: known.kind, group: known.group };
  const seen = new Map<string, GroupKind>();
  for (const o of objects) {
    if (!typeMayName(type, o.apiVersion, o.kind)) continue;
    const gk = { kind: o.kind, group: groupOf(o.apiVersion) };
    seen.set(`${gk.kind}.${gk.group}`, gk);
  }
  const matches = [...seen.values()];
  const core = matches.filter((m) => m.group === '');
  const pick = core.length === 1 ? core : matches;
  if (pick.length === 1) return pick[0] as GroupKind;
  if (pick.length > 1) return { ambiguous: pick.sort((a, b) => `${a.kind}.${a.group}`.localeCompare(`${b.kind}.${b.group}`)) };
  return undefined;
}
