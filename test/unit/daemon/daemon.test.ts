import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppContext, ReconcileOptions, ReconcileResult } from '../../../src/app/app-context.js';
import { parseDaemonSettings } from '../../../src/config/daemon-settings.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { Daemon, type DaemonDeps } from '../../../src/daemon/daemon.js';
import { EMPTY_CHANGE_SET, type ChangeSet } from '../../../src/domain/change-set.js';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import type { Clock } from '../../../src/ports/clock.js';
import { silentLog, type Log } from '../../../src/ports/log.js';
import { createJsonLog } from '../../../src/daemon/json-log.js';
import { RunScope } from '../../../src/daemon/run-scope.js';
import type { Inventory } from '../../../src/inventory/inventory-model.js';
import { parsePrometheusText } from './prometheus-parse.js';
import { FakeRepo, fakeGitPort } from './fake-git.js';
import { pushWithRetry } from '../../../src/app/push-with-retry.js';

const STREAM: ImageStream = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'app', namespace: 'shop' },
  spec: { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: '127.0.0.1:5000/notify/app:v1' } }] },
};

interface Call {
  readonly options: ReconcileOptions;
  readonly ctx: AppContext;
}

interface SetupOptions {
  readonly reconcile?: (ctx: AppContext, o: ReconcileOptions) => Promise<ReconcileResult>;
  readonly loadRepoSettings?: DaemonDeps['loadRepoSettings'];
  /** `dataDir` looks for the clone on the real file system; `repo` (default) touches no disk. */
  readonly mode?: 'repo' | 'dataDir';
  readonly log?: Log;
  readonly runScope?: RunScope;
}

function setup(over: SetupOptions = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const repo = new FakeRepo('/data/repo');
  const git = fakeGitPort(repo);
  const calls: Call[] = [];
  const registries: ReturnType<typeof vi.fn>[] = [];
  const moved: ChangeSet = { ...EMPTY_CHANGE_SET, moves: [{ stream: 'shop/app', tag: 'latest', to: { image: 'sha256:1', reference: 'x@sha256:1' }, reason: 'webhook' }], files: [{ path: 'a.yaml', before: 'a', after: 'b' }] };
  const reconcile =
    over.reconcile ??
    (async (ctx: AppContext, options: ReconcileOptions): Promise<ReconcileResult> => {
      calls.push({ ctx, options });
      await ctx.workspace.writeFile('a.yaml', `run ${calls.length}\n`);
      const commit = await ctx.git?.commit({ files: ['a.yaml'], message: 'm', author: { name: 'n', email: 'e@x' } });
      const pushed = await pushWithRetry(ctx.git!, { attempts: 3, rebuild: async () => 'committed' });
      return { changeSet: moved, commit, pushed: pushed?.outcome === 'pushed', exitCode: 0 };
    });
  const where = over.mode === 'dataDir' ? { repoUrl: 'http://127.0.0.1:1/r.git', dataDir: '/nonexistent/tagstream/data' } : { repo: '/srv/gitops' };
  const settings = parseDaemonSettings({ flags: { ...where, branch: 'main', listen: '127.0.0.1:0', debounce: '100ms', backoffInitial: '1s', backoffMax: '4s' }, env: { TAGSTREAM_ALLOW_SHORT_INTERVALS: '1' }, readFile: () => '' });
  const deps: DaemonDeps = {
    settings: { ...settings, scheduledInterval: 60_000, pollInterval: 10_000 },
    git,
    workspaceFor: () => repo.workspace,
    loadRepoSettings: over.loadRepoSettings ?? (async () => DEFAULT_REPO_SETTINGS),
    listStreams: async () => [{ namespace: 'shop', name: 'app', stream: STREAM }],
    createRegistry: () => {
      registries.push(vi.fn());
      return { stats: () => ({ byStatus: { '200': 4 } }), newRun: registries[registries.length - 1] } as never;
    },
    reconcile,
    clock,
    log: over.log ?? silentLog,
    runScope: over.runScope,
  };
  const daemon = new Daemon(deps);
  return { daemon, deps, repo, git, calls, registries, advance: (ms: number) => (now += ms), moved };
}

/**
 * Move fake time forward in small steps, letting real I/O (the data-directory check uses the real
 * file system) complete between steps so runs progress as they would in real time.
 */
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(Math.min(10, ms - t));
  }
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

describe('Daemon', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('first run: clones, fetches, reconciles with scheduled tags due, pushes, becomes ready', async () => {
    const t = setup({ mode: 'dataDir' });
    expect(t.daemon.ready).toBe(false);
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    expect(t.git.cloned).toBe(1);
    expect(t.git.opened).toBe(0);
    expect(t.repo.fetched).toBe(1);
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]?.options).toMatchObject({ scheduledDue: true, importNow: [], commit: { author: { name: 'Tagstream' } }, push: { remote: 'origin', attempts: 5 } });
    expect(t.daemon.ready).toBe(true);
    expect(t.repo.remote).toEqual(['c0', 'local1']);
    expect(t.repo.recovers).toBe(1); // once when the copy is prepared, not again in the same run
    const m = parsePrometheusText(await t.daemon.metricsText());
    expect(m.get('tagstream_commits_pushed_total')?.samples[0]?.value).toBe(1);
    expect(m.get('tagstream_tags_moved_total')?.samples[0]?.value).toBe(1);
    expect(m.get('tagstream_registry_requests_total')?.samples[0]).toEqual({ name: 'tagstream_registry_requests_total', labels: { status: '200' }, value: 4 });
  });

  it('names the run on every log line written during it, by any component; held tags are logged with why', async () => {
    const lines: Record<string, unknown>[] = [];
    const runScope = new RunScope();
    const log = createJsonLog({ write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), level: 'debug', clock: { now: () => new Date(0) }, context: () => runScope.fields() });
    const held: ChangeSet = {
      ...EMPTY_CHANGE_SET,
      held: [
        { stream: 'shop/app', tag: 'latest', image: 'sha256:aaa', heldBy: 'f'.repeat(40), reason: 'reverted' },
        { stream: 'shop/app', tag: 'beta', image: 'sha256:bbb', heldBy: '#12', reason: 'pull-request-closed' },
      ],
    };
    const t = setup({
      log,
      runScope,
      reconcile: async (ctx) => {
        ctx.log.info('deep inside the run', {});
        await new Promise((r) => setImmediate(r));
        ctx.log.info('after an await', {});
        return { changeSet: held, commit: undefined, pushed: false, exitCode: 0 };
      },
    });
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    t.daemon.registryPushed([{ registry: '127.0.0.1:5000', repository: 'notify/app', tag: 'v1', digest: undefined }]);
    log.info('outside any run', {});
    await advance(100);
    await t.daemon.idle();
    const finished = lines.filter((l) => l['msg'] === 'run finished');
    expect(finished).toHaveLength(2);
    const ids = finished.map((l) => l['run']);
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(ids[1]).toMatch(/^[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    for (const msg of ['run started', 'deep inside the run', 'after an await', 'tag held']) {
      expect(lines.filter((l) => l['msg'] === msg).map((l) => l['run']).sort(), msg).toEqual(msg === 'tag held' ? [ids[0], ids[0], ids[1], ids[1]].sort() : [...ids].sort());
    }
    expect(lines.find((l) => l['msg'] === 'outside any run')?.['run']).toBeUndefined();
    const holds = lines.filter((l) => l['msg'] === 'tag held' && l['run'] === ids[1]);
    expect(holds).toEqual([
      expect.objectContaining({ level: 'info', tag: 'shop/app:latest', image: 'sha256:aaa', reason: 'reverted', heldBy: 'f'.repeat(40), why: expect.stringMatching(/reverted in f{40}; the tag stays put/) as string }),
      expect.objectContaining({ tag: 'shop/app:beta', reason: 'pull-request-closed', why: expect.stringMatching(/pull request #12 .* closed unmerged/) as string }),
    ]);
    expect(finished[1]?.['held']).toEqual(['shop/app:latest', 'shop/app:beta']);
  });

  it('the run log lists moved update targets (#14.5) and a failed tag with its detail (a cloud identity\'s words, #18.2)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createJsonLog({ write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), level: 'info', clock: { now: () => new Date(0) } });
    const cs: ChangeSet = {
      ...EMPTY_CHANGE_SET,
      targets: [{ file: 'charts/web/values.yaml', line: 3, kind: 'marker', field: 'image.tag', value: 'tag', from: '1.4.1', to: '1.4.2', trigger: 'shop/web:1' }],
      failures: [{ stream: 'shop/app', tag: 'latest', reason: 'Unauthorized', message: 'you may not have access to the container image "x": cannot get credentials for x from its Amazon ECR identity', detail: 'The security token included in the request is invalid.' }],
    };
    const t = setup({ log, reconcile: async () => ({ changeSet: cs, commit: undefined, pushed: false, exitCode: 1, tagsAttempted: 2 }) });
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    const finished = lines.find((l) => l['msg'] === 'run finished');
    expect(finished?.['targets']).toEqual(['charts/web/values.yaml:3 image.tag <- shop/web:1']);
    expect(finished?.['failed']).toEqual(['shop/app:latest: you may not have access to the container image "x": cannot get credentials for x from its Amazon ECR identity: The security token included in the request is invalid.']);
  });

  it('maps registry pushes to stream tags on the fetched tree and imports them at once', async () => {
    const t = setup();
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    t.daemon.registryPushed([{ registry: '127.0.0.1:5000', repository: 'notify/app', tag: 'v1', digest: undefined }]);
    t.daemon.registryPushed([{ registry: 'localhost:5000', repository: 'notify/app', tag: 'v1', digest: undefined }]);
    t.daemon.registryPushed([{ registry: '127.0.0.1:5000', repository: 'other', tag: 'v1', digest: undefined }]);
    await advance(100);
    await t.daemon.idle();
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]?.options).toMatchObject({ importNow: ['shop/app:latest'], scheduledDue: false });
    // A push no stream follows, on an unchanged branch: fetched, nothing reconciled.
    t.daemon.registryPushed([{ registry: 'quay.io', repository: 'someone/else', tag: 'v1', digest: undefined }]);
    await advance(100);
    await t.daemon.idle();
    expect(t.repo.fetched).toBe(3);
    expect(t.calls).toHaveLength(2);
    // Recovered when the copy was prepared; the runs after it ended cleanly, so no status walk again.
    expect(t.repo.recovers).toBe(1);
  });

  it('a registry webhook on the head its last direct run left plans only the pushed streams (scope); anything else plans the whole repository', async () => {
    const t = setup();
    const push = () => t.daemon.registryPushed([{ registry: '127.0.0.1:5000', repository: 'notify/app', tag: 'v1', digest: undefined }]);
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls[0]?.options.scope).toBeUndefined(); // the start-up run
    push();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls[1]?.options).toMatchObject({ importNow: ['shop/app:latest'], scheduledDue: false });
    expect(t.calls[1]?.options.scope).toEqual(new Set(['shop/app']));
    // someone else pushed to the branch: the webhook run reconciles the new head whole
    t.repo.remote = [...t.repo.remote, 'theirs1'];
    push();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls[2]?.options.scope).toBeUndefined();
    // scheduled imports are due: whole
    t.daemon.request({ reason: 'schedule', scheduledDue: true });
    push();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls[3]?.options).toMatchObject({ scheduledDue: true });
    expect(t.calls[3]?.options.scope).toBeUndefined();
    push();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls[4]?.options.scope).toEqual(new Set(['shop/app']));
  });

  it('after a run that failed, the next webhook plans the whole repository', async () => {
    let failNext = false;
    const calls: ReconcileOptions[] = [];
    const t = setup({
      reconcile: async (ctx, options) => {
        calls.push(options);
        if (failNext) {
          failNext = false;
          throw new Error('push rejected');
        }
        return { changeSet: EMPTY_CHANGE_SET, commit: undefined, pushed: false, exitCode: 0 };
      },
    });
    const push = () => t.daemon.registryPushed([{ registry: '127.0.0.1:5000', repository: 'notify/app', tag: 'v1', digest: undefined }]);
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    push();
    await advance(100);
    await t.daemon.idle();
    expect(calls[1]?.scope).toEqual(new Set(['shop/app']));
    failNext = true;
    push();
    await advance(100);
    expect(calls).toHaveLength(3);
    expect(calls[2]?.scope).toEqual(new Set(['shop/app']));
    // the queue retries after the backoff (1 s): whole, as is every run until one finishes
    await advance(1500);
    await t.daemon.idle();
    expect(calls).toHaveLength(4);
    expect(calls[3]?.scope).toBeUndefined();
    push();
    await advance(100);
    await t.daemon.idle();
    expect(calls[calls.length - 1]?.scope).toEqual(new Set(['shop/app']));
  });

  it('one inventory per webhook run: the one that maps the hints is handed to reconcile (no listStreams, no working-tree report)', async () => {
    const t = setup();
    const inventory = { streams: new Map([['shop/app', { namespace: 'shop', name: 'app', stream: STREAM }]]) } as unknown as Inventory;
    let built = 0;
    let listed = 0;
    const daemon = new Daemon({
      ...t.deps,
      listStreams: async () => {
        listed++;
        return [];
      },
      readInventory: async () => {
        built++;
        return inventory;
      },
    });
    daemon.start();
    await advance(100);
    await daemon.idle();
    expect(built).toBe(0); // no hint, no mapping: reconcile builds its own
    expect(t.calls[0]?.options.inventory).toBeUndefined();
    daemon.registryPushed([{ registry: '127.0.0.1:5000', repository: 'notify/app', tag: 'v1', digest: undefined }]);
    await advance(100);
    await daemon.idle();
    expect(built).toBe(1);
    expect(listed).toBe(0);
    expect(t.calls[1]?.options).toMatchObject({ importNow: ['shop/app:latest'], workingTreeReport: false });
    expect(t.calls[1]?.options.inventory).toBe(inventory);
  });

  it('puts tracked files back before the run that follows a failed run, and only then', async () => {
    let fail = false;
    let runs = 0;
    const t = setup({
      reconcile: async () => {
        runs += 1;
        if (fail) throw new Error('push failed after writing files');
        return { changeSet: EMPTY_CHANGE_SET, pushed: false, exitCode: 0 };
      },
    });
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    expect(t.repo.recovers).toBe(1);
    fail = true;
    t.daemon.request({ reason: 'schedule', scheduledDue: true });
    await advance(100);
    fail = false;
    // The queue retries after the backoff (1 s): that run starts from a recovered copy.
    await advance(1500);
    await t.daemon.idle();
    expect(runs).toBe(3);
    expect(t.repo.recovers).toBe(2);
    t.daemon.request({ reason: 'schedule', scheduledDue: true });
    await advance(100);
    await t.daemon.idle();
    expect(runs).toBe(4);
    expect(t.repo.recovers).toBe(2);
  });

  it('scheduled interval and poll interval request runs; an unchanged branch skips the poll run', async () => {
    const t = setup();
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    t.advance(10_000);
    t.daemon.tick();
    await advance(100);
    await t.daemon.idle();
    expect(t.repo.fetched).toBe(2);
    expect(t.calls).toHaveLength(1); // poll: fetched, branch unchanged, no reconcile
    t.repo.remote = [...t.repo.remote, 'human1'];
    t.advance(10_000);
    t.daemon.tick();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls).toHaveLength(2); // poll: a person pushed a spec change
    expect(t.calls[1]?.options.scheduledDue).toBe(false);
    expect(await t.repo.headOid()).not.toBe('human1'); // the fake reconcile committed on top of it
    expect(t.repo.local).toContain('human1');
    t.advance(40_000);
    t.daemon.tick();
    await advance(100);
    await t.daemon.idle();
    expect(t.calls).toHaveLength(3);
    expect(t.calls[2]?.options.scheduledDue).toBe(true);
  });

  it('a failing run is retried with backoff and counted', async () => {
    let fail = 2;
    const calls: number[] = [];
    const t = setup({
      reconcile: async () => {
        calls.push(calls.length);
        if (fail-- > 0) throw new Error('registry unreachable');
        return { changeSet: EMPTY_CHANGE_SET, pushed: false, exitCode: 0 };
      },
    });
    t.daemon.start();
    await advance(100);
    expect(calls).toHaveLength(1);
    await advance(999);
    expect(calls).toHaveLength(1);
    await advance(1);
    expect(calls).toHaveLength(2);
    await advance(2000);
    expect(calls).toHaveLength(3);
    await t.daemon.idle();
    const m = parsePrometheusText(await t.daemon.metricsText());
    const runs = Object.fromEntries(m.get('tagstream_runs_total')?.samples.map((s) => [s.labels['result'], s.value]) ?? []);
    expect(runs).toMatchObject({ failure: 2, success: 1 });
  });

  it('a run where every tag failed is a failure and leaves the last-success time alone', async () => {
    const failures = [
      { stream: 'shop/app', tag: 'latest', reason: 'InternalError', message: 'registry unreachable' },
      { stream: 'shop/app', tag: 'v2', reason: 'InternalError', message: 'registry unreachable' },
    ];
    let attempted = 3;
    const t = setup({ reconcile: async () => ({ changeSet: { ...EMPTY_CHANGE_SET, failures: failures.slice(0, attempted === 3 ? 1 : 2) }, pushed: false, exitCode: 1, tagsAttempted: attempted }) });
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    const lastSuccess = async () => parsePrometheusText(await t.daemon.metricsText()).get('tagstream_last_success_timestamp_seconds')?.samples[0]?.value;
    const first = await lastSuccess();
    expect(first).toBeGreaterThan(0); // one of three tags failed: partial, a success
    attempted = 2;
    t.advance(60_000);
    t.daemon.tick();
    await advance(100);
    await t.daemon.idle();
    const runs = Object.fromEntries(parsePrometheusText(await t.daemon.metricsText()).get('tagstream_runs_total')?.samples.map((s) => [s.labels['result'], s.value]) ?? []);
    expect(runs).toMatchObject({ partial: 1, failure: 1 });
    expect(await lastSuccess()).toBe(first);
    // Nothing changed since: the skipped run is no success either.
    t.advance(60_000);
    t.daemon.tick();
    await advance(100);
    await t.daemon.idle();
    expect(await lastSuccess()).toBe(first);
  });

  it('stop after the grace period abandons the run before it pushes', async () => {
    let release: () => void = () => {};
    const t = setup({
      reconcile: async (ctx) => {
        await new Promise<void>((r) => (release = r));
        await ctx.workspace.writeFile('a.yaml', 'late\n');
        await ctx.git?.commit({ files: ['a.yaml'], message: 'm', author: { name: 'n', email: 'e@x' } });
        await pushWithRetry(ctx.git!, { attempts: 3, rebuild: async () => 'committed' });
        return { changeSet: EMPTY_CHANGE_SET, pushed: true, exitCode: 0 };
      },
    });
    t.daemon.start();
    await advance(100);
    const stopping = t.daemon.stop(1000);
    expect(t.daemon.registryPushed([{ registry: 'x:1', repository: 'a', tag: 'b', digest: undefined }])).toBe(false);
    await advance(1000);
    release();
    await expect(stopping).resolves.toBe('abandoned');
    expect(t.repo.commits).toEqual([]);
    expect(t.repo.pushes).toBe(0);
    const runs = parsePrometheusText(await t.daemon.metricsText()).get('tagstream_runs_total')?.samples.find((s) => s.labels['result'] === 'aborted');
    expect(runs?.value).toBe(1);
  });

  it('drops local commits of an unfinished run in its own data directory before reconciling', async () => {
    const t = setup({ mode: 'dataDir' });
    t.repo.local = ['c0', 'stale'];
    t.repo.remote = ['c0', 'other'];
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    expect(t.repo.remote).toEqual(['c0', 'other', 'local1']);
    expect(t.repo.local).not.toContain('stale');
  });

  it('keeps one registry client across runs until its settings change; request counters never go down', async () => {
    let insecure: string[] = [];
    const t = setup({ loadRepoSettings: async () => ({ ...DEFAULT_REPO_SETTINGS, registries: { insecure: [...insecure], mirrors: [] } }) });
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    t.daemon.request({ reason: 'webhook', importNow: ['shop/app:latest'] });
    await advance(100);
    await t.daemon.idle();
    expect(t.registries).toHaveLength(1);
    expect(t.registries[0]).toHaveBeenCalledTimes(2); // newRun before each run
    insecure = ['registry.internal:5000'];
    t.daemon.request({ reason: 'webhook', importNow: ['shop/app:latest'] });
    await advance(100);
    await t.daemon.idle();
    expect(t.registries).toHaveLength(2);
    const m = parsePrometheusText(await t.daemon.metricsText());
    expect(m.get('tagstream_registry_requests_total')?.samples[0]?.value).toBe(8);
  });

  it('a Git push webhook for the followed branch fetches at once; other refs are ignored', async () => {
    const t = setup();
    t.daemon.start();
    await advance(100);
    await t.daemon.idle();
    t.repo.remote = [...t.repo.remote, 'human1'];
    expect(t.daemon.gitPushed('refs/heads/feature')).toBe(true);
    await advance(200);
    await t.daemon.idle();
    expect(t.repo.fetched).toBe(1);
    expect(t.daemon.gitPushed('refs/heads/main')).toBe(true);
    await advance(200);
    await t.daemon.idle();
    expect(t.repo.fetched).toBe(2);
    expect(t.calls).toHaveLength(2);
  });
});
