// Every installed package supports the Node we say we run on: the product's own dependencies the
// oldest Node package.json admits, the test and build tooling the Node of our machines and CI
// (20.20). A dependency that declares a newer Node (as content-type 3 did through @octokit/request,
// held back by an npm override; as undici did past our stated ">=20.18") fails here, not as an
// EBADENGINE warning in CI or an install refused by a user's `engine-strict`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
/** The Node of our machines and CI (the brief: "machines run Node 20.20"). */
const MACHINES = '20.20.0';

interface LockedPackage {
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

describe('package engines', () => {
  const ours = (read('package.json') as { engines: { node: string } }).engines.node;
  const oldest = semver.minVersion(ours)?.version ?? '';
  const lock = read('package-lock.json') as { packages: Record<string, LockedPackage> };
  const needsNewer = (dev: boolean, node: string) =>
    Object.entries(lock.packages)
      .filter(([path, meta]) => path !== '' && (meta.dev ?? false) === dev)
      .map(([path, meta]) => [path, Array.isArray(meta.engines) ? undefined : (meta.engines as { node?: string } | undefined)?.node] as const)
      .filter(([, range]) => range !== undefined && !semver.satisfies(node, range, { includePrerelease: true }))
      .map(([path, range]) => `${path} (node ${range})`);

  it('states an oldest Node that our machines satisfy', () => {
    expect(oldest).toMatch(/^20\./);
    expect(semver.satisfies(MACHINES, ours)).toBe(true);
  });

  it('ships no dependency that needs a newer Node than package.json states', () => {
    expect(needsNewer(false, oldest)).toEqual([]);
  });

  it('installs no test or build tool that needs a newer Node than our machines run', () => {
    expect(needsNewer(true, MACHINES)).toEqual([]);
  });
});
