/**
 * The daemon's economy, measured in a child process of its own: `runServe` (the real `tagstream
 * serve` wiring: clone over HTTP from `git http-backend`, directory workspace, registry client,
 * parse cache) with the ticker off, then (1) the start-up run, (2) poll cycles with nothing due
 * (the branch has not moved, no import is due): CPU per cycle and RSS after each, (3) one registry
 * push of one tag delivered as the webhook would: wall and CPU from the hint to the commit being
 * on the remote.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { runServe } from '../src/daemon/serve-main.js';
import type { Daemon } from '../src/daemon/daemon.js';
import { reconcile } from '../src/app/reconcile.js';
import { systemClock } from '../src/ports/clock.js';

export interface DaemonInput {
  readonly kind: 'daemon';
  readonly repoUrl: string;
  readonly dataDir: string;
  readonly cycles: number;
  /** File the parent writes (any content) once it moved the webhook tag in the registry. */
  readonly movedSignal: string;
  /** File this child writes when it is ready for the tag to move. */
  readonly readySignal: string;
  readonly webhook: { readonly registry: string; readonly repository: string; readonly tag: string };
}

export interface DaemonFigures {
  readonly startupRunMs: number;
  readonly startupCpuMs: number;
  /** CPU per poll cycle with nothing due (median, max). */
  readonly cycleCpuMs: { readonly median: number; readonly max: number };
  readonly cycleWallMs: { readonly median: number; readonly max: number };
  /** RSS after cycle 10 (or the last, when fewer) and after the last cycle, MiB. */
  readonly rssAfter10MiB: number;
  readonly rssAfterCyclesMiB: number;
  readonly cycles: number;
  readonly webhookWallMs: number;
  readonly webhookCpuMs: number;
  /** The remote's head changed (a commit was pushed) by the webhook run. */
  readonly webhookCommitted: boolean;
  readonly maxRssMiB: number;
}

const rssMiB = (): number => Math.round((process.memoryUsage().rss / 1048576) * 10) / 10;
const cpuMs = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function remoteHead(url: string): string {
  return execFileSync('git', ['ls-remote', url, 'refs/heads/main'], { encoding: 'utf8' }).split('\t')[0] ?? '';
}

async function waitForFile(path: string): Promise<void> {
  const { existsSync } = await import('node:fs');
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 50));
}

/** Run the daemon scenario in this process. */
export async function runDaemonScenario(input: DaemonInput): Promise<DaemonFigures> {
  const stop = new EventEmitter();
  const stopped = new Promise((r) => stop.once('stop', r));
  const listening = new Promise<Daemon>((resolve, reject) => {
    void runServe(
      {
        repoUrl: input.repoUrl,
        dataDir: input.dataDir,
        listen: '127.0.0.1:0',
        debounce: '1ms',
        pollInterval: '24h',
        scheduledInterval: '24h',
        logLevel: 'error',
      },
      { stdout: { write: () => true }, stderr: process.stderr, env: { PATH: process.env.PATH }, cwd: process.cwd(), clock: systemClock },
      { reconcile, stopWhen: stopped, onListening: (_url, d) => resolve(d) },
    ).then((code) => {
      if (code !== 0) reject(new Error(`bench daemon: serve exited with ${code}`));
    }, reject);
  });
  // The ticker is node-cron; with day-long intervals it never requests a run during the bench.
  const daemon = await listening;
  let cpu = process.cpuUsage();
  let start = performance.now();
  await daemon.idle();
  const startupRunMs = performance.now() - start;
  const startupCpuMs = cpuMs(cpu);

  const cycleCpu: number[] = [];
  const cycleWall: number[] = [];
  let rssAfter10MiB = 0;
  for (let i = 0; i < input.cycles; i++) {
    cpu = process.cpuUsage();
    start = performance.now();
    daemon.request({ reason: 'poll' });
    await daemon.idle();
    cycleWall.push(performance.now() - start);
    cycleCpu.push(cpuMs(cpu));
    if (i === Math.min(10, input.cycles) - 1) rssAfter10MiB = rssMiB();
  }
  const rssAfterCyclesMiB = rssMiB();

  const { writeFileSync } = await import('node:fs');
  writeFileSync(input.readySignal, 'ready\n');
  await waitForFile(input.movedSignal);
  const before = remoteHead(input.repoUrl);
  cpu = process.cpuUsage();
  start = performance.now();
  daemon.registryPushed([{ registry: input.webhook.registry, repository: input.webhook.repository, tag: input.webhook.tag, digest: undefined }]);
  await daemon.idle();
  const webhookWallMs = performance.now() - start;
  const webhookCpuMs = cpuMs(cpu);
  const after = remoteHead(input.repoUrl);

  stop.emit('stop');
  await daemon.stop(1000);
  return {
    startupRunMs,
    startupCpuMs,
    cycleCpuMs: { median: median(cycleCpu), max: Math.max(...cycleCpu) },
    cycleWallMs: { median: median(cycleWall), max: Math.max(...cycleWall) },
    rssAfter10MiB,
    rssAfterCyclesMiB,
    cycles: input.cycles,
    webhookWallMs,
    webhookCpuMs,
    webhookCommitted: before !== after && after !== '',
    maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  };
}
