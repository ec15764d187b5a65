/** Small builders for trigger planning tests: streams, workloads, annotations. */
import type { ImageStream, TagEvent } from '../../../src/domain/image-stream.js';
import { serializeTriggerAnnotation, TRIGGER_ANNOTATION, type ObjectFieldTrigger } from '../../../src/domain/trigger.js';
import type { StreamIndex, TriggerWorkload } from '../../../src/planning/apply-triggers.js';

export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;
export const D3 = `sha256:${'3'.repeat(64)}`;

export interface TagSpec {
  readonly tag: string;
  /** Newest first: [dockerImageReference, image]. */
  readonly items?: readonly (readonly [string, string])[];
  readonly local?: boolean;
  readonly reference?: boolean;
}

export function stream(namespace: string, name: string, tags: readonly TagSpec[], lookupLocal = false): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace },
    spec: {
      lookupPolicy: { local: lookupLocal },
      tags: tags.map((t) => ({
        name: t.tag,
        from: { kind: 'DockerImage', name: `quay.io/x/${name}:${t.tag}` },
        reference: t.reference ?? false,
        referencePolicy: { type: t.local ? 'Local' : 'Source' },
      })),
    },
    status: {
      tags: tags
        .filter((t) => t.items !== undefined)
        .map((t) => ({
          tag: t.tag,
          items: (t.items ?? []).map(([ref, image], i): TagEvent => ({ created: `2026-01-0${9 - i}T00:00:00Z`, dockerImageReference: ref, image, generation: 1 })),
        })),
    },
  };
}

export function index(...streams: ImageStream[]): StreamIndex {
  return new Map(streams.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, { stream: s }]));
}

export interface ContainerSpec {
  readonly name?: string;
  readonly image?: string;
}

export function podSpec(containers: readonly ContainerSpec[], initContainers?: readonly ContainerSpec[]): Record<string, unknown> {
  return { ...(initContainers ? { initContainers } : {}), containers };
}

/** A workload with the pod spec at the right place for its kind. */
export function workload(
  kind: string,
  name: string,
  opts: {
    readonly namespace?: string;
    readonly annotation?: string | readonly ObjectFieldTrigger[];
    readonly containers?: readonly ContainerSpec[];
    readonly initContainers?: readonly ContainerSpec[];
    readonly annotations?: Record<string, string>;
    readonly templateAnnotations?: Record<string, string>;
    readonly extraMetadata?: Record<string, unknown>;
    readonly spec?: Record<string, unknown>;
  } = {},
): TriggerWorkload & { readonly object: Record<string, unknown> } {
  const namespace = opts.namespace ?? 'ns';
  const annotations: Record<string, string> = { ...(opts.annotations ?? {}) };
  if (opts.annotation !== undefined) {
    annotations[TRIGGER_ANNOTATION] = typeof opts.annotation === 'string' ? opts.annotation : serializeTriggerAnnotation(opts.annotation);
  }
  const pod = podSpec(opts.containers ?? [], opts.initContainers);
  const template = { metadata: opts.templateAnnotations ? { annotations: opts.templateAnnotations } : {}, spec: pod };
  let spec: Record<string, unknown>;
  if (kind === 'Pod') spec = pod;
  else if (kind === 'CronJob') spec = { jobTemplate: { spec: { template } } };
  else spec = { template };
  const object = {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, ...(Object.keys(annotations).length > 0 ? { annotations } : {}), ...(opts.extraMetadata ?? {}) },
    spec: { ...spec, ...(opts.spec ?? {}) },
  };
  return { kind, name, namespace, object, site: { location: { file: `${name}.yaml`, line: 1, col: 1 } } };
}
