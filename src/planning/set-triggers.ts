/**
 * `oc set triggers KIND/NAME` as a pure transform (oc `pkg/cli/set/triggers.go`): flags are
 * completed and validated with oc's wording, the object's triggers are decoded into oc's abstract
 * TriggerDefinition, changed, and written back as the annotation (Deployment, StatefulSet,
 * DaemonSet, CronJob; plus `spec.paused` for Deployments) or as DeploymentConfig
 * `spec.triggers`. Only image and config triggers exist here: webhook flags are refused because
 * no supported kind accepts them (BuildConfigs are not supported by Tagstream).
 */
import { UsageError } from '../errors.js';
import { containerNameFieldPath, findContainer, parseFieldPath } from '../domain/field-path.js';
import { allContainers, isKnownPodKind, openshiftWatches, podSpecFieldPath, valueAt, type ObjectPath } from '../domain/pod-spec.js';
import { parseOpenShiftReference, type OpenShiftReference } from '../domain/tag-source.js';
import {
  parseTriggerAnnotation,
  serializeTriggerAnnotation,
  TRIGGER_ANNOTATION,
  type ObjectFieldTrigger,
} from '../domain/trigger.js';
import { readDeploymentConfigTriggers } from './dc-triggers.js';

/** Flags as given; a webhook flag that is defined (even false) counts as set, like cobra's Changed. */
export interface SetTriggersFlags {
  readonly fromImage?: string | undefined;
  /** `-c/--containers`: comma-separated as typed, or already split. */
  readonly containers?: string | readonly string[] | undefined;
  readonly auto?: boolean | undefined;
  readonly manual?: boolean | undefined;
  readonly remove?: boolean | undefined;
  readonly removeAll?: boolean | undefined;
  readonly fromConfig?: boolean | undefined;
  readonly fromGithub?: boolean | undefined;
  readonly fromWebhook?: boolean | undefined;
  readonly fromWebhookAllowEnv?: boolean | undefined;
  readonly fromGitlab?: boolean | undefined;
  readonly fromBitbucket?: boolean | undefined;
}

type WebhookKind = 'github' | 'generic' | 'generic-allowenv' | 'gitlab' | 'bitbucket';

/** Completed and validated request (oc's Complete + Validate). */
export interface SetTriggersRequest {
  /** No change flag: print the `NAME TYPE VALUE AUTO` table. */
  readonly printTable: boolean;
  readonly auto: boolean;
  readonly manual: boolean;
  /** `--auto`/`--manual` without a trigger type: flip every trigger. */
  readonly reset: boolean;
  readonly remove: boolean;
  readonly removeAll: boolean;
  readonly fromConfig: boolean;
  /** `<stream>:<tag>` (namespace split off), when `--from-image` was given. */
  readonly fromImage: string | undefined;
  /** Namespace of `--from-image`; '' when it is the current namespace. */
  readonly fromImageNamespace: string;
  readonly containerNames: readonly string[] | undefined;
  /** Webhook flags that were set to true (each is refused when applied to an object). */
  readonly webhooks: readonly WebhookKind[];
}

/**
 * oc's Complete + Validate. `namespace` is the current namespace (`--namespace` or the object's).
 * Throws UsageError with oc's exact messages.
 */
export function completeSetTriggers(flags: SetTriggersFlags, namespace: string): SetTriggersRequest {
  let fromImage: string | undefined;
  let fromImageNamespace = '';
  if (flags.fromImage !== undefined && flags.fromImage !== '') {
    let ref: OpenShiftReference;
    try {
      ref = parseOpenShiftReference(flags.fromImage);
    } catch (e) {
      throw new UsageError(`the value of --from-image does not appear to be a valid reference to an image: ${(e as Error).message}`);
    }
    if (ref.registry !== '' || ref.id !== '') {
      throw new UsageError('the value of --from-image must point to an image stream tag on this server');
    }
    if (ref.tag === '') throw new UsageError('the value of --from-image must include the tag you wish to pull from');
    fromImage = `${ref.name}:${ref.tag}`;
    fromImageNamespace = ref.namespace === namespace ? '' : ref.namespace;
  }
  const webhookFlags: [boolean | undefined, WebhookKind][] = [
    [flags.fromGithub, 'github'],
    [flags.fromWebhook, 'generic'],
    [flags.fromWebhookAllowEnv, 'generic-allowenv'],
    [flags.fromGitlab, 'gitlab'],
    [flags.fromBitbucket, 'bitbucket'],
  ];
  const fromConfig = flags.fromConfig === true;
  const count =
    (fromConfig ? 1 : 0) + webhookFlags.filter(([v]) => v !== undefined).length + (fromImage !== undefined ? 1 : 0);
  let auto = flags.auto === true;
  const manual = flags.manual === true;
  const remove = flags.remove === true;
  const removeAll = flags.removeAll === true;
  const reset = count === 0 && (auto || manual);
  let printTable = false;
  if (count === 0 && !remove && !removeAll && !auto && !manual) printTable = true;
  else if (!removeAll && !auto && !manual) auto = true;

  if (auto && manual) throw new UsageError('you must specify at most one of --auto or --manual');
  if (remove && removeAll) throw new UsageError('you must specify either --remove or --remove-all');
  if (removeAll && (count !== 0 || auto || manual)) throw new UsageError('--remove-all may not be used with any other flag');
  if (remove && count < 1) throw new UsageError('--remove requires a flag defining a trigger type to be specified');
  if (count > 1) throw new UsageError('you may only set one trigger type at a time');

  const raw = flags.containers;
  const containerNames = raw === undefined || raw.length === 0 ? undefined : typeof raw === 'string' ? raw.split(',') : [...raw];
  return {
    printTable,
    auto,
    manual,
    reset,
    remove,
    removeAll,
    fromConfig,
    fromImage,
    fromImageNamespace,
    containerNames,
    webhooks: webhookFlags.filter(([v]) => v === true).map(([, k]) => k),
  };
}

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
  const plural = Object.hasOwn(RESOURCES, kind) ? RESOURCES[kind]?.[0] : `${kind.toLowerCase()}s`;
  return `${plural}/${name}`;
}

/** `deployment.apps/web`: how oc names an object in "... updated" lines. */
export function qualifiedName(kind: string, name: string): string {
  const group = Object.hasOwn(RESOURCES, kind) ? RESOURCES[kind]?.[1] : '';
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name}`;
}

function defaultNamespace(namespace: string, current: string): string {
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

/** A planned change of any field (scalar or subtree), relative to the object root. */
export interface ValueChange {
  readonly path: ObjectPath;
  /** undefined when the field does not exist. */
  readonly from: unknown;
  /** The new value (plain JS); for the annotation, the whole JSON string. */
  readonly to: unknown;
}

export interface SetTriggersResult {
  readonly changes: readonly ValueChange[];
  /** oc's line: `deployment.apps/web triggers updated` or `info: deployments/web was not changed`. */
  readonly message: string;
  /** `warning: ...` lines for side effects a GitOps user must know about (a paused Deployment). */
  readonly warnings: readonly string[];
}

const WEBHOOK_LABEL: Readonly<Record<WebhookKind, string>> = {
  github: 'GitHub web hooks',
  generic: 'web hooks',
  'generic-allowenv': 'web hooks',
  gitlab: 'GitLab web hooks',
  bitbucket: 'Bitbucket web hooks',
};
const WEBHOOK_ORDER: readonly WebhookKind[] = ['github', 'generic', 'generic-allowenv', 'gitlab', 'bitbucket'];

/** oc's wording: `deployment configs do not support ...` / `deployments/web does not support ...`. */
function refuseWebhooks(def: TriggerDefinition, subject: string): void {
  const first = WEBHOOK_ORDER.find((k) => def.webhooks.includes(k));
  if (first) throw new UsageError(`${subject} not support ${WEBHOOK_LABEL[first]}`);
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function containerNamesOf(target: TriggerTarget): Set<string> {
  return new Set(allContainers(target.object, target.kind).map((c) => c.name ?? ''));
}

function checkNames(entry: ImageChangeEntry, allNames: ReadonlySet<string>): readonly string[] {
  if (!entry.names || entry.names.length === 0) throw new UsageError('you must specify --containers when setting --from-image');
  const missing = sortedUnique(entry.names.filter((n) => !allNames.has(n)));
  if (missing.length > 0) {
    throw new UsageError(`not all container names exist: ${missing.join(', ')} (accepts: ${sortedUnique(allNames).join(', ')})`);
  }
  return entry.names;
}

/**
 * Apply `set triggers` to one object: the new annotation / `spec.paused` / DC `spec.triggers`.
 * Throws UsageError with oc's messages. Call `listTriggers` instead when `req.printTable`.
 */
export function setTriggers(target: TriggerTarget, req: SetTriggersRequest): SetTriggersResult {
  const def = updateTriggerDefinition(decodeTriggers(target), req);
  const changes = target.kind === 'DeploymentConfig' ? applyToDeploymentConfig(target, def) : applyToAnnotated(target, def);
  const message =
    changes.length > 0
      ? `${qualifiedName(target.kind, target.name)} triggers updated`
      : `info: ${resourceName(target.kind, target.name)} was not changed`;
  return { changes, message, warnings: pausedWarnings(target, changes) };
}

/**
 * oc pauses a Deployment when its config-change trigger goes (`--remove-all`, `--from-config
 * --remove`, `--manual`); Tagstream keeps that, but under Argo CD / Flux a paused Deployment
 * silently stops rolling out, so say so and how to undo it.
 */
function pausedWarnings(target: TriggerTarget, changes: readonly ValueChange[]): string[] {
  if (target.kind !== 'Deployment') return [];
  const pausing = changes.some((c) => c.path.length === 2 && c.path[0] === 'spec' && c.path[1] === 'paused' && c.to === true);
  if (!pausing) return [];
  return [
    `warning: ${resourceName(target.kind, target.name)}: spec.paused is now true (oc pauses a Deployment when its config-change trigger is removed or paused); ` +
      `once Argo CD or Flux applies it the Deployment stops rolling out. Undo with: tagstream set triggers deployment/${target.name} --from-config --auto`,
  ];
}

function applyToAnnotated(target: TriggerTarget, def: TriggerDefinition): ValueChange[] {
  refuseWebhooks(def, `${resourceName(target.kind, target.name)} does`);
  const specPath = podSpecFieldPath(target.kind, target.object) ?? 'spec.template.spec';
  const allNames = containerNamesOf(target);
  const already = new Set<string>();
  const triggers: ObjectFieldTrigger[] = [];
  for (const entry of def.imageChange) {
    const names = checkNames(entry, allNames);
    const dup = sortedUnique(names.filter((n) => already.has(n)));
    if (dup.length > 0) throw new UsageError(`only one trigger may reference each container: ${dup.join(', ')}`);
    names.forEach((n) => already.add(n));
    const namespace = entry.namespace === target.namespace ? '' : entry.namespace;
    for (const name of names) {
      triggers.push({
        from: { kind: 'ImageStreamTag', name: entry.from, namespace, apiVersion: '' },
        fieldPath: containerNameFieldPath(specPath, name),
        paused: !entry.auto,
      });
    }
  }
  const changes: ValueChange[] = [];
  const annotationPath: ObjectPath = ['metadata', 'annotations', TRIGGER_ANNOTATION];
  const current = valueAt(target.object, annotationPath);
  const next = serializeTriggerAnnotation(triggers);
  if (current !== next) changes.push({ path: annotationPath, from: current, to: next });
  if (target.kind === 'Deployment') {
    const paused = valueAt(target.object, ['spec', 'paused']);
    const want = !def.configChange;
    if ((paused === true) !== want) changes.push({ path: ['spec', 'paused'], from: paused, to: want });
  }
  return changes;
}

interface DcTriggerJson {
  readonly type: 'ConfigChange' | 'ImageChange';
  readonly imageChangeParams?: {
    readonly automatic?: true;
    readonly containerNames: readonly string[];
    readonly from: { readonly kind: 'ImageStreamTag'; readonly namespace?: string; readonly name: string };
    readonly lastTriggeredImage?: string;
  };
}

/**
 * The typed view of a raw DC trigger used for oc's DeepEqual merge, with lastTriggeredImage
 * aside and a namespace equal to the DC's read as empty (both mean the same to OpenShift).
 */
function dcTriggerKey(raw: unknown, dcNamespace: string): string {
  const t = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const p = valueAt(t, ['imageChangeParams']);
  if (p === undefined || p === null) return JSON.stringify([t['type'] ?? '']);
  const names = valueAt(p, ['containerNames']);
  return JSON.stringify([
    t['type'] ?? '',
    valueAt(p, ['automatic']) === true,
    Array.isArray(names) ? names : [],
    valueAt(p, ['from', 'kind']) ?? '',
    defaultNamespace(String(valueAt(p, ['from', 'namespace']) ?? ''), dcNamespace),
    valueAt(p, ['from', 'name']) ?? '',
  ]);
}

/**
 * oc's Apply for DeploymentConfigs: ConfigChange first, then one ImageChange per entry, merged
 * with the existing list. Deviation on purpose: an existing trigger equal to a new one except for
 * `lastTriggeredImage` is kept as written (oc drops the field and the controller sets it again; in
 * Git that would be churn).
 */
function applyToDeploymentConfig(target: TriggerTarget, def: TriggerDefinition): ValueChange[] {
  refuseWebhooks(def, 'deployment configs do');
  const allNames = containerNamesOf(target);
  const wanted: DcTriggerJson[] = [];
  if (def.configChange) wanted.push({ type: 'ConfigChange' });
  for (const entry of def.imageChange) {
    const names = checkNames(entry, allNames);
    wanted.push({
      type: 'ImageChange',
      imageChangeParams: {
        ...(entry.auto ? { automatic: true as const } : {}),
        containerNames: [...names],
        from: { kind: 'ImageStreamTag', ...(entry.namespace ? { namespace: entry.namespace } : {}), name: entry.from },
      },
    });
  }
  const existingRaw = valueAt(target.object, ['spec', 'triggers']);
  const existing: unknown[] = Array.isArray(existingRaw) ? existingRaw : [];
  const existingNonConfig = existing.filter((t) => valueAt(t, ['type']) !== 'ConfigChange');
  // mergeDeployTriggers: existing triggers that are still wanted (in their order), then the rest.
  const key = (t: unknown): string => dcTriggerKey(t, target.namespace);
  const wantedKeys = new Set(wanted.map(key));
  const result: unknown[] = existingNonConfig.filter((e) => wantedKeys.has(key(e)));
  for (const w of wanted) {
    if (!result.some((r) => key(r) === key(w))) result.push(w);
  }
  if (JSON.stringify(result) === JSON.stringify(existing)) return [];
  return [{ path: ['spec', 'triggers'], from: existingRaw, to: result }];
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
  return rows;
}
