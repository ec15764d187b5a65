/**
 * limitHeapGrowth against the real V8 of this Node: two child processes keep the same live set and
 * churn the same garbage (objects that live long enough to reach the old generation, as a write
 * phase's parse trees do); the one that called limitHeapGrowth must peak at a clearly smaller heap.
 * The other child is the control: if V8 ignored the flag set at run time, both would peak alike.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const MODULE = join(REPO, 'dist/adapters/process/heap-growth.js');

const CHURN = `
const [mode, url] = process.argv.slice(1);
if (mode === 'capped') (await import(url)).limitHeapGrowth();
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

function churn(mode: 'capped' | 'default'): Promise<{ peakMiB: number; live: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHURN, mode, pathToFileURL(MODULE).href], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { peakMiB: number; live: number }) : reject(new Error(`churn ${mode} exited ${code}: ${err}`))));
  });
}

beforeAll(() => {
  if (existsSync(MODULE)) return;
  const build = spawnSync('npm', ['run', 'build:ts'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build:ts failed:\n${build.stdout}\n${build.stderr}`);
}, 200_000);

describe('limitHeapGrowth in a real V8', () => {
  it('keeps the heap of a churning process well below what V8 lets it grow to by default', async () => {
    const [capped, uncapped] = await Promise.all([churn('capped'), churn('default')]);
    expect(capped.live).toBe(6000);
    // Measured on Node 20.20: ~260 MiB capped, ~405 MiB by default.
    expect(capped.peakMiB, `capped ${capped.peakMiB.toFixed(0)} MiB vs default ${uncapped.peakMiB.toFixed(0)} MiB`).toBeLessThan(uncapped.peakMiB * 0.8);
  }, 60_000);
});
