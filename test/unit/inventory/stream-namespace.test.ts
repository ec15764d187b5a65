// Streams handed out with their effective namespace and stored back as their file holds them: the
// observed-spec record follows the namespace both ways, and a hand edit not yet settled is still
// found after the move (#11.1: the namespace round trip lives in the inventory, not in each writer).
import { describe, expect, it } from 'vitest';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { settleSpecEdits } from '../../../src/domain/spec-edits.js';
import { OBSERVED_SPEC_ANNOTATION, recordObservedSpec, withStreamNamespace } from '../../../src/domain/spec-fingerprint.js';
import type { StreamEntry } from '../../../src/inventory/inventory-model.js';
import { effectiveStream, storedStream } from '../../../src/inventory/stream-namespace.js';

/** A stream as a file without metadata.namespace holds it after Tagstream wrote it. */
const written: ImageStream = recordObservedSpec({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'web', generation: 2 },
  spec: {
    tags: [
      { name: '1', generation: 2, from: { kind: 'DockerImage', name: 'quay.example.com/web:1' } },
      { name: 'prod', generation: 2, from: { kind: 'ImageStreamTag', name: 'web:1' } },
    ],
  },
  status: { tags: [{ tag: '1', items: [{ image: 'sha256:' + 'a'.repeat(64), dockerImageReference: 'quay.example.com/web@sha256:' + 'a'.repeat(64), generation: 2, created: '2026-11-01T00:00:00Z' }] }] },
} as ImageStream);

const entry = (stream: ImageStream): StreamEntry => ({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  name: 'web',
  namespace: 'shop',
  namespaceDefaulted: true,
  site: { file: 'is/web.yaml', docIndex: 0, path: [], location: { file: 'is/web.yaml', line: 1, col: 1 } },
  stream,
});
const ctx = { now: '2026-11-21T06:00:00Z', streams: new Map<string, ImageStream>() };

describe('effectiveStream / storedStream', () => {
  it('fills the namespace in, re-keys the record, and stores an unchanged stream back as the very object read', () => {
    const e = entry(written);
    const effective = effectiveStream(e);
    expect(effective.metadata.namespace).toBe('shop');
    expect(effective.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION]).toBe(recordObservedSpec({ ...written, metadata: { ...written.metadata, namespace: 'shop' } }).metadata.annotations?.[OBSERVED_SPEC_ANNOTATION]);
    expect(effectiveStream(e)).toBe(effective);
    // nothing to settle: the record matches the spec under the effective namespace
    expect(settleSpecEdits(effective, { ...ctx, streams: new Map([['shop/web', effective]]) }).stream).toBe(effective);
    expect(storedStream(e, effective)).toBe(written);
    expect(storedStream(e, { ...effective })).toBe(written);
  });

  it('keeps a hand edit visible after the move: settling bumps the edited tag, and the file gets the record without the namespace', () => {
    const edited: ImageStream = { ...written, spec: { tags: [{ ...written.spec.tags![0]!, from: { kind: 'DockerImage', name: 'quay.example.com/web:2' } }, written.spec.tags![1]!] } };
    const e = entry(edited);
    const effective = effectiveStream(e);
    const settled = settleSpecEdits(effective, { ...ctx, streams: new Map([['shop/web', effective]]) }).stream;
    expect(settled.spec.tags![0]!.generation).toBe(3);
    expect(settled.spec.tags![1]!.generation).toBe(2);
    const stored = storedStream(e, settled);
    expect(stored.metadata.namespace).toBeUndefined();
    // what the next read computes from the file: the record of its spec without a namespace
    expect(stored).toEqual(recordObservedSpec(withStreamNamespace(settled, undefined)));
  });

  it('leaves a stream whose file names its namespace as it is', () => {
    const named = { ...entry(written), namespaceDefaulted: false };
    expect(effectiveStream(named)).toBe(written);
    expect(storedStream(named, written)).toBe(written);
  });
});
