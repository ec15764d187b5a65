/**
 * tuneV8 against the real V8 of this Node, each setting with a control child that does not call it:
 * - heap growth: two children keep the same live set and churn the same garbage (objects that live
 *   long enough to reach the old generation, as a write phase's parse trees do); the tuned one must
 *   peak at a clearly smaller heap. If V8 ignored the flag set at run time, both would peak alike.
 * - tier-up budget: two children call one small function and ask V8 (natives syntax, on their own
 *   command line) whether it has been queued for TurboFan; with V8's own budget it is after a few
 *   hundred calls, with the tuned budget not yet. If V8 ignored the flag, both would be.
 * - the daemon's NODE_OPTIONS (DAEMON_ENV, the image's environment): a child that keeps its young
 *   generation busy ends with semi-spaces of at most 4 MiB, where a control grows past.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const MODULE = join(REPO, 'dist/adapters/process/v8-tuning.js');

const CHURN = `
const [mode, url] = process.argv.slice(1);
if (mode === 'tuned') (await import(url)).tuneV8();
const live = [];
for (let i = 0; i < 6000; i++) live.push(new Array(1000).fill(i)); // ~48 MiB alive to the end
let peak = 0;
const ring = new Array(65536);
for (let i = 0; i < 600000; i++) {
  ring[i % 65536] = new Array(100).fill(i); // survives the young generation, then is garbage
  if (i % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
console.log(JSON.stringify({ peakMiB: peak / 1048576, live: live.length }));
`;

// V8's optimization status bits (runtime-test.cc): marked for (concurrent) optimization, optimizing, optimized.
const TIER = `
const [mode, url] = process.argv.slice(1);
if (mode === 'tuned') (await import(url)).tuneV8();
function work(a) { let s = 0; for (let i = 0; i < 20; i++) s += (a * i) % 7; return s; }
const QUEUED = (1 << 4) | (1 << 8) | (1 << 9) | (1 << 10);
let sum = 0;
let queuedAt = 0;
for (let n = 1; n <= 600 && queuedAt === 0; n++) {
  sum += work(n);
  if (%GetOptimizationStatus(work) & QUEUED) queuedAt = n;
}
console.log(JSON.stringify({ queuedAt, sum }));
`;

// A young generation that is filled many times over by objects that survive one scavenge: V8 grows
// its semi-spaces to their most, and they stay so.
const YOUNG = `
let keep = [];
for (let i = 0; i < 3000000; i++) {
  keep.push({ a: i, b: 'x' + i });
  if (keep.length > 200000) keep = [];
}
const v8 = await import('node:v8');
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(JSON.stringify({ youngMiB: young.space_size / 1048576 }));
`;

function child<T>(script: string, mode: 'tuned' | 'default', nodeArgs: string[] = [], nodeOptions = ''): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', script, mode, pathToFileURL(MODULE).href], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: nodeOptions, TAGSTREAM_HEAP_GROWING_PERCENT: '', TAGSTREAM_INTERRUPT_BUDGET: '' } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.once('error', reject);
    c.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`child ${mode} exited ${code}: ${err}`))));
  });
}

beforeAll(() => {
  if (existsSync(MODULE)) return;
  const build = spawnSync('npm', ['run', 'build:ts'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build:ts failed:\n${build.stdout}\n${build.stderr}`);
}, 200_000);

describe('tuneV8 in a real V8', () => {
  it('keeps the heap of a churning process well below what V8 lets it grow to by default', async () => {
    type Peak = { peakMiB: number; live: number };
    const [tuned, plain] = await Promise.all([child<Peak>(CHURN, 'tuned'), child<Peak>(CHURN, 'default')]);
    expect(tuned.live).toBe(6000);
    // Measured on Node 20.20: ~260 MiB capped, ~405 MiB by default.
    expect(tuned.peakMiB, `capped ${tuned.peakMiB.toFixed(0)} MiB vs default ${plain.peakMiB.toFixed(0)} MiB`).toBeLessThan(plain.peakMiB * 0.8);
  }, 60_000);

  it('leaves a function in the interpreter or baseline code for longer before queueing it for TurboFan', async () => {
    type Tier = { queuedAt: number; sum: number };
    const [tuned, plain] = await Promise.all([child<Tier>(TIER, 'tuned', ['--allow-natives-syntax']), child<Tier>(TIER, 'default', ['--allow-natives-syntax'])]);
    expect(tuned.sum).toBeGreaterThan(0);
    // Measured on Node 20.20: queued after < 250 calls by default, after ~1,000 with the budget 8x.
    expect(plain.queuedAt, 'V8 default: queued for TurboFan within 600 calls').toBeGreaterThan(0);
    expect(tuned.queuedAt, `tuned: not queued within 600 calls (default queued at call ${plain.queuedAt})`).toBe(0);
  }, 60_000);

  it("starts the daemon's process with a young generation of at most 2 x 4 MiB (DAEMON_ENV's NODE_OPTIONS)", async () => {
    type Young = { youngMiB: number };
    const { DAEMON_ENV } = (await import(pathToFileURL(MODULE).href)) as { DAEMON_ENV: Record<string, string> };
    const [daemon, plain] = await Promise.all([child<Young>(YOUNG, 'default', [], DAEMON_ENV['NODE_OPTIONS']), child<Young>(YOUNG, 'default')]);
    // Measured on Node 20.20: 8 MiB with the option, 32 MiB by default.
    expect(daemon.youngMiB).toBeLessThanOrEqual(8);
    expect(plain.youngMiB, 'V8 default: the semi-spaces grow past 4 MiB').toBeGreaterThan(8);
  }, 60_000);
});
