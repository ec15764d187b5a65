/**
 * The benchmark pipeline: generate the monorepo, `git init` it with the git CLI, seed a real
 * registry, converge once, then measure each scenario in a child process of its own (no-change
 * reconcile, daemon steady state, import phase, 5% of tags moved with a commit, a token-auth
 * registry) and the skopeo baseline on the same tags. Every process it starts is stopped by PID
 * and every temp dir removed, also on failure.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../test/harness/registry.js';
import { DEFAULT_MONOREPO, generateMonorepo, type GeneratedMonorepo, type MonorepoOptions } from './monorepo.js';
import { RESULT_MARKER, type ScenarioCredentials, type ScenarioInput, type ScenarioResult } from './scenario.js';
import { eachLimit, moveTags, pickMoved, seedTags } from './seed-registry.js';
import { hasSkopeo, sample, timeSkopeo, type SkopeoTiming } from './skopeo.js';

const run = promisify(execFile);

export interface BenchConfig extends Omit<MonorepoOptions, 'registryHost'> {
  /** Share of tags moved in the "moved" scenario. */
  readonly moveShare: number;
  /** Tags resolved with skopeo per mode (0 = skip skopeo); the rest is extrapolated. */
  readonly skopeoSample: number;
  readonly skopeoParallel: number;
  /** ImageStreams of the token-auth variant (0 = skip it). */
  readonly tokenStreams: number;
  readonly seedConcurrency: number;
  /** Also time the import phase with this client concurrency per registry (what-if; 0 = skip). */
  readonly importProbeConcurrency: number;
  /** Compiled scenario-child entry (JavaScript), run with `node`. */
  readonly scenarioScript: string;
  /** Keep the temp dir (repositories) for inspection. */
  readonly keep: boolean;
  /** Write a V8 CPU profile of every scenario child into this directory. */
  readonly profileDir?: string | undefined;
  readonly progress: (message: string) => void;
}

export const DEFAULT_BENCH: Omit<BenchConfig, 'scenarioScript' | 'progress'> = {
  ...DEFAULT_MONOREPO,
  moveShare: 0.05,
  skopeoSample: 48,
  skopeoParallel: 8,
  tokenStreams: 50,
  seedConcurrency: 16,
  importProbeConcurrency: 16,
  keep: false,
};

export interface ScenarioRun extends ScenarioResult {
  /** Spawn to exit of the child (Node start-up and module loading included). */
  readonly processMs: number;
  /** CPU time the registry process used while the child ran (where the other side's time goes). */
  readonly registryCpuMs?: number | undefined;
}

/** User + system CPU of a process from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * (1000 / CLOCK_TICKS_PER_SECOND) : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface SkopeoFigures {
  readonly sampled: number;
  readonly parallel: number;
  readonly sampleMs: number;
  /** For all tags: measured when sampled = all, else sampleMs * tags / sampled. */
  readonly allTagsMs: number;
  readonly extrapolated: boolean;
  readonly failures: number;
  readonly firstError?: string | undefined;
  readonly digestsMatchRegistry: boolean;
}

export interface BenchResult {
  readonly startedAt: string;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly loadAverage: readonly number[] };
  readonly config: Omit<BenchConfig, 'scenarioScript' | 'progress'>;
  readonly monorepo: {
    readonly files: number;
    readonly bytes: number;
    readonly counts: GeneratedMonorepo['counts'];
    readonly tags: number;
    readonly repositories: number;
  };
  readonly seeding: { readonly tags: number; readonly wallMs: number };
  readonly scenarios: {
    readonly prime: ScenarioRun;
    readonly noChange: ScenarioRun;
    readonly steady: ScenarioRun;
    readonly importPhase: ScenarioRun;
    readonly importProbe?: (ScenarioRun & { readonly concurrency: number }) | undefined;
    readonly moved: ScenarioRun & { readonly movedTags: number };
    readonly token?: (ScenarioRun & { readonly repositories: number; readonly tags: number }) | undefined;
  };
  readonly skopeo?: { readonly serial: SkopeoFigures; readonly parallel: SkopeoFigures } | undefined;
}

/** Write every generated file under `dir`, then `git init` + one commit with the git CLI. */
export async function materialize(dir: string, repo: GeneratedMonorepo): Promise<number> {
  const dirs = new Set([...repo.files.keys()].map((p) => dirname(join(dir, p))));
  for (const d of dirs) await fs.mkdir(d, { recursive: true });
  let bytes = 0;
  await eachLimit([...repo.files], 32, async ([path, text]) => {
    bytes += Buffer.byteLength(text);
    await fs.writeFile(join(dir, path), text);
  });
  await git(dir, ['init', '-q', '-b', 'main']);
  await commitAll(dir, 'Initial state (generated by npm run bench)');
  return bytes;
}

async function git(dir: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@tagstream.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function commitAll(dir: string, message: string): Promise<void> {
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
}

/** Run one scenario in a child process (its own peak RSS). */
export async function runScenarioChild(script: string, workDir: string, input: ScenarioInput, profileDir?: string, registryPid?: number): Promise<ScenarioRun> {
  const registryCpuStart = registryPid === undefined ? undefined : processCpuMs(registryPid);
  const inputFile = join(workDir, `scenario-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  const start = performance.now();
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(process.execPath, [...profile, script, inputFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const processMs = performance.now() - start;
  rmSync(inputFile, { force: true });
  const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (code !== 0 || !line) throw new Error(`bench scenario ${input.kind} exited with ${code}:\n${err.slice(-4000)}`);
  const registryCpuEnd = registryPid === undefined ? undefined : processCpuMs(registryPid);
  const registryCpuMs = registryCpuStart !== undefined && registryCpuEnd !== undefined ? registryCpuEnd - registryCpuStart : undefined;
  return { ...(JSON.parse(line.slice(RESULT_MARKER.length)) as ScenarioResult), processMs, registryCpuMs };
}

function skopeoFigures(t: SkopeoTiming, total: number, expected: ReadonlyMap<string, string>): SkopeoFigures {
  return {
    sampled: t.tags,
    parallel: t.parallel,
    sampleMs: t.wallMs,
    allTagsMs: t.tags >= total ? t.wallMs : (t.wallMs * total) / t.tags,
    extrapolated: t.tags < total,
    failures: t.failures,
    firstError: t.firstError,
    digestsMatchRegistry: t.failures === 0 && [...t.digests].every(([ref, d]) => expected.get(ref) === d),
  };
}

const reconcileInput = (repo: string, passes: readonly { scheduledDue: boolean }[], extra: { parseCache?: boolean; commit?: boolean; credentials?: ScenarioCredentials } = {}): ScenarioInput => ({
  kind: 'reconcile',
  repo,
  passes,
  parseCache: extra.parseCache ?? false,
  commit: extra.commit ?? false,
  credentials: extra.credentials,
});

/** Run the whole benchmark. */
export async function runBench(config: BenchConfig): Promise<BenchResult> {
  const { progress } = config;
  const startedAt = new Date().toISOString();
  // Other work on the machine skews every figure: recorded so a reader can judge.
  const loadAverage = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'tagstream-bench-'));
  const registries: TestRegistry[] = [];
  const scenario = (input: ScenarioInput, registry?: TestRegistry) => runScenarioChild(config.scenarioScript, work, input, config.profileDir, (registry ?? registries[0])?.pid);
  try {
    const registry = await startRegistry();
    registries.push(registry);
    const repoDir = join(work, 'repo');
    const generated = generateMonorepo({ ...config, registryHost: registry.host });
    progress(`generating ${generated.files.size} files in ${repoDir}`);
    const bytes = await materialize(repoDir, generated);
    const refs = generated.tags.map((t) => t.from);

    progress(`seeding ${generated.tags.length} tags into ${registry.host} (pid ${registry.pid})`);
    const seedStart = performance.now();
    const seeded = await seedTags(registry, generated.tags, config.seedConcurrency);
    const seedingMs = performance.now() - seedStart;
    const expected = new Map(generated.tags.map((t) => [t.from, seeded.get(`${t.repository}:${t.tag}`) ?? '']));

    progress('first reconcile: import every tag, pin every triggered workload (then committed with git CLI)');
    const prime = await scenario(reconcileInput(repoDir, [{ scheduledDue: true }]));
    await commitAll(repoDir, 'First Tagstream reconcile');

    progress('no-change reconcile (cold process)');
    const noChange = await scenario(reconcileInput(repoDir, [{ scheduledDue: true }], { commit: true }));

    progress('steady state: passes in one process with the parse cache');
    const steady = await scenario(reconcileInput(repoDir, [{ scheduledDue: true }, { scheduledDue: true }, { scheduledDue: false }], { parseCache: true, commit: true }));

    progress('import phase: every tag resolved at once');
    const importPhase = await scenario({ kind: 'import', refs });
    const probe = config.importProbeConcurrency;
    const importProbe = probe > 0 ? { ...(await scenario({ kind: 'import', refs, maxConcurrencyPerRegistry: probe })), concurrency: probe } : undefined;

    let skopeo: BenchResult['skopeo'];
    if (config.skopeoSample > 0 && hasSkopeo()) {
      const picked = sample(refs, config.skopeoSample);
      progress(`skopeo inspect on ${picked.length} tags, one by one and ${config.skopeoParallel} at a time`);
      const serial = skopeoFigures(await timeSkopeo(picked, 1), refs.length, expected);
      const parallel = skopeoFigures(await timeSkopeo(picked, config.skopeoParallel), refs.length, expected);
      skopeo = { serial, parallel };
    } else if (config.skopeoSample > 0) {
      progress('skopeo not found: baseline skipped (apt-get install skopeo)');
    }

    const movedTags = pickMoved(generated.tags, config.moveShare);
    progress(`moving ${movedTags.length} tags, then reconcile with commit`);
    await moveTags(registry, movedTags, 1, config.seedConcurrency);
    const moved = { ...(await scenario(reconcileInput(repoDir, [{ scheduledDue: true }], { commit: true }))), movedTags: movedTags.length };

    let token: BenchResult['scenarios']['token'];
    if (config.tokenStreams > 0) {
      const tokenRegistry = await startRegistry({ auth: 'token' });
      registries.push(tokenRegistry);
      const scale = Math.min(1, config.tokenStreams / config.streams);
      const small = generateMonorepo({
        ...config,
        registryHost: tokenRegistry.host,
        streams: Math.min(config.tokenStreams, config.streams),
        files: Math.max(1, Math.round(config.files * scale)),
        workloads: Math.max(1, Math.round(config.workloads * scale)),
      });
      const tokenDir = join(work, 'repo-token');
      progress(`token-auth variant: ${small.tags.length} tags on ${tokenRegistry.host} (pid ${tokenRegistry.pid})`);
      await materialize(tokenDir, small);
      await seedTags(tokenRegistry, small.tags, config.seedConcurrency);
      const credentials = { username: TEST_USER, password: TEST_PASSWORD };
      await scenario(reconcileInput(tokenDir, [{ scheduledDue: true }], { credentials }), tokenRegistry);
      await commitAll(tokenDir, 'First Tagstream reconcile');
      const r = await scenario(reconcileInput(tokenDir, [{ scheduledDue: true }], { credentials, commit: true }), tokenRegistry);
      token = { ...r, repositories: new Set(small.tags.map((t) => t.repository)).size, tags: small.tags.length };
    }

    return {
      startedAt,
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverage },
      config: { ...withoutFunctions(config) },
      monorepo: {
        files: generated.files.size,
        bytes,
        counts: generated.counts,
        tags: generated.tags.length,
        repositories: new Set(generated.tags.map((t) => t.repository)).size,
      },
      seeding: { tags: generated.tags.length, wallMs: seedingMs },
      scenarios: { prime, noChange, steady, importPhase, importProbe, moved, token },
      skopeo,
    };
  } finally {
    for (const r of registries.reverse()) await r.stop();
    if (config.keep) progress(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function withoutFunctions(config: BenchConfig): Omit<BenchConfig, 'scenarioScript' | 'progress'> {
  const { scenarioScript: _s, progress: _p, profileDir: _d, ...rest } = config;
  return rest;
}
