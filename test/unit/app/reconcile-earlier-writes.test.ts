// reconcile --commit --push with Tagstream's earlier writes (#13.2) when the push is refused
// (#11.5): the carried files were in the dropped commit; the retry puts them back, commits them
// on the new remote head and lands, keeping the other writer's commit. In-memory Git (the fake of
// the port contract suite), in-memory workspace, no registry traffic.
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { writeUncommitted } from '../../../src/app/uncommitted-writes.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { MemoryGitRemote } from '../../fakes/memory-git.js';
import { fakeRegistry } from './tag-verb-fakes.js';

const APP = 'kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n';
const author = { name: 'Tagstream', email: 'tagstream@example.test' };

describe('reconcile --commit --push carries earlier writes through a push retry', () => {
  it('puts the carried files back after the reset, commits them on the new head and pushes', async () => {
    const remote = new MemoryGitRemote({ 'apps/web.yaml': APP, 'README.md': '# gitops\n' });
    const mine = remote.clone();
    const other = remote.clone();
    // a verb wrote this and left it uncommitted
    await writeUncommitted(mine.workspace, mine, [{ path: 'apps/web.yaml', before: APP, after: APP.replace('replicas: 1', 'replicas: 2') }]);
    // meanwhile someone else pushes
    await other.workspace.writeFile('README.md', '# gitops, edited\n');
    const theirs = await other.commit({ files: ['README.md'], message: 'Edit the README', author });
    await other.push();

    const ctx: AppContext = { workspace: mine.workspace, settings: DEFAULT_REPO_SETTINGS, registry: fakeRegistry(), clock: fixedClock('2026-11-21T06:00:00Z'), log: silentLog, git: mine };
    const result = await reconcile(ctx, { commit: { author }, push: {} });

    expect(result.pushed).toBe(true);
    expect(result.workingTree).toEqual({ committed: ['apps/web.yaml'], leftOut: [] });
    const head = remote.branches.get('main')!;
    expect(remote.commit(head).info.parents).toEqual([theirs]);
    expect(remote.commit(head).tree.get('apps/web.yaml')).toBe(APP.replace('replicas: 1', 'replicas: 2'));
    expect(remote.commit(head).tree.get('README.md')).toBe('# gitops, edited\n');
    expect(remote.commit(head).info.message).toContain('Tagstream-Earlier-Write: apps/web.yaml');
    expect(await mine.readJournal('uncommitted')).toBeUndefined();
  });

  it('leaves a carried file out when the remote changed it too, and keeps its bytes in the working tree', async () => {
    const remote = new MemoryGitRemote({ 'apps/web.yaml': APP });
    const mine = remote.clone();
    const other = remote.clone();
    const ours = APP.replace('replicas: 1', 'replicas: 2');
    await writeUncommitted(mine.workspace, mine, [{ path: 'apps/web.yaml', before: APP, after: ours }]);
    await other.workspace.writeFile('apps/web.yaml', APP.replace('replicas: 1', 'replicas: 5'));
    const theirs = await other.commit({ files: ['apps/web.yaml'], message: 'Scale web', author });
    await other.push();

    const ctx: AppContext = { workspace: mine.workspace, settings: DEFAULT_REPO_SETTINGS, registry: fakeRegistry(), clock: fixedClock('2026-11-21T06:00:00Z'), log: silentLog, git: mine };
    const result = await reconcile(ctx, { commit: { author }, push: {} });

    expect(result.pushed).toBe(false);
    expect(remote.branches.get('main')).toBe(theirs);
    expect(result.workingTree?.leftOut).toEqual([{ path: 'apps/web.yaml', reason: 'changed-on-remote' }]);
    expect(mine.workspace.files.get('apps/web.yaml')?.toString('utf8')).toBe(ours);
  });
});
