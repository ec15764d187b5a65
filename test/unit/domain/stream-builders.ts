/** Small builders for ImageStream test data (not a test file). */
import type { ImageStream, NamedTagEventList, TagEvent, TagReference } from '../../../src/domain/image-stream.js';

export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;
export const D3 = `sha256:${'3'.repeat(64)}`;
export const DA = `sha256:ab${'a'.repeat(62)}`;
export const DB = `sha256:ab${'b'.repeat(62)}`;
export const T0 = '2024-01-01T00:00:00Z';
export const T1 = '2024-02-01T00:00:00Z';
export const NOW = '2024-03-01T12:00:00Z';

export function ev(ref: string, image: string, generation: number, created = T0): TagEvent {
  return { created, dockerImageReference: ref, image, generation };
}

export function dockerTag(name: string, from: string, generation: number | undefined, extra: Partial<TagReference> = {}): TagReference {
  return { name, from: { kind: 'DockerImage', name: from }, ...(generation === undefined ? {} : { generation }), ...extra };
}

export function stream(
  name: string,
  opts: {
    namespace?: string;
    generation?: number;
    tags?: TagReference[];
    status?: NamedTagEventList[];
    annotations?: Record<string, string>;
    dockerImageRepository?: string;
    statusRepository?: string;
  } = {},
): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: {
      name,
      namespace: opts.namespace ?? 'ns',
      ...(opts.generation === undefined ? {} : { generation: opts.generation }),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    },
    spec: { ...(opts.dockerImageRepository ? { dockerImageRepository: opts.dockerImageRepository } : {}), tags: opts.tags ?? [] },
    status: { ...(opts.statusRepository ? { dockerImageRepository: opts.statusRepository } : {}), tags: opts.status ?? [] },
  };
}

export function byKey(...streams: ImageStream[]): Map<string, ImageStream> {
  return new Map(streams.map((s) => [`${s.metadata.namespace ?? ''}/${s.metadata.name}`, s]));
}

/** Deep-freeze, so a test fails if a function mutates its input. */
export function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}
