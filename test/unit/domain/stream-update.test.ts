import { describe, expect, it } from 'vitest';
import { collapseEmptyStatusTags, writeStream } from '../../../src/domain/stream-update.js';
import { findStatusTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import { readObservedSpec, specRecord } from '../../../src/domain/spec-fingerprint.js';
import { D1, NOW, T0, byKey, dockerTag, ev, frozen, stream } from './stream-builders.js';

describe('writeStream (server-side spec write)', () => {
  const source = stream('src', { generation: 2, status: [{ tag: 'v1', items: [ev('q/a@' + D1, D1, 2)] }] });
  const ctx = { now: NOW, streams: byKey(source), localRegistry: 'reg:5000' };

  it('create: status discarded, events get the stream creationTimestamp, status repository computed', () => {
    const next = frozen({
      ...stream('dest', {
        tags: [{ name: 'copy', from: { kind: 'ImageStreamTag', name: 'src:v1' } }, dockerTag('ref', 'q/b:1', 0, { reference: true }), dockerTag('imp', 'q/c:1', 0)],
        status: [{ tag: 'bogus', items: [ev('x', D1, 9)] }],
      }),
      metadata: { name: 'dest', namespace: 'ns', creationTimestamp: T0 },
    });
    const out = writeStream(undefined, next, ctx);
    expect(out.metadata.generation).toBe(1);
    expect(out.status?.dockerImageRepository).toBe('reg:5000/ns/dest');
    expect(findStatusTag(out, 'bogus')).toBeUndefined();
    expect(latestTagEvent(out, 'copy')).toEqual(ev('q/a@' + D1, D1, 1, T0));
    expect(latestTagEvent(out, 'ref')).toEqual(ev('q/b:1', '', 1, T0));
    expect(findStatusTag(out, 'imp')).toBeUndefined();
    expect(readObservedSpec(out)).toEqual(specRecord(out));
  });

  it('update of an unchanged tag does not re-resolve it', () => {
    const old = stream('dest', {
      generation: 3,
      tags: [{ name: 'copy', from: { kind: 'ImageStreamTag', name: 'src:v1' }, generation: 2 }],
      status: [{ tag: 'copy', items: [ev('old', 'sha256:old', 2)] }],
    });
    const out = writeStream(old, old, ctx);
    expect(latestTagEvent(out, 'copy')?.dockerImageReference).toBe('old');
    expect(out.metadata.generation).toBe(3);
  });

  it('collapses empty status tags', () => {
    const s = stream('x', { status: [{ tag: 'a', items: [] }, { tag: 'b', items: [ev('r', D1, 1)] }] });
    expect(collapseEmptyStatusTags(s).status?.tags?.map((t) => t.tag)).toEqual(['b']);
  });
});
