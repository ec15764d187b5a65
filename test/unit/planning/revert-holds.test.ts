import { describe, expect, it } from 'vitest';
import { computeHolds, holdFor, holdsFromRecord, holdsRecord } from '../../../src/planning/revert-holds.js';
import { parseMoveTrailers, renderCommitMessage } from '../../../src/planning/commit-message.js';
import type { ChangeSet } from '../../../src/domain/change-set.js';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const oid = (c: string) => c.repeat(40);

function tagstreamCommit(o: string, moves: [string, string, string | undefined, string][]): { oid: string; message: string } {
  const cs: ChangeSet = {
    ...EMPTY_CHANGE_SET,
    moves: moves.map(([stream, tag, from, to]) => ({
      stream,
      tag,
      from: from ? { image: from, reference: `r@${from}` } : undefined,
      to: { image: to, reference: `r@${to}` },
      reason: 'scheduled' as const,
    })),
  };
  return { oid: o, message: renderCommitMessage(cs) };
}
const revert = (o: string, target: string) => ({
  oid: o,
  message: `Revert "tagstream: pin"\n\nThis reverts commit ${target}.\n`,
});

describe('commit message trailers', () => {
  it('round-trips moves through the trailers', () => {
    const c = tagstreamCommit(oid('a'), [['shop/frontend', '1.4', d('1'), d('2')], ['shop/api', '2.0', undefined, d('3')]]);
    expect(c.message.split('\n')[0]).toBe('tagstream: move 2 image stream tags (shop/frontend:1.4, shop/api:2.0)');
    expect(parseMoveTrailers(c.message)).toEqual([
      { stream: 'shop/frontend', tag: '1.4', from: d('1'), to: d('2') },
      { stream: 'shop/api', tag: '2.0', from: undefined, to: d('3') },
    ]);
  });

  it('one move gets a one-tag summary line', () => {
    const c = tagstreamCommit(oid('a'), [['shop/frontend', '1.4', d('1'), d('2')]]);
    expect(c.message.split('\n')[0]).toBe(`tagstream: pin shop/frontend:1.4 to sha256:${'2'.repeat(12)}`);
  });
});

describe('computeHolds', () => {
  it('holds the digests of a reverted Tagstream commit', () => {
    const c1 = tagstreamCommit(oid('a'), [['shop/ubi', '8', d('1'), d('2')]]);
    const r = revert(oid('b'), c1.oid);
    const holds = computeHolds([r, c1]);
    expect(holdFor(holds, 'shop/ubi:8', d('2'))).toMatchObject({ heldBy: oid('b'), reverted: oid('a') });
    expect(holdFor(holds, 'shop/ubi:8', d('3'))).toBeUndefined();
  });

  it('a revert of the revert releases the hold', () => {
    const c1 = tagstreamCommit(oid('a'), [['shop/ubi', '8', d('1'), d('2')]]);
    const r = revert(oid('b'), c1.oid);
    const rr = revert(oid('c'), r.oid);
    expect(computeHolds([rr, r, c1]).size).toBe(0);
  });

  it('a later Tagstream move of the same tag replaces the hold', () => {
    const c1 = tagstreamCommit(oid('a'), [['shop/ubi', '8', d('1'), d('2')]]);
    const r = revert(oid('b'), c1.oid);
    const c2 = tagstreamCommit(oid('c'), [['shop/ubi', '8', d('1'), d('3')]]);
    expect(computeHolds([c2, r, c1]).size).toBe(0);
  });

  it('ignores reverts of commits that are not in the history or not Tagstream commits', () => {
    const human = { oid: oid('a'), message: 'Bump replicas\n' };
    expect(computeHolds([revert(oid('b'), human.oid), human]).size).toBe(0);
    expect(computeHolds([revert(oid('b'), oid('f'))]).size).toBe(0);
  });

  it('holds every tag of a multi-move commit, other tags unaffected', () => {
    const c1 = tagstreamCommit(oid('a'), [['shop/ubi', '8', d('1'), d('2')], ['shop/api', '2.0', d('4'), d('5')]]);
    const other = tagstreamCommit(oid('c'), [['shop/web', '1', d('6'), d('7')]]);
    const holds = computeHolds([other, revert(oid('b'), c1.oid), c1]);
    expect([...holds.keys()].sort()).toEqual(['shop/api:2.0', 'shop/ubi:8']);
  });
});

describe('holds as a memo record', () => {
  it('round-trips through JSON; anything else is not a record', () => {
    const c1 = tagstreamCommit(oid('a'), [['shop/ubi', '8', d('1'), d('2')], ['shop/api', '1', undefined, d('3')]]);
    const c2 = tagstreamCommit(oid('c'), [['shop/ubi', '8', d('2'), d('4')]]);
    const holds = computeHolds([revert(oid('b'), c1.oid), revert(oid('d'), c2.oid), c2, c1]);
    expect(holds.get('shop/ubi:8')).toHaveLength(2);
    expect(holdsFromRecord(JSON.parse(JSON.stringify(holdsRecord(holds))))).toEqual(holds);
    expect(holdsFromRecord(holdsRecord(new Map()))).toEqual(new Map());
    const good = holdsRecord(holds) as [string, Record<string, unknown>[]][];
    for (const bad of [
      undefined,
      {},
      [['k']],
      [['k', []]],
      [[good[0]![0], [{ ...good[0]![1][0], key: 'other' }]]],
      [[good[0]![0], [{ ...good[0]![1][0], image: 1 }]]],
      [good[0], good[0]],
    ]) {
      expect(holdsFromRecord(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('a revert of a commit outside the window holds nothing', () => {
    const c1 = tagstreamCommit(oid('a'), [['shop/ubi', '8', d('1'), d('2')]]);
    expect(computeHolds([revert(oid('b'), oid('f')), c1]).size).toBe(0);
  });
});
