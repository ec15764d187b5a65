/**
 * `npm run bench:heads`: the registry client's CPU per manifest HEAD against two references, each
 * measured in a fresh process (as the bench's import phase is), alternating, for N rounds, on one
 * real docker-registry seeded with the bench's 2,000 tags:
 * - `pool`: the bench's floor (bench/floor.ts), a bare undici Pool with 8 workers;
 * - `pool-as-client`: the same Pool used the way our transport uses it (every tag asked at once
 *   behind an 8-slot limiter, User-Agent + Accept, a shared AbortSignal, no connection cap), so
 *   `client / pool-as-client` is the cost of our own layers and `pool-as-client / pool` that of
 *   the undici features we use;
 * - `pool-dispatch`: the floor's 8 workers with undici's low-level `dispatch` instead of
 *   `request` + `body.dump()` (no response stream), the API the client's HEADs use: what the same
 *   bare loop costs written that way;
 * - `client`: RegistryClient.resolve of every tag at once, the digest each stream records passed
 *   along (one HEAD per tag), as a no-change reconcile asks.
 * Usage: npm run bench:heads -- [--rounds N] [--tags N]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startRegistry } from '../test/harness/registry.js';
import { createRegistryClient } from '../src/adapters/registry/registry-client.js';
import { Limiter } from '../src/adapters/registry/limiter.js';
import { MANIFEST_ACCEPT } from '../src/adapters/registry/media-types.js';
import { bodilessExchange } from '../src/adapters/registry/transport.js';
import { parseImageReference } from '../src/domain/image-reference.js';
import { median } from './figures.js';
import { measureHeads } from './floor.js';
import { DEFAULT_MONOREPO, generateMonorepo } from './monorepo.js';
import { seedTags } from './seed-registry.js';

const VARIANTS = ['pool', 'pool-dispatch', 'pool-as-client', 'client'] as const;
type Variant = (typeof VARIANTS)[number];

interface LabInput {
  readonly refs: readonly string[];
  readonly known: readonly string[];
}

/** CPU-ms of this process since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** `/v2/<repository>/manifests/<tag>` of `host/repository:tag`. */
function manifestPath(ref: string): string {
  const rest = ref.slice(ref.indexOf('/') + 1);
  const colon = rest.lastIndexOf(':');
  return `/v2/${rest.slice(0, colon)}/manifests/${rest.slice(colon + 1)}`;
}

/** Our transport's way of using a Pool, without our layers. */
async function poolAsClient(refs: readonly string[]): Promise<{ cpuMs: number; heads: number; failures: number }> {
  const host = refs[0]!.slice(0, refs[0]!.indexOf('/'));
  const origin = `http://${host}`;
  const pool = new Pool(origin, {});
  const slots = new Limiter(8);
  const shared = new AbortController();
  const headers = { 'user-agent': 'tagstream/0.1 (+https://github.com/tagstream)', accept: MANIFEST_ACCEPT };
  const paths = refs.map(manifestPath);
  let failures = 0;
  const cpu = process.cpuUsage();
  await Promise.all(
    paths.map(async (path) => {
      if (!slots.tryAcquire()) await slots.wait();
      try {
        const res = await pool.request({ origin, method: 'HEAD', path, headers, reset: false, signal: shared.signal });
        await res.body.dump();
        if (res.statusCode !== 200) failures++;
      } finally {
        slots.release();
      }
    }),
  );
  const cpuMs = cpuMsSince(cpu);
  await pool.close();
  return { cpuMs, heads: paths.length, failures };
}

/** The floor's loop (8 workers, one Pool of 8 connections) with dispatch and a bodiless handler. */
async function poolDispatch(refs: readonly string[]): Promise<{ cpuMs: number; heads: number; failures: number }> {
  const host = refs[0]!.slice(0, refs[0]!.indexOf('/'));
  const origin = `http://${host}`;
  const pool = new Pool(origin, { connections: 8 });
  const headers = { accept: MANIFEST_ACCEPT };
  const paths = refs.map(manifestPath);
  let failures = 0;
  let next = 0;
  const cpu = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const res = await bodilessExchange(pool, { origin, method: 'HEAD', path: paths[next++]!, headers, reset: false }, undefined);
      if (res.statusCode !== 200 || !res.headers['docker-content-digest']) failures++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const cpuMs = cpuMsSince(cpu);
  await pool.close();
  return { cpuMs, heads: paths.length, failures };
}

async function client(input: LabInput): Promise<{ cpuMs: number; heads: number; failures: number }> {
  const registry = createRegistryClient({});
  const refs = input.refs.map((r) => parseImageReference(r));
  let failures = 0;
  const cpu = process.cpuUsage();
  await Promise.all(
    refs.map((ref, i) =>
      registry.resolve(ref, { importMode: 'Legacy', knownDigest: input.known[i] }).catch(() => {
        failures++;
      }),
    ),
  );
  const cpuMs = cpuMsSince(cpu);
  const heads = registry.stats().manifestHead;
  await registry.close();
  return { cpuMs, heads, failures };
}

/** One measurement in this (fresh) process; prints one JSON line. */
async function child(variant: Variant, inputFile: string): Promise<void> {
  const input = JSON.parse(readFileSync(inputFile, 'utf8')) as LabInput;
  let figures: { cpuMs: number; heads: number; failures: number };
  if (variant === 'pool') {
    const r = await measureHeads(input.refs, 8);
    figures = { cpuMs: r.headCpuMs, heads: r.heads, failures: r.headFailures };
  } else if (variant === 'pool-dispatch') {
    figures = await poolDispatch(input.refs);
  } else if (variant === 'pool-as-client') {
    figures = await poolAsClient(input.refs);
  } else {
    figures = await client(input);
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Run one measurement in a fresh process; its stdout. */
function runChild(script: string, variant: Variant, inputFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, '--child', variant, inputFile], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`heads lab: ${variant} exited with ${error.code ?? error.message}: ${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') return child(argv[1] as Variant, argv[2] ?? '');
  const { values } = parseArgs({ args: [...argv], options: { rounds: { type: 'string', default: '5' }, tags: { type: 'string' } } });
  const rounds = Math.max(1, Number(values.rounds));
  const registry = await startRegistry();
  const work = mkdtempSync(join(tmpdir(), 'tagstream-heads-lab-'));
  try {
    const generated = generateMonorepo({ ...DEFAULT_MONOREPO, registryHost: registry.host });
    const tags = values.tags === undefined ? generated.tags : generated.tags.slice(0, Math.max(1, Number(values.tags)));
    process.stderr.write(`seeding ${tags.length} tags into ${registry.host} (pid ${registry.pid})\n`);
    const seeded = await seedTags(registry, tags, 16);
    const inputFile = join(work, 'input.json');
    const input: LabInput = { refs: tags.map((t) => t.from), known: tags.map((t) => seeded.get(`${t.repository}:${t.tag}`) ?? '') };
    writeFileSync(inputFile, JSON.stringify(input));
    const perHead: Record<Variant, number[]> = { pool: [], 'pool-dispatch': [], 'pool-as-client': [], client: [] };
    const script = fileURLToPath(import.meta.url);
    for (let round = 1; round <= rounds; round++) {
      const line: string[] = [];
      for (const variant of VARIANTS) {
        // asynchronously: the registry's log pipes are read by this process's event loop
        const stdout = await runChild(script, variant, inputFile);
        const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { cpuMs: number; heads: number; failures: number };
        if (figures.failures !== 0 || figures.heads < tags.length) throw new Error(`heads lab: ${variant} failed (${stdout.trim()})`);
        perHead[variant].push(figures.cpuMs / figures.heads);
        line.push(`${variant} ${(figures.cpuMs / figures.heads).toFixed(3)} ms`);
      }
      process.stdout.write(`round ${round}: ${line.join(', ')} per HEAD\n`);
    }
    const ratio = (a: Variant, b: Variant) => median(perHead[a].map((x, i) => x / perHead[b][i]!));
    process.stdout.write(
      `median of ${rounds} rounds (per-round ratios): client / pool ${ratio('client', 'pool').toFixed(2)}x, client / pool-dispatch ${ratio('client', 'pool-dispatch').toFixed(2)}x, ` +
        `pool-as-client / pool ${ratio('pool-as-client', 'pool').toFixed(2)}x, client / pool-as-client ${ratio('client', 'pool-as-client').toFixed(2)}x\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    await registry.stop();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`heads lab failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
