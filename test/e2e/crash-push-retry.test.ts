/**
 * Crash convergence in the push-retry path (#12): before each run a concurrent pusher moves the
 * remote branch, so the first push of `tagstream reconcile --commit --push` (the built bin) is
 * rejected and the run resets to the new remote head, plans again, commits and pushes again. The
 * run is killed with SIGKILL at random points spread over that whole run; the next run must end
 * as one uninterrupted run does (the pusher's commit, then one Tagstream commit with the same
 * files; timestamps aside), with a clean working copy and `git fsck` clean. A second test lands
 * the kill at exact points of the fetch and the reset to the remote head (kill-point.mjs): in the
 * fetch, before and after the branch ref moves, in the middle of the checkout (a torn file),
 * before the index is written, and before the rebuilt commit moves the branch. Needs
 * `npm run build:ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const KILL_POINT = fileURLToPath(new URL('../harness/kill-point.mjs', import.meta.url));
const TRIALS = 10;
const WORKLOADS = 60;

let registry: TestRegistry;
let server: GitServer;
let tmp: string;
let url: string;
let bare: string;
let base: string;

const stream = (reg: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ubi
  namespace: default
spec:
  tags:
  - name: "8"
    from:
      kind: DockerImage
      name: ${reg}/crash/ubi:8
`;

const workload = (reg: string, i: number) => `# workload ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: default
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: app
        image: ${reg}/crash/ubi:8   # pinned by Tagstream
`;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly output: string;
}

/** A kill at an exact point of the run's file writes (see test/harness/kill-point.mjs). */
interface KillPoint {
  readonly steps: readonly { readonly op: 'rename' | 'writeFile'; readonly path: string; readonly nth: number }[];
  readonly at: 'before' | 'after' | 'torn';
}

/** Run the bin; with `killAfterMs`, SIGKILL it then; with `killPoint`, it kills itself there. */
function tagstream(cwd: string, args: readonly string[], killAfterMs?: number, killPoint?: KillPoint): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(killPoint ? ['--import', KILL_POINT] : []), BIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: join(tmp, 'home'), ...(killPoint ? { TAGSTREAM_TEST_KILL_POINT: JSON.stringify(killPoint) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolveRun({ code, signal, ms: performance.now() - started, output });
    });
  });
}

const remoteGit = (args: readonly string[]) => gitCli(tmp, ['--git-dir', bare, ...args]);

/** The remote branch's files, timestamps masked (a later run records a later time). */
async function remoteState(): Promise<Record<string, string>> {
  const files = (await remoteGit(['ls-tree', '-r', '--name-only', 'main'])).split('\n');
  const state: Record<string, string> = {};
  for (const f of files) {
    state[f] = (await remoteGit(['show', `main:${f}`])).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  }
  return state;
}

async function resetRemote(): Promise<void> {
  await remoteGit(['update-ref', 'refs/heads/main', base]);
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error('dist/cli/main.js is missing: run `npm run build:ts` first');
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-crash-retry-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  server = await startGitServer();
  await pushImage(registry, 'crash/ubi', '8', makeImage({ layers: [{ VERSION: 'v1\n' }], labels: { version: 'v1' } }));
  const files: Record<string, string> = { 'imagestreams/ubi.yaml': stream(registry.host) };
  for (let i = 0; i < WORKLOADS; i++) files[`apps/app-${String(i).padStart(3, '0')}.yaml`] = workload(registry.host, i);
  url = await server.createBareRepo('crash-retry.git', { initialFiles: files });
  bare = join(server.root, 'crash-retry.git');
  base = await remoteGit(['rev-parse', 'main']);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Another writer moves the remote branch after `dir` was cloned: the run's first push is rejected. */
async function concurrentPush(trial: number | string): Promise<void> {
  const other = await cloneWorkingCopy(url, join(tmp, `pusher-${trial}`));
  await gitCli(other, ['config', 'user.name', 'Someone Else']);
  await gitCli(other, ['config', 'user.email', 'someone@example.test']);
  await writeFile(join(other, 'NOTES.md'), 'a commit pushed while Tagstream was planning\n');
  await gitCli(other, ['add', 'NOTES.md']);
  await gitCli(other, ['commit', '-q', '-m', 'Concurrent change', '--date', '2026-12-01T00:00:00Z'], { GIT_COMMITTER_DATE: '2026-12-01T00:00:00Z' });
  await gitCli(other, ['push', '-q', 'origin', 'main']);
  await rm(other, { recursive: true, force: true });
}

describe('reconcile --commit --push killed in the push-retry path (SIGKILL, concurrent pusher)', () => {
  let whole: Run;
  let expected: Record<string, string>;
  let expectedMessage: string;

  beforeAll(async () => {
    const reference = await cloneWorkingCopy(url, join(tmp, 'reference'));
    await concurrentPush('reference');
    whole = await tagstream(reference, ['reconcile', '--commit', '--push']);
    expect(whole.code, whole.output).toBe(0);
    // the pusher's commit, then Tagstream's on top of it: the first push was rejected and retried
    expect(await remoteGit(['rev-list', '--count', `${base}..main`])).toBe('2');
    expect(await remoteGit(['log', '-1', '--format=%s', 'main~1'])).toBe('Concurrent change');
    expected = await remoteState();
    expect(expected['NOTES.md']).toContain('pushed while Tagstream was planning');
    expect(expected['apps/app-000.yaml']).toMatch(/crash\/ubi@sha256:[0-9a-f]{64}/);
    expectedMessage = await remoteGit(['log', '-1', '--format=%B', 'main']);
  }, 120_000);

  it(`converges to the uninterrupted result with git fsck clean (${TRIALS} trials)`, async () => {
    let killedMidway = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      await resetRemote();
      const dir = await cloneWorkingCopy(url, join(tmp, `trial-${trial}`));
      await concurrentPush(trial);
      const killAt = (whole.ms * (trial + Math.random())) / TRIALS;
      const killed = await tagstream(dir, ['reconcile', '--commit', '--push'], killAt);
      if (killed.signal === 'SIGKILL') killedMidway++;

      const next = await tagstream(dir, ['reconcile', '--commit', '--push']);
      const context = `trial ${trial}, killed after ${Math.round(killAt)} ms (${killed.signal ?? `exit ${killed.code}`}):\n${next.output}`;
      await expectConverged(dir, next, context, expected, expectedMessage);
    }
    expect(killedMidway).toBeGreaterThan(0);
  }, 600_000);

  // Each kill point lies between the first (rejected) commit and the rebuilt one.
  const branchMoves = { op: 'rename', path: '[\\/]\\.git[\\/]refs[\\/]heads[\\/]main$' } as const;
  const afterReset = { ...branchMoves, nth: 2 } as const; // 1: the first commit, 2: the reset to the remote head
  const killPoints: Record<string, KillPoint> = {
    // isomorphic-git moves the tracking ref before it writes the packfile
    'in the fetch, the tracking ref moved, the packfile not written': {
      steps: [{ op: 'rename', path: '[\\/]\\.git[\\/]refs[\\/]remotes[\\/]origin[\\/]main$', nth: 1 }],
      at: 'after',
    },
    'before the branch moves to the remote head': { steps: [afterReset], at: 'before' },
    'after the branch moved, before the checkout': { steps: [afterReset], at: 'after' },
    'in the checkout, a workload file torn': { steps: [afterReset, { op: 'writeFile', path: '[\\/]apps[\\/]app-\\d+\\.yaml$', nth: 20 }], at: 'torn' },
    'in the checkout, the stream file torn': { steps: [afterReset, { op: 'writeFile', path: '[\\/]imagestreams[\\/]ubi\\.yaml$', nth: 1 }], at: 'torn' },
    'after the checkout wrote the files, before the index': { steps: [afterReset, { op: 'rename', path: '[\\/]\\.git[\\/]index$', nth: 1 }], at: 'before' },
    'before the rebuilt commit moves the branch': { steps: [{ ...branchMoves, nth: 3 }], at: 'before' },
  };
  it.each(Object.keys(killPoints))('converges after a kill %s', async (name) => {
    const trial = name.replace(/\W+/g, '-');
    await resetRemote();
    const dir = await cloneWorkingCopy(url, join(tmp, `point-${trial}`));
    await concurrentPush(trial);
    const killed = await tagstream(dir, ['reconcile', '--commit', '--push'], undefined, killPoints[name]);
    // the kill point was reached: the run did not end on its own
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const next = await tagstream(dir, ['reconcile', '--commit', '--push']);
    await expectConverged(dir, next, `killed ${name}:\n${next.output}`, expected, expectedMessage);
  }, 120_000);
});

/** The next run ended as one uninterrupted run does, and left the working copy clean. */
async function expectConverged(dir: string, next: Run, context: string, expected: Record<string, string>, expectedMessage: string): Promise<void> {
  expect(next.code, context).toBe(0);
  expect(await remoteGit(['rev-list', '--count', `${base}..main`]), context).toBe('2');
  expect(await remoteState(), context).toEqual(expected);
  expect(await remoteGit(['log', '-1', '--format=%B', 'main']), context).toBe(expectedMessage);
  expect(await gitCli(dir, ['status', '--porcelain', '--untracked-files=all']), context).toBe('');
  expect(await gitCli(dir, ['rev-parse', 'HEAD']), context).toBe(await remoteGit(['rev-parse', 'main']));
  expect(await readdir(join(dir, '.git')), context).not.toContain('tagstream-journal.json');
  await gitCli(dir, ['fsck', '--full', '--no-dangling']);
  await rm(dir, { recursive: true, force: true });
}
