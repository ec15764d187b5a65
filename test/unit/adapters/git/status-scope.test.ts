/**
 * statusScope: what isomorphic-git's statusMatrix is handed for the rows of exactly some paths.
 * A few paths go as they are; many go as at most MAX_BASES folders that hold them (so statusMatrix
 * does not test every walked entry against thousands of paths) with a filter that keeps exactly
 * the asked paths; the folders cover every asked path and nothing is walked twice.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BASES, statusScope } from '../../../../src/adapters/git/status-scope.js';

/** statusMatrix's own base-path test (isomorphic-git worthWalking). */
const worthWalking = (path: string, base: string): boolean =>
  path === '.' || base === '.' || base.length === 0 || (base.length >= path.length ? base.startsWith(path) : path.startsWith(base));

const covered = (bases: readonly string[], path: string): boolean => bases.some((b) => worthWalking(path, b));

describe('statusScope', () => {
  it('hands a few paths over as they are, without a filter', () => {
    expect(statusScope(['a.yaml', 'apps/b.yaml', 'a.yaml'])).toEqual({ filepaths: ['a.yaml', 'apps/b.yaml'] });
  });

  it('hands many paths over as at most MAX_BASES folders holding them, filtered to exactly those paths', () => {
    const paths = Array.from({ length: 2500 }, (_, i) => `apps/team-${String(i % 50).padStart(2, '0')}/group-${String(i).padStart(4, '0')}.yaml`);
    paths.push('imagestreams/base/one.yaml', 'kustomization.yaml');
    const scope = statusScope(paths);
    expect(scope.filepaths.length).toBeLessThanOrEqual(MAX_BASES);
    // 50 team folders + imagestreams/base + the top-level file: folders as deep as the bound allows
    expect(scope.filepaths).toContain('kustomization.yaml');
    expect(scope.filepaths).toContain('imagestreams/base');
    expect(scope.filepaths).toContain('apps/team-07');
    for (const p of paths) expect(covered(scope.filepaths, p)).toBe(true);
    expect(scope.filter?.('apps/team-07/group-0007.yaml')).toBe(true);
    // a folder, a sibling with a common prefix, an unasked file: walked maybe, never a row
    expect(scope.filter?.('apps/team-07')).toBe(false);
    expect(scope.filter?.('apps/team-07/group-0007.yaml.bak')).toBe(false);
    expect(scope.filter?.('apps/team-07/other.yaml')).toBe(false);
  });

  it('makes the folders coarser until they fit, and never hands over a folder inside another', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `clusters/c${i % 4}/ns-${i}/deploy.yaml`);
    paths.push('clusters/c1/app.yaml');
    const scope = statusScope(paths);
    expect(scope.filepaths).toEqual(['clusters/c0', 'clusters/c1', 'clusters/c2', 'clusters/c3']);
    for (const p of paths) expect(covered(scope.filepaths, p)).toBe(true);
    const nested = statusScope([...Array.from({ length: 100 }, (_, i) => `a/b${i}/f.yaml`), 'a/x.yaml', 'a-b/y.yaml']);
    // `a-b` sorts between `a` and `a/…`: it stays a base of its own, `a/…` folders fold into `a`
    expect(nested.filepaths).toEqual(['a', 'a-b']);
  });

  it('walks the whole repository when even the top-level files are too many to name', () => {
    const paths = Array.from({ length: MAX_BASES + 1 }, (_, i) => `f${i}.yaml`);
    const scope = statusScope(paths);
    expect(scope.filepaths).toEqual(['.']);
    expect(scope.filter?.('f3.yaml')).toBe(true);
    expect(scope.filter?.('g.yaml')).toBe(false);
  });
});
