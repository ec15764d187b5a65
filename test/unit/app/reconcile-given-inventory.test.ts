/**
 * #16 daemon economy: a caller that already built the working copy's inventory (the daemon, to map
 * a registry webhook) hands it to reconcile, which plans its first pass with it instead of listing
 * and reading every file again; after an interrupted run was finished (files put back) it is not
 * trusted, and the passes after a push retry plan from a fresh inventory.
 */
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { buildInventory } from '../../../src/inventory/inventory.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import type { Workspace } from '../../../src/ports/workspace.js';
import { MemoryGitRemote } from '../../fakes/memory-git.js';
import { D1, fakeRegistry } from './tag-verb-fakes.js';

const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
spec:
  tags:
  - name: "1.0"
    from:
      kind: DockerImage
      name: quay.example.com/team/web:1.0
`;

/** The workspace, counting the listings that start every inventory. */
function counted(workspace: Workspace): { workspace: Workspace; listings: () => number } {
  let listings = 0;
  const wrapped = new Proxy(workspace, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'listFiles' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        listings++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { workspace: wrapped, listings: () => listings };
}

function setup() {
  const remote = new MemoryGitRemote({ 'is/web.yaml': STREAM });
  const git = remote.clone();
  const { workspace, listings } = counted(git.workspace);
  const ctx: AppContext = {
    workspace,
    settings: DEFAULT_REPO_SETTINGS,
    registry: { ...fakeRegistry({ 'quay.example.com/team/web:1.0': D1 }), inspect: async () => ({ digest: '', mediaType: '' }) },
    clock: fixedClock('2026-11-21T06:00:00Z'),
    log: silentLog,
    git,
  };
  return { git, ctx, listings, workspace };
}

describe('reconcile with the inventory its caller built', () => {
  it('plans with it: no second listing of the repository, the same result as without it', async () => {
    const { ctx, listings, workspace } = setup();
    const inventory = await buildInventory(workspace, DEFAULT_REPO_SETTINGS);
    expect(listings()).toBe(1);
    const r = await reconcile(ctx, { inventory, commit: { author: { name: 'T', email: 't@x' } } });
    expect(listings()).toBe(1);
    expect(r.changeSet.moves.map((m) => `${m.stream}:${m.tag}`)).toEqual(['default/web:1.0']);
    expect(r.commit).toBeDefined();

    const plain = setup();
    const without = await reconcile(plain.ctx, { commit: { author: { name: 'T', email: 't@x' } } });
    expect(plain.listings()).toBeGreaterThan(0);
    expect(without.changeSet.files).toEqual(r.changeSet.files);
  });

  it('is not trusted after an interrupted run was finished: the repository is read again', async () => {
    const { ctx, git, listings, workspace } = setup();
    const inventory = await buildInventory(workspace, DEFAULT_REPO_SETTINGS);
    // a run killed while writing left its journal
    await git.writeJournal(JSON.stringify({ version: 1, phase: 'writing', commit: true, files: [] }));
    await reconcile(ctx, { inventory, commit: { author: { name: 'T', email: 't@x' } } });
    expect(listings()).toBe(2);
  });

  it('workingTreeReport: false leaves the report (a status of every managed file) out', async () => {
    const { ctx } = setup();
    const reported = await reconcile(ctx, { commit: { author: { name: 'T', email: 't@x' } } });
    expect(reported.workingTree).toBeDefined();
    const second = setup();
    const quiet = await reconcile(second.ctx, { commit: { author: { name: 'T', email: 't@x' } }, workingTreeReport: false });
    expect(quiet.commit).toBeDefined();
    expect(quiet.workingTree).toBeUndefined();
  });
});
