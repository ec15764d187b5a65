/**
 * DeploymentConfig native `ImageChange` triggers (openshift-controller-manager
 * `image/trigger/deploymentconfigs`): automatic triggers write the resolved image into
 * `lastTriggeredImage` and into every named container/initContainer. Nothing is written until
 * every automatic trigger has resolved once (all-or-nothing initial resolution).
 */
import { ManifestError, type SourceLocation, type TagstreamError } from '../errors.js';
import { validateStreamName } from '../domain/names.js';
import { allContainers, valueAt, type ObjectPath } from '../domain/pod-spec.js';
import { splitStreamTag } from '../domain/stream-tag-name.js';
import {
  changeReason,
  resolveStreamTag,
  type FieldChange,
  type ResolveOptions,
  type SkippedTrigger,
  type StreamIndex,
  type TriggerPlan,
  type TriggerWorkload,
} from './apply-triggers.js';

/** One `ImageChange` trigger of a DeploymentConfig, defaults applied. */
export interface DcImageChangeTrigger {
  /** Index in `spec.triggers`. */
  readonly index: number;
  readonly automatic: boolean;
  readonly containerNames: readonly string[];
  readonly from: { readonly kind: string; readonly name: string; readonly namespace: string };
  readonly lastTriggeredImage: string;
}

export interface DcTriggers {
  /** A `ConfigChange` trigger is present (or `triggers` is null/absent, which defaults to one). */
  readonly configChange: boolean;
  readonly imageChange: readonly DcImageChangeTrigger[];
  /** Validation problems (k8s field-error wording); the API server would reject the object. */
  readonly problems: readonly string[];
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function stringOr(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** Read and validate `spec.triggers` of a DeploymentConfig (apps/v1 defaults and validation). */
export function readDeploymentConfigTriggers(object: unknown): DcTriggers {
  const raw = valueAt(object, ['spec', 'triggers']);
  if (raw === undefined || raw === null) return { configChange: true, imageChange: [], problems: [] };
  if (!Array.isArray(raw)) return { configChange: false, imageChange: [], problems: ['spec.triggers: expected a list'] };
  let configChange = false;
  const imageChange: DcImageChangeTrigger[] = [];
  const problems: string[] = [];
  raw.forEach((item: unknown, index) => {
    const at = `spec.triggers[${index}]`;
    const t = record(item) ?? {};
    const type = t['type'];
    if (type === 'ConfigChange') {
      configChange = true;
      return;
    }
    if (type !== 'ImageChange') {
      problems.push(`${at}.type: Unsupported value: ${JSON.stringify(type ?? '')}: supported values: "ConfigChange", "ImageChange"`);
      return;
    }
    const p = record(t['imageChangeParams']);
    if (!p) {
      problems.push(`${at}.imageChangeParams: Required value`);
      return;
    }
    const from = record(p['from']) ?? {};
    const kind = stringOr(from['kind'], '') || 'ImageStreamTag';
    const name = stringOr(from['name'], '');
    if (kind !== 'ImageStreamTag') {
      problems.push(`${at}.imageChangeParams.from.kind: Invalid value: ${JSON.stringify(kind)}: kind must be an ImageStreamTag`);
    }
    if (name === '') {
      problems.push(`${at}.imageChangeParams.from.name: Required value`);
    } else {
      const st = splitStreamTag(name);
      const bad = !st || validateStreamName('x', st.stream).length > 0;
      if (bad) problems.push(`${at}.imageChangeParams.from.name: Invalid value: ${JSON.stringify(name)}: must be of the form name:tag`);
    }
    const names = p['containerNames'];
    const containerNames = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    if (containerNames.length === 0) problems.push(`${at}.imageChangeParams.containerNames: Required value`);
    imageChange.push({
      index,
      automatic: p['automatic'] === true,
      containerNames,
      from: { kind, name, namespace: stringOr(from['namespace'], '') },
      lastTriggeredImage: stringOr(p['lastTriggeredImage'], ''),
    });
  });
  return { configChange, imageChange, problems };
}

function lastTriggeredImagePath(index: number): ObjectPath {
  return ['spec', 'triggers', index, 'imageChangeParams', 'lastTriggeredImage'];
}

/**
 * Plan the writes the DeploymentConfig image trigger controller would make. `automatic: false`
 * triggers are skipped; unknown container names are ignored (lastTriggeredImage still moves).
 */
export function applyDeploymentConfigTriggers(
  workload: TriggerWorkload,
  streams: StreamIndex,
  opts: ResolveOptions & { readonly location?: SourceLocation | undefined } = {},
): TriggerPlan {
  if (workload.kind !== 'DeploymentConfig') return { changes: [], errors: [], skipped: [] };
  const location = opts.location ?? workload.site?.location ?? { file: '<unknown>' };
  const dc = readDeploymentConfigTriggers(workload.object);
  if (dc.problems.length > 0) {
    const errors: TagstreamError[] = dc.problems.map(
      (p) => new ManifestError('Invalid', `DeploymentConfig ${workload.namespace}/${workload.name}: ${p}`, location),
    );
    return { changes: [], errors, skipped: [] };
  }
  const containers = allContainers(workload.object, workload.kind);
  const changes: FieldChange[] = [];
  const skipped: SkippedTrigger[] = [];
  for (const t of dc.imageChange) {
    const fieldPath = `spec.triggers[${t.index}]`;
    if (!t.automatic) {
      skipped.push({ fieldPath, from: t.from.name, reason: 'paused', detail: 'automatic is false' });
      continue;
    }
    const namespace = t.from.namespace || workload.namespace;
    const resolved = resolveStreamTag(streams, namespace, t.from.name, opts);
    if (!resolved && t.lastTriggeredImage === '') {
      // The controller leaves the whole DC alone until every automatic trigger has resolved once.
      const detail = `ImageStreamTag ${namespace}/${t.from.name} has no image yet; the DeploymentConfig waits for every automatic trigger`;
      return { changes: [], errors: [], skipped: [...skipped, { fieldPath, from: t.from.name, reason: 'unresolved', detail }] };
    }
    const st = splitStreamTag(t.from.name);
    const triggerKey = resolved?.key ?? `${namespace}/${st ? `${st.stream}:${st.tag}` : t.from.name}`;
    const to = resolved?.reference ?? t.lastTriggeredImage;
    if (t.lastTriggeredImage !== to) {
      changes.push({
        path: lastTriggeredImagePath(t.index),
        from: valueAt(workload.object, lastTriggeredImagePath(t.index)) === undefined ? undefined : t.lastTriggeredImage,
        to,
        trigger: triggerKey,
        reason: resolved ? changeReason(t.lastTriggeredImage, resolved) : 'set-back',
        container: 'lastTriggeredImage',
      });
    }
    for (const name of t.containerNames) {
      for (const c of containers.filter((x) => x.name === name)) {
        changes.push({
          path: c.imagePath,
          from: typeof c.image === 'string' ? c.image : undefined,
          to,
          trigger: triggerKey,
          reason: resolved ? changeReason(c.image, resolved) : 'set-back',
          container: name,
        });
      }
    }
  }
  return { changes: dedupeLastWins(changes), errors: [], skipped };
}

/** Two triggers naming one container: the later one wins, as the controller's loop does. */
function dedupeLastWins(changes: readonly FieldChange[]): FieldChange[] {
  const byPath = new Map<string, FieldChange>();
  for (const c of changes) {
    const key = JSON.stringify(c.path);
    const prev = byPath.get(key);
    byPath.delete(key);
    byPath.set(key, prev ? { ...c, from: prev.from } : c);
  }
  return [...byPath.values()].filter((c) => c.from !== c.to);
}
