/**
 * Smoke run of `npm run bench` (scripts/bench.mjs: esbuild bundle, real docker-registry, git CLI,
 * child process per scenario, skopeo when installed) on a tiny monorepo, so the benchmark cannot
 * rot. Asserts the request-economy checks, which hold at any size and load; timings are only
 * required to be present.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../../bench/report.js';
import type { BenchResult } from '../../../bench/run-bench.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const TINY = ['--files', '4', '--workloads', '12', '--streams', '3', '--tags-per-stream', '2', '--streams-per-namespace', '2', '--skopeo-sample', '2', '--token-streams', '2', '--daemon-cycles', '3', '--startup-runs', '1', '--rounds', '2', '--quiet', '--no-doc'];

describe('npm run bench (tiny)', () => {
  let dir: string;
  let stdout = '';
  let report: BenchResult & { command: string; checks: Check[] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tagstream-bench-smoke-'));
    const json = join(dir, 'result.json');
    // TMPDIR inside our dir: afterwards it must hold nothing the bench left behind.
    const benchTmp = join(dir, 'tmp');
    await run('mkdir', [benchTmp]);
    ({ stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), ...TINY, '--json', json], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: benchTmp },
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
    report = JSON.parse(readFileSync(json, 'utf8')) as typeof report;
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates the asked shape and measures every scenario side by side', () => {
    expect(report.scales).toHaveLength(1);
    const ref = report.scales[0]!;
    expect(ref.monorepo.counts.workloadFiles).toBe(4);
    expect(ref.monorepo.tags).toBe(6);
    expect(ref.monorepo.repositories).toBe(3);
    const s = ref.scenarios;
    for (const run of [s.prime, s.cold, s.warm, s.freshClone, s.importPhase, report.moved]) {
      expect(run.maxRssMiB).toBeGreaterThan(10);
      for (const p of run.passes) expect(p.wallMs).toBeGreaterThan(0);
    }
    // The first reconcile really imported and pinned: every tag moved, files were written.
    expect(s.prime.passes[0]!.moves).toBe(6);
    expect(s.prime.passes[0]!.filesChanged).toBeGreaterThan(3);
    // The floor read the same files and sent one HEAD per tag, all answered.
    expect(ref.floor.files).toBeGreaterThanOrEqual(ref.monorepo.counts.workloadFiles + ref.monorepo.counts.streamFiles);
    expect(ref.floor.heads).toBe(6);
    expect(ref.floor.headFailures).toBe(0);
    // The daemon ran its cycles and the webhook for one tag reached the remote as a commit.
    expect(report.daemon?.cycles).toBe(3);
    expect(report.daemon?.webhookCommitted).toBe(true);
    expect(report.startup?.runs).toBe(1);
    // Two rounds of floor / warm / import phase; the reported warm and floor are the median round's.
    expect(ref.rounds?.floorRatios).toHaveLength(2);
    expect(ref.rounds?.headRatios).toHaveLength(2);
    const reported = s.warm.passes[0]!.cpuMs / Math.max(1, ref.floor.readCpuMs + ref.floor.headCpuMs);
    expect(Math.min(...ref.rounds!.floorRatios)).toBeCloseTo(reported, 6);
  });

  it('meets every request-economy check', () => {
    const economy = report.checks.filter((c) => c.kind === 'economy');
    expect(economy.map((c) => c.name)).toEqual(
      expect.arrayContaining(['no-change run: one manifest HEAD per distinct tag', 'no-change run: no GET', 'token auth: one token per (registry, scope) per run', 'daemon webhook made a commit on the remote']),
    );
    expect(economy.filter((c) => !c.ok)).toEqual([]);
  });

  it('prints the table and the command, and leaves no temp files behind', () => {
    expect(stdout).toContain('no-change reconcile (warm): our CPU / floor CPU');
    expect(stdout).toContain('no-change reconcile, fresh clone + restored cache');
    expect(stdout).toContain('daemon poll cycle, nothing due');
    expect(report.command).toContain('--files 4');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(existsSync(join(ROOT, 'node_modules', '.cache', 'tagstream-bench', 'cli.js'))).toBe(true);
  });
});

describe('npm run bench:heads (tiny)', () => {
  it('measures the pool, the pool with dispatch, the pool as our transport uses it and the client, in fresh processes, and cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagstream-heads-smoke-'));
    try {
      const { stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), '--heads-lab', '--tags', '6', '--rounds', '2'], {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: dir },
        timeout: 120_000,
      });
      const rounds = stdout.split('\n').filter((l) => l.startsWith('round '));
      expect(rounds).toHaveLength(2);
      for (const line of rounds) expect(line).toMatch(/^round \d: pool \d+\.\d+ ms, pool-dispatch \d+\.\d+ ms, pool-as-client \d+\.\d+ ms, client \d+\.\d+ ms per HEAD$/);
      expect(stdout).toMatch(/median of 2 rounds \(per-round ratios\): client \/ pool \d+\.\d+x, client \/ pool-dispatch \d+\.\d+x, pool-as-client \/ pool \d+\.\d+x, client \/ pool-as-client \d+\.\d+x/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 130_000);
});
