/**
 * `oc set triggers KIND/NAME` as a pure transform (oc `pkg/cli/set/triggers.go`): flags are
 * completed and validated with oc's wording, the object's triggers are decoded into oc's abstract
 * TriggerDefinition, changed, and written back as the annotation (Deployment, StatefulSet,
 * DaemonSet, CronJob; plus `spec.paused` for Deployments) or as DeploymentConfig
 * `spec.triggers`. Only image and config triggers exist here: webhook flags are refused because
 * no supported kind accepts them (BuildConfigs are not supported by Tagstream).
 */
import { UsageError } from '../errors.js';
import { containerNameFieldPath } from '../domain/field-path.js';
import { allContainers, podSpecFieldPath, valueAt, type ObjectPath } from '../domain/pod-spec.js';
import {
  serializeTriggerAnnotation,
  TRIGGER_ANNOTATION,
  type ObjectFieldTrigger,
} from '../domain/trigger.js';
import { apiGroup } from './resource-type.js';
import type { SetTriggersRequest, WebhookKind } from './set-triggers-request.js';
import {
  decodeTriggers,
  defaultNamespace,
  qualifiedName,
  resourceName,
  updateTriggerDefinition,
  type ImageChangeEntry,
  type TriggerDefinition,
  type TriggerTarget,
} from './trigger-definition.js';

export { completeSetTriggers, type SetTriggersFlags, type SetTriggersRequest } from './set-triggers-request.js';
export {
  decodeTriggers,
  listTriggers,
  qualifiedName,
  resourceName,
  TRIGGER_TABLE_HEADER,
  updateTriggerDefinition,
  type ImageChangeEntry,
  type TriggerDefinition,
  type TriggerRow,
  type TriggerTarget,
} from './trigger-definition.js';

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
      ? `${qualifiedName(target.kind, target.name, apiGroup(target.object))} triggers updated`
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
