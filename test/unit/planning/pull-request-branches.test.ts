import { describe, expect, it } from 'vitest';
import { isValidBranchName } from '../../../src/config/action-inputs.js';
import { groupMoves, pullRequestBranch, sliceChangeSet } from '../../../src/planning/pull-request-branches.js';
import type { ChangeSet, TagMove } from '../../../src/domain/change-set.js';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';

const move = (stream: string, tag: string): TagMove => ({ stream, tag, to: { image: 'sha256:1', reference: 'r@sha256:1' }, reason: 'scheduled' });

describe('pullRequestBranch', () => {
  it.each([
    ['tagstream/', 'main', undefined, 'tagstream/main'],
    ['bots/images-', 'release/1.x', undefined, 'bots/images-release/1.x'],
    ['tagstream/', 'main', move('shop/frontend', '1.4'), 'tagstream/shop-frontend-1.4'],
    ['tagstream/', 'main', move('shop/api', 'v2.0.0-rc_1'), 'tagstream/shop-api-v2.0.0-rc_1'],
    // Tag names may hold what a ref may not: `..`, a trailing `.lock` or `.`.
    ['tagstream/', 'main', move('shop/x', '1..2'), 'tagstream/shop-x-1-2'],
    ['tagstream/', 'main', move('shop/x', 'build.lock'), 'tagstream/shop-x-build-lock'],
    ['tagstream/', 'main', move('shop/x', 'v1.'), 'tagstream/shop-x-v1-'],
  ] as const)('%s + %s + %j -> %s', (prefix, base, m, branch) => {
    const name = pullRequestBranch(prefix, base, m);
    expect(name).toBe(branch);
    expect(isValidBranchName(name)).toBe(true);
  });
});

describe('groupMoves', () => {
  const moves = [move('shop/frontend', '1.4'), move('shop/worker', 'latest'), move('ops/frontend', '1.4')];

  it('group all: one branch with every move', () => {
    expect(groupMoves(moves, 'all', 'tagstream/', 'main')).toEqual([{ branch: 'tagstream/main', keys: ['shop/frontend:1.4', 'shop/worker:latest', 'ops/frontend:1.4'] }]);
  });

  it('group tag: one branch per namespace/stream:tag, deterministic order', () => {
    expect(groupMoves(moves, 'tag', 'tagstream/', 'main').map((g) => g.branch)).toEqual(['tagstream/shop-frontend-1.4', 'tagstream/shop-worker-latest', 'tagstream/ops-frontend-1.4']);
  });

  it('no moves: no branches (so open PRs can be closed)', () => {
    expect(groupMoves([], 'all', 'tagstream/', 'main')).toEqual([]);
  });
});

describe('sliceChangeSet', () => {
  it('keeps the moves and workloads of the given tags', () => {
    const cs: ChangeSet = {
      ...EMPTY_CHANGE_SET,
      moves: [move('shop/a', '1'), move('shop/b', '1')],
      workloads: [{ file: 'a.yaml', kind: 'Deployment', namespace: 'shop', name: 'a', container: 'c', field: 'f', from: 'x', to: 'y', trigger: 'shop/a:1' }, { file: 'b.yaml', kind: 'Deployment', namespace: 'shop', name: 'b', container: 'c', field: 'f', from: 'x', to: 'y', trigger: 'shop/b:1' }],
    };
    const slice = sliceChangeSet(cs, ['shop/b:1']);
    expect(slice.moves.map((m) => m.stream)).toEqual(['shop/b']);
    expect(slice.workloads.map((w) => w.name)).toEqual(['b']);
  });
});
