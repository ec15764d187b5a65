/**
 * Crash convergence: `tagstream reconcile --commit --push` (the built bin, a real child process)
 * against the real registry and a real Git remote (git http-backend) is killed with SIGKILL at
 * random points spread over the whole run; the next run must finish the job and leave the remote
 * exactly as one uninterrupted run does (one commit, same files; timestamps aside), with a clean
 * working copy and `git fsck` clean. Needs `npm run build:ts` first (`npm test` does it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const TRIALS = 20;
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

/** Run the bin; with `killAfterMs`, SIGKILL it then. */
function tagstream(cwd: string, args: readonly string[], killAfterMs?: number): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: join(tmp, 'home') },
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
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-crash-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  server = await startGitServer();
  await pushImage(registry, 'crash/ubi', '8', makeImage({ layers: [{ VERSION: 'v1\n' }], labels: { version: 'v1' } }));
  const files: Record<string, string> = { 'imagestreams/ubi.yaml': stream(registry.host) };
  for (let i = 0; i < WORKLOADS; i++) files[`apps/app-${String(i).padStart(3, '0')}.yaml`] = workload(registry.host, i);
  url = await server.createBareRepo('crash.git', { initialFiles: files });
  bare = join(server.root, 'crash.git');
  base = await remoteGit(['rev-parse', 'main']);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('reconcile --commit --push killed at random points (SIGKILL)', () => {
  it(`converges to the uninterrupted result with git fsck clean (${TRIALS} trials)`, async () => {
    // The uninterrupted run: what every crashed-and-resumed run must end in.
    const reference = await cloneWorkingCopy(url, join(tmp, 'reference'));
    const whole = await tagstream(reference, ['reconcile', '--commit', '--push']);
    expect(whole.code, whole.output).toBe(0);
    expect(await remoteGit(['rev-list', '--count', `${base}..main`])).toBe('1');
    const expected = await remoteState();
    expect(expected['apps/app-000.yaml']).toMatch(/crash\/ubi@sha256:[0-9a-f]{64}/);
    const expectedMessage = await remoteGit(['log', '-1', '--format=%B', 'main']);

    /** One trial: kill at `killAt`, run again, check convergence; true when the kill left work behind. */
    const trial = async (label: string, killAt: number): Promise<boolean> => {
      await resetRemote();
      const dir = await cloneWorkingCopy(url, join(tmp, `trial-${label}`));
      const killed = await tagstream(dir, ['reconcile', '--commit', '--push'], killAt);
      const leftovers = (await gitCli(dir, ['status', '--porcelain', '--untracked-files=all'])) !== '' || (await gitCli(dir, ['rev-parse', 'HEAD'])) !== (await remoteGit(['rev-parse', 'main']));
      const midway = killed.signal === 'SIGKILL' && leftovers;

      const next = await tagstream(dir, ['reconcile', '--commit', '--push']);
      const context = `trial ${label}, killed after ${Math.round(killAt)} ms (${killed.signal ?? `exit ${killed.code}`}):\n${next.output}`;
      expect(next.code, context).toBe(0);
      expect(await remoteGit(['rev-list', '--count', `${base}..main`]), context).toBe('1');
      expect(await remoteState(), context).toEqual(expected);
      expect(await remoteGit(['log', '-1', '--format=%B', 'main']), context).toBe(expectedMessage);
      // The working copy is clean: no uncommitted files, no temporaries, nothing unpushed.
      expect(await gitCli(dir, ['status', '--porcelain', '--untracked-files=all']), context).toBe('');
      expect(await gitCli(dir, ['rev-parse', 'HEAD']), context).toBe(await remoteGit(['rev-parse', 'main']));
      expect(await readdir(join(dir, '.git')), context).not.toContain('tagstream-journal.json');
      // gitCli rejects on a non-zero exit: an empty or torn object fails here.
      await gitCli(dir, ['fsck', '--full', '--no-dangling']);
      await rm(dir, { recursive: true, force: true });
      return midway;
    };

    let interruptedMidway = 0;
    // Stratified over the whole run (process start to exit), so every phase gets hit.
    for (let i = 0; i < TRIALS; i++) if (await trial(String(i), (whole.ms * (i + Math.random())) / TRIALS)) interruptedMidway++;
    // On a busy machine a run's phases shift against the reference timing and no stratified kill may
    // land between the first write and the push: aim up to 10 more at the second half of the run.
    for (let extra = 0; interruptedMidway === 0 && extra < 10; extra++) {
      if (await trial(`extra-${extra}`, whole.ms * (0.5 + Math.random() / 2))) interruptedMidway++;
    }
    // The kills did land mid-run (files written, or committed and not pushed), not only around it.
    expect(interruptedMidway).toBeGreaterThan(0);
  }, 600_000);
});
