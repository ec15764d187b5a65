/**
 * An object's triggers as oc's abstract TriggerDefinition: decoded from the
 * `image.openshift.io/triggers` annotation (Deployment, StatefulSet, DaemonSet, CronJob; plus
 * `spec.paused` for Deployments) or DeploymentConfig `spec.triggers`, changed as `set triggers` asks,
 * and listed as the `NAME TYPE VALUE AUTO` rows.
 */
import { UsageError } from '../errors.js';
import { findContainer, parseFieldPath } from '../domain/field-path.js';
import { isCustomResource, isKnownPodKind, openshiftWatches, podSpecFieldPath, valueAt } from '../domain/pod-spec.js';
import { parseTriggerAnnotation, TRIGGER_ANNOTATION } from '../domain/trigger.js';
import { readDeploymentConfigTriggers } from '../planning/dc-triggers.js';
import { guessResourceNames } from './resource-type.js';
import type { SetTriggersRequest, WebhookKind } from './set-triggers-request.js';

/** The object `set triggers` works on. */
export interface TriggerTarget {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** oc's abstract image trigger: one per DC trigger, one per annotation entry. */
export interface ImageChangeEntry {
  readonly auto: boolean;
  /** `<stream>:<tag>` as written in the trigger. */
  readonly from: string;
  /** '' when it is the object's namespace. */
  readonly namespace: string;
  readonly names: readonly string[] | undefined;
}

export interface TriggerDefinition {
  readonly configChange: boolean;
  readonly imageChange: readonly ImageChangeEntry[];
  /** Webhooks requested by flags (objects supported here never have any). */
  readonly webhooks: readonly WebhookKind[];
}

const RESOURCES: Readonly<Record<string, readonly [plural: string, group: string]>> = {
  Deployment: ['deployments', 'apps'],
  StatefulSet: ['statefulsets', 'apps'],
  DaemonSet: ['daemonsets', 'apps'],
  ReplicaSet: ['replicasets', 'apps'],
  CronJob: ['cronjobs', 'batch'],
  Job: ['jobs', 'batch'],
  Pod: ['pods', ''],
  ReplicationController: ['replicationcontrollers', ''],
  DeploymentConfig: ['deploymentconfigs', 'apps.openshift.io'],
  Rollout: ['rollouts', 'argoproj.io'],
  CloneSet: ['clonesets', 'apps.kruise.io'],
  BuildConfig: ['buildconfigs', 'build.openshift.io'],
  ImageStream: ['imagestreams', 'image.openshift.io'],
};

/** `deployments/web`: how oc names an object in tables and errors. */
export function resourceName(kind: string, name: string): string {
  const plural = Object.hasOwn(RESOURCES, kind) ? RESOURCES[kind]?.[0] : guessResourceNames(kind).plural;
  return `${plural}/${name}`;
}

/**
 * `deployment.apps/web`: how oc names an object in "... updated" lines. Kinds outside oc's table
 * (CRDs) take `group`, e.g. from the object's apiVersion (`widget.example.com/web`).
 */
export function qualifiedName(kind: string, name: string, group = ''): string {
  const known = Object.hasOwn(RESOURCES, kind) ? RESOURCES[kind]?.[1] : group;
  return `${kind.toLowerCase()}${known ? `.${known}` : ''}/${name}`;
}

/** '' when `namespace` is the current one (oc prints it only when it differs). */
export function defaultNamespace(namespace: string, current: string): string {
  return namespace === current ? '' : namespace;
}

/**
 * Decode an object's triggers like oc (NewAnnotationTriggers / NewDeploymentConfigTriggers).
 * Throws UsageError for unsupported kinds and for an annotation that is not valid JSON for
 * `[]ObjectFieldTrigger`. Annotation entries whose path does not resolve to a container are dropped.
 */
export function decodeTriggers(target: TriggerTarget): TriggerDefinition {
  if (target.kind === 'DeploymentConfig') {
    const dc = readDeploymentConfigTriggers(target.object);
    return {
      configChange: dc.configChange,
      imageChange: dc.imageChange.map((t) => ({
        auto: t.automatic,
        from: t.from.name,
        namespace: defaultNamespace(t.from.namespace, target.namespace),
        names: t.containerNames.length > 0 ? t.containerNames : undefined,
      })),
      webhooks: [],
    };
  }
  const specPath = podSpecFieldPath(target.kind, target.object);
  // oc supports the annotation on exactly the kinds OpenShift's trigger controller watches;
  // Tagstream also on other kinds (CRDs such as Rollouts) that have a pod template
  if (!specPath && isCustomResource(target.object)) {
    throw new UsageError(
      `${resourceName(target.kind, target.name)} has no pod template (spec.template.spec or spec.jobTemplate.spec.template.spec with a containers list), so it cannot have image triggers`,
    );
  }
  if ((!openshiftWatches(target.kind) && isKnownPodKind(target.kind)) || !specPath) {
    throw new UsageError(`${resourceName(target.kind, target.name)} does not support triggers`);
  }
  const configChange = target.kind === 'Deployment' ? valueAt(target.object, ['spec', 'paused']) !== true : true;
  const raw = valueAt(target.object, ['metadata', 'annotations', TRIGGER_ANNOTATION]);
  if (typeof raw !== 'string') return { configChange, imageChange: [], webhooks: [] };
  const parsed = parseTriggerAnnotation(raw, undefined, true);
  if (!parsed.ok) throw new UsageError(`${resourceName(target.kind, target.name)}: ${parsed.error.message}`);
  const imageChange: ImageChangeEntry[] = [];
  for (const t of parsed.triggers) {
    const fp = parseFieldPath(t.fieldPath, specPath);
    if (fp.kind !== 'container') continue;
    const container = findContainer(target.object, target.kind, fp.path);
    if (!container) continue;
    imageChange.push({
      auto: !t.paused,
      names: [container.name ?? ''],
      from: t.from.name,
      namespace: defaultNamespace(t.from.namespace, target.namespace),
    });
  }
  return { configChange, imageChange, webhooks: [] };
}

/** oc's updateTriggers: change only what the flags ask for. */
export function updateTriggerDefinition(def: TriggerDefinition, req: SetTriggersRequest): TriggerDefinition {
  if (req.removeAll) return { configChange: false, imageChange: [], webhooks: [] };
  if (req.remove) {
    return {
      configChange: req.fromConfig ? false : def.configChange,
      imageChange: req.fromImage !== undefined ? def.imageChange.filter((t) => t.from !== req.fromImage) : def.imageChange,
      webhooks: def.webhooks,
    };
  }
  if (req.reset) {
    return { configChange: req.auto, imageChange: def.imageChange.map((t) => ({ ...t, auto: req.auto })), webhooks: def.webhooks };
  }
  let imageChange = def.imageChange;
  if (req.fromImage !== undefined) {
    const fromImage = req.fromImage;
    const i = imageChange.findIndex((t) => t.from === fromImage && t.namespace === req.fromImageNamespace);
    const entry: ImageChangeEntry = { from: fromImage, namespace: req.fromImageNamespace, auto: !req.manual, names: req.containerNames };
    imageChange = i === -1 ? [...imageChange, entry] : imageChange.map((t, j) => (j === i ? entry : t));
  }
  return { configChange: req.fromConfig ? true : def.configChange, imageChange, webhooks: [...def.webhooks, ...req.webhooks] };
}

/** One row of the `NAME TYPE VALUE AUTO` table (rendering is the CLI's). */
export interface TriggerRow {
  readonly name: string;
  readonly type: 'config' | 'image' | '<error>';
  readonly value: string;
  readonly auto: boolean;
}

export const TRIGGER_TABLE_HEADER = ['NAME', 'TYPE', 'VALUE', 'AUTO'] as const;

/** Rows `oc set triggers KIND/NAME` prints for one object; `<error>` when it cannot be decoded. */
export function listTriggers(target: TriggerTarget): TriggerRow[] {
  const name = resourceName(target.kind, target.name);
  let def: TriggerDefinition;
  try {
    def = decodeTriggers(target);
  } catch {
    return [{ name, type: '<error>', value: '', auto: false }];
  }
  const rows: TriggerRow[] = [{ name, type: 'config', value: '', auto: def.configChange }];
  for (const t of def.imageChange) {
    const from = t.namespace ? `${t.namespace}/${t.from}` : t.from;
    const value = t.names && t.names.length > 0 ? `${from} (${t.names.join(', ')})` : from;
    rows.push({ name, type: 'image', value, auto: t.auto });
  }
  // oc drops a trigger whose container is gone; a listing that hid it would hide the problem
  for (const d of danglingTriggers(target)) rows.push({ name, type: '<error>', value: d.value, auto: d.auto });
  return rows;
}

/**
 * Annotation triggers that name no container of the object (decodeTriggers drops them, as oc
 * does): `app:1 (nope: no such container)`.
 */
function danglingTriggers(target: TriggerTarget): { value: string; auto: boolean }[] {
  if (target.kind === 'DeploymentConfig') return [];
  const specPath = podSpecFieldPath(target.kind, target.object);
  const raw = valueAt(target.object, ['metadata', 'annotations', TRIGGER_ANNOTATION]);
  if (!specPath || typeof raw !== 'string') return [];
  const parsed = parseTriggerAnnotation(raw, undefined, true);
  if (!parsed.ok) return [];
  const out: { value: string; auto: boolean }[] = [];
  for (const t of parsed.triggers) {
    const fp = parseFieldPath(t.fieldPath, specPath);
    if (fp.kind === 'container' && findContainer(target.object, target.kind, fp.path)) continue;
    const namespace = defaultNamespace(t.from.namespace, target.namespace);
    const from = namespace ? `${namespace}/${t.from.name}` : t.from.name;
    const container = /name\s*==\s*["']([^"']*)["']/.exec(t.fieldPath)?.[1];
    const why = container !== undefined ? `${container}: no such container` : `${t.fieldPath}: does not resolve`;
    out.push({ value: `${from} (${why})`, auto: !t.paused });
  }
  return out;
}
