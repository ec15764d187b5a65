/**
 * The benchmark pipeline, per repository size (`scales`): generate the monorepo, `git init` it with
 * the git CLI, seed a real registry, converge once (first reconcile: peak RSS), then measure in a
 * child process each: the floor (read + pre-filter + bare undici Pool HEADs), the no-change reconcile
 * cold (no index cache), warm and in a fresh clone with the cache restored, and the import phase.
 * At the reference size also: 5% of tags moved with a commit, a token-auth registry, the daemon
 * (poll cycles with nothing due, one registry webhook, RSS), `tagstream --version` start-up and the
 * skopeo baseline. Every process it starts is stopped by PID and every temp dir removed, also on failure.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../test/harness/registry.js';
import { startGitServer } from '../test/harness/git-server.js';
import { INDEX_CACHE_FILE as INDEX_CACHE_IN_GITDIR } from '../src/adapters/git/index-cache-file.js';
import { DAEMON_ENV } from '../src/adapters/process/v8-tuning.js';
import type { DaemonFigures } from './daemon-scenario.js';
import { medianOf, pass } from './figures.js';
import type { FloorFigures } from './floor.js';
import { DEFAULT_MONOREPO, generateMonorepo, type BenchTag, type GeneratedMonorepo, type MonorepoOptions } from './monorepo.js';
import { RESULT_MARKER, type ScenarioCredentials, type ScenarioInput, type ScenarioResult } from './scenario.js';
import { eachLimit, moveTags, pickMoved, seedTags } from './seed-registry.js';
import { generatePolicyRepo, POLICY_REPOSITORIES } from './policy-scenario.js';
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
  /** Repository sizes to measure, as factors of the base size (files, workloads, streams); [1] by default, `--scale`: [0.25, 1, 4]. */
  readonly scales: readonly number[];
  /** Poll cycles of the daemon scenario (0 = skip the daemon). */
  readonly daemonCycles: number;
  /** `tagstream --version` runs timed (0 = skip). */
  readonly startupRuns: number;
  /**
   * Rounds of (floor, warm no-change reconcile, import phase), run back to back: the ratios are taken
   * per round and their median reported, as the shared machine's speed drifts between rounds.
   */
  readonly rounds: number;
  /** Compiled scenario-child entry (JavaScript), run with `node`. */
  readonly scenarioScript: string;
  /** The installed bin (package.json `bin.tagstream`), for the start-up measure. */
  readonly cliEntry?: string | undefined;
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
  importProbeConcurrency: 0,
  scales: [1],
  daemonCycles: 50,
  startupRuns: 5,
  rounds: 3,
  keep: false,
};

/** The registry client's default concurrency per registry (the floor's bare Pool uses the same). */
export const CLIENT_CONCURRENCY = 8;

export interface ScenarioRun extends ScenarioResult {
  /** Spawn to exit of the child (Node start-up and module loading included). */
  readonly processMs: number;
  /** User + system CPU of the whole child process (start-up and module loading included). */
  readonly processCpuMs?: number | undefined;
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

/** CPU of this process's reaped children (cutime + cstime, /proc/self/stat), ms; undefined off Linux. */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * (1000 / CLOCK_TICKS_PER_SECOND) : undefined;
  } catch {
    return undefined;
  }
}

/** Everything measured at one repository size. */
export interface ScaleResult {
  readonly scale: number;
  readonly monorepo: {
    readonly files: number;
    readonly bytes: number;
    readonly counts: GeneratedMonorepo['counts'];
    readonly tags: number;
    readonly repositories: number;
  };
  readonly seeding: { readonly tags: number; readonly wallMs: number };
  /** The floor of the round whose warm / floor ratio is the median one (see `rounds`). */
  readonly floor: FloorFigures;
  /** Per round (floor, warm, fresh clone, import phase run back to back): warm / floor, client-per-HEAD / bare Pool, fresh clone / warm. */
  readonly rounds?: { readonly floorRatios: readonly number[]; readonly headRatios: readonly number[]; readonly freshRatios?: readonly number[] } | undefined;
  readonly scenarios: {
    /** First reconcile: import every tag, pin every triggered workload (peak RSS of the write phase). */
    readonly prime: ScenarioRun;
    /** No-change reconcile with the index cache removed first. */
    readonly cold: ScenarioRun;
    /** The same again (the cache the cold run wrote); of the round with the median warm / floor ratio. */
    readonly warm: ScenarioRun;
    /** A fresh `git clone` of the repository with the cache file copied in (the Action with actions/cache); of the round with the median fresh / warm ratio. */
    readonly freshClone: ScenarioRun;
    /** The import phase alone: every tag resolved at once by the registry client (round with the median client ratio). */
    readonly importPhase: ScenarioRun;
  };
}

export interface StartupFigures {
  readonly entry: string;
  readonly runs: number;
  readonly cpuMs: { readonly median: number; readonly min: number; readonly max: number };
}

export interface BenchResult {
  readonly startedAt: string;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly loadAverage: readonly number[] };
  readonly config: Omit<BenchConfig, 'scenarioScript' | 'progress'>;
  /** One entry per `scales` factor, in order. */
  readonly scales: readonly ScaleResult[];
  /** The scale the single-size measures below ran at (1 when measured). */
  readonly referenceScale: number;
  readonly moved: ScenarioRun & { readonly movedTags: number };
  readonly token?: (ScenarioRun & { readonly repositories: number; readonly tags: number }) | undefined;
  readonly importProbe?: (ScenarioRun & { readonly concurrency: number }) | undefined;
  readonly daemon?: DaemonFigures | undefined;
  readonly daemonRun?: ScenarioRun | undefined;
  readonly startup?: StartupFigures | undefined;
  readonly skopeo?: { readonly serial: SkopeoFigures; readonly parallel: SkopeoFigures } | undefined;
  /** No-change reconcile of a repository whose tags follow tag policies (issue #15). */
  readonly policy?: (ScenarioRun & { readonly repositories: number; readonly policyTags: number }) | undefined;
}

/** Write every generated file under `dir`, then `git init` + one commit with the git CLI. */
export async function materialize(dir: string, repo: Pick<GeneratedMonorepo, 'files'>): Promise<number> {
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
  const childrenStart = childrenCpuMs();
  const inputFile = join(workDir, `scenario-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  const start = performance.now();
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  // The daemon runs in the environment its image gives it (Dockerfile ENV).
  const env = input.kind === 'daemon' ? { ...process.env, ...DAEMON_ENV } : process.env;
  const child = spawn(process.execPath, [...profile, script, inputFile], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const processMs = performance.now() - start;
  const childrenEnd = childrenCpuMs();
  rmSync(inputFile, { force: true });
  const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (code !== 0 || !line) throw new Error(`bench scenario ${input.kind} exited with ${code}:\n${err.slice(-4000)}`);
  const registryCpuEnd = registryPid === undefined ? undefined : processCpuMs(registryPid);
  const registryCpuMs = registryCpuStart !== undefined && registryCpuEnd !== undefined ? registryCpuEnd - registryCpuStart : undefined;
  const processCpu = childrenStart !== undefined && childrenEnd !== undefined ? childrenEnd - childrenStart : undefined;
  return { ...(JSON.parse(line.slice(RESULT_MARKER.length)) as ScenarioResult), processMs, processCpuMs: processCpu, registryCpuMs };
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

/** Sizes of one scale: files, workloads and streams multiplied by `scale` (at least 1 each). */
export function scaledSizes(config: Omit<MonorepoOptions, 'registryHost'>, scale: number): Omit<MonorepoOptions, 'registryHost'> {
  const times = (n: number) => Math.max(1, Math.round(n * scale));
  return { ...config, files: times(config.files), workloads: times(config.workloads), streams: times(config.streams), streamsPerNamespace: Math.min(config.streamsPerNamespace, times(config.streams)) };
}

/** `tagstream --version` run `runs` times; CPU of each child from this process's children counters. */
export function measureStartup(entry: string, runs: number): StartupFigures | undefined {
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = childrenCpuMs();
    const r = spawnSync(process.execPath, [entry, '--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const after = childrenCpuMs();
    if (r.status !== 0 || before === undefined || after === undefined) return undefined;
    cpu.push(after - before);
  }
  const sorted = [...cpu].sort((a, b) => a - b);
  return { entry, runs, cpuMs: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 } };
}

/** Where the persistent index cache lives in a working copy (never committed: inside .git/). */
export const INDEX_CACHE_FILE = join('.git', INDEX_CACHE_IN_GITDIR);

interface ScaleRun {
  readonly result: ScaleResult;
  readonly repoDir: string;
  readonly registry: TestRegistry;
  readonly generated: GeneratedMonorepo;
  readonly expected: ReadonlyMap<string, string>;
}

async function runScale(config: BenchConfig, work: string, scale: number, keepRegistry: boolean): Promise<ScaleRun> {
  const { progress } = config;
  const label = `[${scale}x]`;
  const registry = await startRegistry();
  try {
    const scenario = (input: ScenarioInput) => runScenarioChild(config.scenarioScript, work, input, config.profileDir, registry.pid);
    const repoDir = join(work, `repo-${scale}x`);
    const generated = generateMonorepo({ ...scaledSizes(config, scale), registryHost: registry.host });
    progress(`${label} generating ${generated.files.size} files in ${repoDir}`);
    const bytes = await materialize(repoDir, generated);
    const refs = generated.tags.map((t) => t.from);

    progress(`${label} seeding ${generated.tags.length} tags into ${registry.host} (pid ${registry.pid})`);
    const seedStart = performance.now();
    const seeded = await seedTags(registry, generated.tags, config.seedConcurrency);
    const seedingMs = performance.now() - seedStart;
    const expected = new Map(generated.tags.map((t) => [t.from, seeded.get(`${t.repository}:${t.tag}`) ?? '']));

    progress(`${label} first reconcile: import every tag, pin every triggered workload, commit`);
    // Committed by Tagstream itself: a reconcile without --commit records its writes for the next
    // `reconcile --commit` to pick up (#13.2), which would then be charged to the cold run.
    const prime = await scenario(reconcileInput(repoDir, [{ scheduledDue: true }], { commit: true }));

    progress(`${label} no-change reconcile: cold (no index cache)`);
    rmSync(join(repoDir, INDEX_CACHE_FILE), { force: true });
    const cold = await scenario(reconcileInput(repoDir, [{ scheduledDue: true }], { commit: true }));

    // Rounds of floor, warm, fresh clone and import phase back to back: each ratio compares runs made
    // seconds apart (this shared machine's speed drifts by 10-20% between runs a minute apart).
    const freshCloneRun = async (round: number): Promise<ScenarioRun> => {
      const cloneDir = join(work, `clone-${scale}x-${round}`);
      await run('git', ['clone', '-q', repoDir, cloneDir]);
      if (existsSync(join(repoDir, INDEX_CACHE_FILE))) {
        mkdirSync(dirname(join(cloneDir, INDEX_CACHE_FILE)), { recursive: true });
        copyFileSync(join(repoDir, INDEX_CACHE_FILE), join(cloneDir, INDEX_CACHE_FILE));
      }
      try {
        return await scenario(reconcileInput(cloneDir, [{ scheduledDue: true }], { commit: true }));
      } finally {
        rmSync(cloneDir, { recursive: true, force: true });
      }
    };
    const rounds: { floor: FloorFigures; warm: ScenarioRun; freshClone: ScenarioRun; importPhase: ScenarioRun }[] = [];
    for (let round = 1; round <= Math.max(1, config.rounds); round++) {
      progress(`${label} round ${round}: floor (read + pre-filter every file, bare undici Pool HEADs), warm no-change reconcile, fresh clone + restored cache, import phase`);
      const floorRun = await scenario({ kind: 'floor', repo: repoDir, refs, concurrency: CLIENT_CONCURRENCY });
      if (!floorRun.floor) throw new Error('bench: the floor scenario returned no figures');
      const warmRun = await scenario(reconcileInput(repoDir, [{ scheduledDue: true }], { commit: true }));
      const freshRun = await freshCloneRun(round);
      // as a no-change run asks: the digest each stream records is passed along (one HEAD per tag)
      const importRun = await scenario({ kind: 'import', refs, knownDigests: refs.map((r) => expected.get(r)) });
      rounds.push({ floor: floorRun.floor, warm: warmRun, freshClone: freshRun, importPhase: importRun });
    }
    const floorRatio = (r: (typeof rounds)[number]) => pass(r.warm).cpuMs / Math.max(1, r.floor.readCpuMs + r.floor.headCpuMs);
    const headRatioOf = (r: (typeof rounds)[number]) => pass(r.importPhase).cpuMs / Math.max(1, pass(r.importPhase).registry.manifestHead) / (r.floor.headCpuMs / Math.max(1, r.floor.heads));
    const freshRatioOf = (r: (typeof rounds)[number]) => pass(r.freshClone).cpuMs / Math.max(1, pass(r.warm).cpuMs);
    const byFloor = medianOf(rounds, floorRatio);
    const byHead = medianOf(rounds, headRatioOf);
    const byFresh = medianOf(rounds, freshRatioOf);
    const floorRun = { floor: byFloor.floor };
    const warm = byFloor.warm;
    const freshClone = byFresh.freshClone;

    const importPhase = byHead.importPhase;

    const result: ScaleResult = {
      scale,
      monorepo: {
        files: generated.files.size,
        bytes,
        counts: generated.counts,
        tags: generated.tags.length,
        repositories: new Set(generated.tags.map((t) => t.repository)).size,
      },
      seeding: { tags: generated.tags.length, wallMs: seedingMs },
      floor: floorRun.floor,
      rounds: { floorRatios: rounds.map(floorRatio), headRatios: rounds.map(headRatioOf), freshRatios: rounds.map(freshRatioOf) },
      scenarios: { prime, cold, warm, freshClone, importPhase },
    };
    if (!keepRegistry) await registry.stop();
    return { result, repoDir, registry, generated, expected };
  } catch (e) {
    await registry.stop();
    throw e;
  }
}

/** Run the whole benchmark. */
export async function runBench(config: BenchConfig): Promise<BenchResult> {
  const { progress } = config;
  const startedAt = new Date().toISOString();
  // Other work on the machine skews every figure: recorded so a reader can judge.
  const loadAverage = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'tagstream-bench-'));
  const registries: TestRegistry[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const scales = config.scales.length > 0 ? config.scales : [1];
    const referenceScale = scales.includes(1) ? 1 : (scales[0] as number);
    const results: ScaleResult[] = [];
    let reference: ScaleRun | undefined;
    for (const scale of scales) {
      const r = await runScale(config, work, scale, scale === referenceScale);
      results.push(r.result);
      if (scale === referenceScale) {
        reference = r;
        registries.push(r.registry);
      } else if (!config.keep) rmSync(r.repoDir, { recursive: true, force: true });
    }
    if (!reference) throw new Error('bench: no reference scale');
    const { registry, repoDir, generated, expected } = reference;
    const scenario = (input: ScenarioInput, reg?: TestRegistry) => runScenarioChild(config.scenarioScript, work, input, config.profileDir, (reg ?? registry).pid);
    const refs = generated.tags.map((t) => t.from);

    const probe = config.importProbeConcurrency;
    const importProbe = probe > 0 ? { ...(await scenario({ kind: 'import', refs, knownDigests: refs.map((r) => expected.get(r)), maxConcurrencyPerRegistry: probe })), concurrency: probe } : undefined;

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

    let daemon: DaemonFigures | undefined;
    let daemonRun: ScenarioRun | undefined;
    if (config.daemonCycles > 0) {
      const server = await startGitServer();
      stoppers.push(() => server.stop());
      const url = await server.createBareRepo('bench.git');
      await git(repoDir, ['push', '-q', url, 'HEAD:refs/heads/main']);
      const hinted = generated.tags[Math.floor(generated.tags.length / 2)] as BenchTag;
      const readySignal = join(work, 'daemon-ready');
      const movedSignal = join(work, 'daemon-moved');
      progress(`daemon: clone over HTTP, start-up run, ${config.daemonCycles} poll cycles with nothing due, then one registry webhook (${hinted.repository}:${hinted.tag})`);
      const child = scenario({ kind: 'daemon', repoUrl: url, dataDir: join(work, 'daemon-data'), cycles: config.daemonCycles, readySignal, movedSignal, webhook: { registry: registry.host, repository: hinted.repository, tag: hinted.tag } });
      let settled = false;
      const mover = (async () => {
        while (!existsSync(readySignal)) {
          if (settled) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        await moveTags(registry, [hinted], 2, 1);
        writeFileSync(movedSignal, 'moved\n');
      })();
      try {
        daemonRun = await child;
      } finally {
        settled = true;
        await mover;
      }
      daemon = daemonRun.daemon;
    }

    let token: BenchResult['token'];
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
      await scenario(reconcileInput(tokenDir, [{ scheduledDue: true }], { credentials, commit: true }), tokenRegistry);
      const r = await scenario(reconcileInput(tokenDir, [{ scheduledDue: true }], { credentials, commit: true }), tokenRegistry);
      token = { ...r, repositories: new Set(small.tags.map((t) => t.repository)).size, tags: small.tags.length };
    }

    progress(`tag policies: ${POLICY_REPOSITORIES} repositories, two policy tags each; first reconcile, then a no-change run`);
    const policyRepo = generatePolicyRepo(registry.host);
    const policyDir = join(work, 'repo-policy');
    await materialize(policyDir, policyRepo);
    await seedTags(registry, policyRepo.tags, config.seedConcurrency);
    await scenario(reconcileInput(policyDir, [{ scheduledDue: true }], { commit: true }));
    const policyRun = await scenario(reconcileInput(policyDir, [{ scheduledDue: true }], {}));
    const policy = { ...policyRun, repositories: policyRepo.repositories, policyTags: policyRepo.policyTags };

    let startup: StartupFigures | undefined;
    if (config.startupRuns > 0 && config.cliEntry && existsSync(config.cliEntry)) {
      progress(`start-up: ${config.cliEntry} --version, ${config.startupRuns} times`);
      startup = measureStartup(config.cliEntry, config.startupRuns);
    } else if (config.startupRuns > 0) progress(`start-up skipped: ${config.cliEntry ?? 'the bin'} is not built (npm run build:ts)`);

    return {
      startedAt,
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverage },
      config: { ...withoutFunctions(config) },
      scales: results,
      referenceScale,
      moved,
      token,
      importProbe,
      daemon,
      daemonRun,
      startup,
      skopeo,
      policy,
    };
  } finally {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
    for (const r of registries.reverse()) await r.stop();
    if (config.keep) progress(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function withoutFunctions(config: BenchConfig): Omit<BenchConfig, 'scenarioScript' | 'progress'> {
  const { scenarioScript: _s, progress: _p, profileDir: _d, ...rest } = config;
  return rest;
}
