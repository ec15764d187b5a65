// Revert holds memoised in the index cache (#16): a run on an unchanged head reads no commit, and
// the memo gives exactly the holds the history gives; another head, another shallow cut or a
// corrupt record means reading the history again. Real repository made with the git CLI.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { loadHolds } from '../../../src/app/reconcile.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { EMPTY_CHANGE_SET, type ChangeSet } from '../../../src/domain/change-set.js';
import { renderCommitMessage } from '../../../src/planning/commit-message.js';
import { computeHolds, holdFor } from '../../../src/planning/revert-holds.js';
import type { GitRepository } from '../../../src/ports/git.js';
import { gitCli } from '../../harness/git-server.js';
import { directoryWorkspace } from '../../../src/adapters/fs/directory-workspace.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';
import { readWorkingCopyInventory } from '../../../src/daemon/working-copy-inventory.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
let dir: string;
let pin: string;
let revert: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagstream-holds-memo-'));
  await gitCli(dir, ['init', '-q', '-b', 'main']);
  await writeFile(join(dir, 'deploy.yaml'), 'image: web@sha256:1\n');
  await gitCli(dir, ['add', '-A']);
  await gitCli(dir, ['commit', '-q', '-m', 'initial']);
  await writeFile(join(dir, 'deploy.yaml'), 'image: web@sha256:2\n');
  const cs: ChangeSet = { ...EMPTY_CHANGE_SET, moves: [{ stream: 'shop/web', tag: '1', from: { image: d('1'), reference: `r@${d('1')}` }, to: { image: d('2'), reference: `r@${d('2')}` }, reason: 'scheduled' }] };
  await gitCli(dir, ['commit', '-q', '-am', renderCommitMessage(cs)]);
  pin = await gitCli(dir, ['rev-parse', 'HEAD']);
  await gitCli(dir, ['revert', '--no-edit', 'HEAD']);
  revert = await gitCli(dir, ['rev-parse', 'HEAD']);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The repository with `log` counted (each run opens the repository anew, as the CLI does). */
async function counted(): Promise<{ repo: GitRepository; logs: () => number }> {
  const repo = await createGitAdapter().open(dir);
  let logs = 0;
  const log = repo.log.bind(repo);
  repo.log = (options) => {
    logs++;
    return log(options);
  };
  return { repo, logs: () => logs };
}

const ctxOf = (git: GitRepository) => ({ git }) as unknown as AppContext;

describe('revert holds memoised in the index cache', () => {
  it('the memo gives the holds the history gives, without reading it; another head or shallow cut reads it again', async () => {
    const first = await counted();
    const holds = await loadHolds(ctxOf(first.repo));
    expect(first.logs()).toBe(1);
    expect(holds).toEqual(computeHolds(await first.repo.log({ depth: 1000 })));
    expect(holdFor(holds, 'shop/web:1', d('2'))).toMatchObject({ heldBy: revert, reverted: pin });
    await (await first.repo.indexCache!()).save();

    const second = await counted();
    expect(await loadHolds(ctxOf(second.repo))).toEqual(holds);
    expect(second.logs()).toBe(0);
    // an explicit ref is not memoised
    await loadHolds(ctxOf(second.repo), 'main');
    expect(second.logs()).toBe(1);

    // a shallow cut names another history: read again (and the cut history has no revert to honour)
    await writeFile(join(dir, '.git', 'shallow'), `${revert}\n`);
    try {
      const shallow = await counted();
      const cut = await loadHolds(ctxOf(shallow.repo));
      expect(shallow.logs()).toBe(1);
      expect(cut).toEqual(computeHolds(await shallow.repo.log({ depth: 1000 })));
      expect(cut.size).toBe(0);
    } finally {
      await rm(join(dir, '.git', 'shallow'), { force: true });
    }

    // a new head: read again
    await gitCli(dir, ['commit', '-q', '--allow-empty', '-m', 'later']);
    const third = await counted();
    expect(await loadHolds(ctxOf(third.repo))).toEqual(holds);
    expect(third.logs()).toBe(1);
  });

  it('a corrupt memo record is ignored and the history read', async () => {
    const repo = await createGitAdapter().open(dir);
    const head = await repo.headOid();
    const cache = await repo.indexCache!();
    const key = `holds/1:1000:${head}:${'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}`;
    cache.set(key, [['shop/web:1', [{ key: 'other', image: 1 }]]]);
    await cache.save();
    const again = await counted();
    const holds = await loadHolds(ctxOf(again.repo));
    expect(again.logs()).toBe(1);
    expect(holdFor(holds, 'shop/web:1', d('2'))).toMatchObject({ heldBy: revert, reverted: pin });
  });

  // The daemon's webhook run reads the inventory (which saves the index cache) before reconcile asks
  // for the holds: the save must not drop their memo, or every webhook run walks the history again.
  it("the daemon's inventory keeps the memo for the reconcile that follows it", async () => {
    const workspace = directoryWorkspace(dir);
    const settings = await loadRepoSettings(workspace);
    const first = await counted();
    await readWorkingCopyInventory(workspace, settings, first.repo);
    const holds = await loadHolds(ctxOf(first.repo));
    await (await first.repo.indexCache!()).save();

    const second = await counted();
    await readWorkingCopyInventory(workspace, settings, second.repo);
    expect(await loadHolds(ctxOf(second.repo))).toEqual(holds);
    expect(second.logs()).toBe(0);
    expect(holdFor(holds, 'shop/web:1', d('2'))).toMatchObject({ heldBy: revert, reverted: pin });
  });
});
