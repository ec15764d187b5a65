/**
 * Where each workload kind keeps its pod spec, and the containers inside it, as OpenShift's
 * referencemutator (`GetPodSpecV1`) sees them. Pure: plain JS objects in, paths and values out.
 */

import { valueAt, type ObjectPath } from './plain-value.js';

export { valueAt, type ObjectPath } from './plain-value.js';

export type ContainerList = 'containers' | 'initContainers';

const TEMPLATE_SPEC = ['spec', 'template', 'spec'] as const;

const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: TEMPLATE_SPEC,
  DaemonSet: TEMPLATE_SPEC,
  StatefulSet: TEMPLATE_SPEC,
  ReplicaSet: TEMPLATE_SPEC,
  ReplicationController: TEMPLATE_SPEC,
  Job: TEMPLATE_SPEC,
  DeploymentConfig: TEMPLATE_SPEC,
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Kinds whose `image.openshift.io/triggers` annotation Tagstream evaluates. OpenShift's trigger
 * controller only watches the first four (see `openshiftWatches`); the updater has code for the
 * rest, and in Git there is no reason to refuse them.
 */
export const ANNOTATION_TRIGGER_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'Pod',
  'ReplicaSet',
  'ReplicationController',
] as const;

export type AnnotationTriggerKind = (typeof ANNOTATION_TRIGGER_KINDS)[number];

/** Kinds OpenShift's image trigger controller watches for the annotation (controller/image.go). */
const WATCHED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']);

/** True when OpenShift itself would fire annotation triggers on this kind. */
export function openshiftWatches(kind: string): boolean {
  return WATCHED_KINDS.has(kind);
}

/** True when Tagstream evaluates the trigger annotation on this kind. */
export function supportsAnnotationTriggers(kind: string): kind is AnnotationTriggerKind {
  return (ANNOTATION_TRIGGER_KINDS as readonly string[]).includes(kind);
}

/**
 * Where other kinds (CRDs) keep a pod template, probed in this order: Argo Rollouts, Knative
 * Services, OpenKruise CloneSets and most operators use `spec.template.spec`; CronJob-like kinds
 * `spec.jobTemplate.spec.template.spec`. OpenShift itself knows none of them (README).
 */
const PROBED_POD_SPEC_PATHS: readonly (readonly string[])[] = [TEMPLATE_SPEC, ['spec', 'jobTemplate', 'spec', 'template', 'spec']];

/**
 * A custom resource: its apiVersion names a DNS-style group (`argoproj.io/v1alpha1`,
 * `serving.knative.dev/v1`), unlike core kinds (`v1`, `apps/v1`, `batch/v1`) and OpenShift's own.
 */
export function isCustomResource(object: unknown): boolean {
  const apiVersion = valueAt(object, ['apiVersion']);
  if (typeof apiVersion !== 'string') return false;
  const group = groupOf(apiVersion);
  return group.includes('.') && !group.endsWith('.openshift.io') && !group.endsWith('.k8s.io');
}

/** The API group of an `apiVersion` ('' for the core group's `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** True for the Kubernetes/OpenShift kinds whose pod spec place is fixed by the table above. */
export function isKnownPodKind(kind: string): boolean {
  return Object.hasOwn(POD_SPEC_PATHS, kind);
}

/**
 * Path of the pod spec inside an object of `kind`, or undefined for kinds without one. For kinds
 * outside the table, `object` is probed for a pod template with a `containers` list.
 */
export function podSpecPath(kind: string, object?: unknown): readonly string[] | undefined {
  if (Object.hasOwn(POD_SPEC_PATHS, kind)) return POD_SPEC_PATHS[kind];
  if (!isCustomResource(object)) return undefined;
  return PROBED_POD_SPEC_PATHS.find((p) => Array.isArray(valueAt(object, [...p, 'containers'])));
}

/** The pod spec path written the way fieldPaths spell it (`spec.template.spec`). */
export function podSpecFieldPath(kind: string, object?: unknown): string | undefined {
  return podSpecPath(kind, object)?.join('.');
}

/**
 * True when Tagstream evaluates the trigger annotation on this object: the kinds above, and any
 * other kind (a CRD) whose object has a pod template.
 */
export function evaluatesAnnotationTriggers(kind: string, object: unknown): boolean {
  return supportsAnnotationTriggers(kind) || (!isKnownPodKind(kind) && podSpecPath(kind, object) !== undefined);
}

/**
 * Path of the pod template's metadata (where `resolve-names` goes), or undefined when the kind
 * has no template (Pod): then the object's own metadata is used.
 */
export function podTemplateMetadataPath(kind: string): readonly string[] | undefined {
  const spec = podSpecPath(kind);
  if (!spec || spec.length < 2) return undefined;
  return [...spec.slice(0, -1), 'metadata'];
}

/** One container of a pod spec, with its path from the object root. */
export interface ContainerSlot {
  readonly list: ContainerList;
  readonly index: number;
  /** undefined when the entry has no string `name`. */
  readonly name: string | undefined;
  /** The `image` value as found (undefined when absent, possibly not a string). */
  readonly image: unknown;
  /** Path of the container's `image` field from the object root. */
  readonly imagePath: ObjectPath;
}

/** Containers of one list (`containers` or `initContainers`) of the object's pod spec. */
export function containerList(object: unknown, kind: string, list: ContainerList): ContainerSlot[] {
  const spec = podSpecPath(kind, object);
  if (!spec) return [];
  const items = valueAt(object, [...spec, list]);
  if (!Array.isArray(items)) return [];
  return items.map((item: unknown, index): ContainerSlot => {
    const c = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    return {
      list,
      index,
      name: typeof c['name'] === 'string' ? c['name'] : undefined,
      image: c['image'],
      imagePath: [...spec, list, index, 'image'],
    };
  });
}

/** initContainers then containers: the order OpenShift searches by name. */
export function allContainers(object: unknown, kind: string): ContainerSlot[] {
  return [...containerList(object, kind, 'initContainers'), ...containerList(object, kind, 'containers')];
}

/** First container named `name`, initContainers first (referencemutator `GetContainerByName`). */
export function containerByName(object: unknown, kind: string, name: string): ContainerSlot | undefined {
  return allContainers(object, kind).find((c) => c.name === name);
}

/** On an object or its pod template: resolve every image through lookup as a local name (§6). */
export const RESOLVE_NAMES_ANNOTATION = 'alpha.image.policy.openshift.io/resolve-names';
