/**
 * `-o json|yaml|name` as kubectl prints them: JSON with 4-space indentation and sorted keys
 * (objects come back unstructured), YAML via sigs.k8s.io/yaml (sorted keys, sequences not
 * indented), several objects wrapped in a `v1 List`. Pure.
 */
import { stringify } from 'yaml';
import type { ImageStream } from '../../domain/image-stream.js';
import { findSpecTag, findStatusTag } from '../../domain/image-stream.js';
import type { IstagView } from '../../domain/image-stream-tag-view.js';

export type ObjectFormat = 'json' | 'yaml';

const IMAGE_API = 'image.openshift.io/v1';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The stream as the API would return it: namespace filled in. */
export function streamObject(stream: ImageStream, namespace: string): Record<string, unknown> {
  return { ...stream, metadata: { ...stream.metadata, namespace } } as unknown as Record<string, unknown>;
}

/** The ImageStreamTag resource for a listable tag (imagestreamtag/rest.go newISTag). */
export function istagObject(stream: ImageStream, view: IstagView): Record<string, unknown> {
  const spec = findSpecTag(stream, view.tag);
  const status = findStatusTag(stream, view.tag);
  return {
    apiVersion: IMAGE_API,
    kind: 'ImageStreamTag',
    metadata: { name: view.name, namespace: view.namespace, creationTimestamp: view.event.created },
    tag: spec ?? null,
    generation: view.event.generation,
    lookupPolicy: { local: stream.spec.lookupPolicy?.local ?? false },
    ...(status?.conditions?.length ? { conditions: status.conditions } : {}),
    image: { metadata: { name: view.event.image }, dockerImageReference: view.pullSpec },
  };
}

/** A kubectl `List` of several objects. */
export function listObject(items: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

/** Serialize one object (or a List) as kubectl -o json / -o yaml would. */
export function renderObject(object: Record<string, unknown>, format: ObjectFormat): string {
  const sorted = sortKeys(object);
  if (format === 'json') return `${JSON.stringify(sorted, null, 4)}\n`;
  // YAML 1.1 quoting, as go-yaml v2 does: timestamps, yes/no/on/off stay strings when read back.
  return stringify(sorted, { indentSeq: false, lineWidth: 0, version: '1.1' });
}

/** `-o name`: `<resource>.<group>/<name>` per line. */
export function renderNames(resource: 'imagestream' | 'imagestreamtag', names: readonly string[]): string {
  return names.map((n) => `${resource}.image.openshift.io/${n}\n`).join('');
}
