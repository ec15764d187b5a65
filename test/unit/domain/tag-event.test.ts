import { describe, expect, it } from 'vitest';
import { addTagEvent, setTagConditions } from '../../../src/domain/tag-event.js';
import { findStatusTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import type { NamedTagEventList, TagEvent } from '../../../src/domain/image-stream.js';
import { D1, D2, T0, T1, ev, frozen, stream } from './stream-builders.js';

const failed = { type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: 'gone', generation: 1 } as const;

// Named as in openshift-apiserver TestAddTagEventToImageStream.
const cases: { name: string; existing?: NamedTagEventList; next: TagEvent; expected: TagEvent[]; same?: boolean }[] = [
  { name: 'nil entry for tag', next: ev('a@' + D1, D1, 1, T1), expected: [ev('a@' + D1, D1, 1, T1)] },
  { name: 'empty items', existing: { tag: 't', items: [], conditions: [failed] }, next: ev('a@' + D1, D1, 1, T1), expected: [ev('a@' + D1, D1, 1, T1)] },
  {
    name: 'same ref and image',
    existing: { tag: 't', items: [ev('a@' + D1, D1, 1)], conditions: [failed] },
    next: ev('a@' + D1, D1, 1, T1),
    expected: [ev('a@' + D1, D1, 1)],
    same: true,
  },
  {
    name: 'same ref and image, different generation',
    existing: { tag: 't', items: [ev('a@' + D1, D1, 1)], conditions: [failed] },
    next: ev('a@' + D1, D1, 3, T1),
    expected: [ev('a@' + D1, D1, 3)],
  },
  {
    name: 'same ref, different image',
    existing: { tag: 't', items: [ev('a:1', D1, 1), ev('old', D2, 1)], conditions: [failed] },
    next: ev('a:1', D2, 2, T1),
    expected: [ev('a:1', D2, 2), ev('old', D2, 1)],
  },
  {
    name: 'same image, different ref',
    existing: { tag: 't', items: [ev('a@' + D1, D1, 1)], conditions: [failed] },
    next: ev('b@' + D1, D1, 2, T1),
    expected: [ev('b@' + D1, D1, 2)],
  },
  {
    name: 'different ref and image',
    existing: { tag: 't', items: [ev('a@' + D1, D1, 1)], conditions: [failed] },
    next: ev('a@' + D2, D2, 2, T1),
    expected: [ev('a@' + D2, D2, 2, T1), ev('a@' + D1, D1, 1)],
  },
];

describe('addTagEvent (AddTagEventToImageStream)', () => {
  it.each(cases)('$name', ({ existing, next, expected, same }) => {
    const input = frozen(stream('is', { status: existing ? [existing] : [] }));
    const out = addTagEvent(input, 't', next);
    expect(findStatusTag(out, 't')?.items).toEqual(expected);
    if (same) {
      expect(out).toBe(input);
      expect(findStatusTag(out, 't')?.conditions).toEqual([failed]);
    } else {
      expect(out).not.toBe(input);
      expect(findStatusTag(out, 't')?.conditions).toBeUndefined();
    }
  });

  it('keeps created of a collapsed entry and inserts new status tags in name order', () => {
    const input = stream('is', { status: [{ tag: 'a', items: [ev('x', D1, 1)] }, { tag: 'c', items: [ev('y', D1, 1)] }] });
    const out = addTagEvent(input, 'b', ev('z', D2, 1, T1));
    expect(out.status?.tags?.map((t) => t.tag)).toEqual(['a', 'b', 'c']);
    const collapsed = addTagEvent(input, 'a', ev('x', D1, 5, T1));
    expect(latestTagEvent(collapsed, 'a')?.created).toBe(T0);
  });
});

describe('setTagConditions', () => {
  it('sets and clears conditions without touching history', () => {
    const input = frozen(stream('is', { status: [{ tag: 't', items: [ev('x', D1, 1)] }] }));
    const withCond = setTagConditions(input, 't', [failed]);
    expect(findStatusTag(withCond, 't')).toEqual({ tag: 't', items: [ev('x', D1, 1)], conditions: [failed] });
    expect(findStatusTag(setTagConditions(withCond, 't', []), 't')).toEqual({ tag: 't', items: [ev('x', D1, 1)] });
  });
});
