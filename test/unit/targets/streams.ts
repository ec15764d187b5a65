import type { ImageStream } from '../../../src/domain/image-stream.js';

export const OLD = `sha256:${'a'.repeat(64)}`;
export const NEW = `sha256:${'b'.repeat(64)}`;

/** A stream `ns/name` whose tag follows `from` (a DockerImage) and whose items[0] is `digest`. */
export function stream(ns: string, name: string, tags: Record<string, { from: string; digest: string; kind?: 'DockerImage' | 'ImageStreamTag'; local?: boolean }>): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: ns },
    spec: {
      tags: Object.entries(tags).map(([tag, t]) => ({
        name: tag,
        from: { kind: t.kind ?? 'DockerImage', name: t.from },
        ...(t.local ? { referencePolicy: { type: 'Local' as const } } : {}),
      })),
    },
    status: {
      tags: Object.entries(tags).map(([tag, t]) => ({
        tag,
        items: t.digest === '' ? [] : [{ created: '2026-12-01T00:00:00Z', dockerImageReference: `${(t.kind ?? 'DockerImage') === 'DockerImage' ? t.from.replace(/:[^/:]+$/, '') : 'registry.example.com/web'}@${t.digest}`, image: t.digest, generation: 1 }],
      })),
    },
  } as unknown as ImageStream;
}

export const WEB = stream('shop', 'web', { '1': { from: 'registry.example.com/web:1.4.2', digest: NEW }, next: { from: 'web:1', kind: 'ImageStreamTag', digest: NEW }, pending: { from: 'registry.example.com/web:2', digest: '' } });
export const PY = stream('shop', 'python', { '3.11': { from: 'docker.io/library/python:3.11-slim', digest: NEW } });

export const STREAMS: ReadonlyMap<string, ImageStream> = new Map([
  ['shop/web', WEB],
  ['shop/python', PY],
]);
