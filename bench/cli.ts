/**
 * `npm run bench` entry (bundled by scripts/bench.mjs): sizes from flags or TAGSTREAM_BENCH_*
 * environment variables, the table on stdout, the JSON to bench/results/latest.json or --json.
 * Exit code 0 even when a target is missed (the table says MISSED); 1 when the bench itself fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checks, renderReport } from './report.js';
import { DEFAULT_BENCH, runBench, type BenchConfig } from './run-bench.js';

type NumericKey = {
  [K in keyof typeof DEFAULT_BENCH]-?: (typeof DEFAULT_BENCH)[K] extends number ? K : never;
}[keyof typeof DEFAULT_BENCH];

/** Flag name (kebab-case) for each numeric setting; env is TAGSTREAM_BENCH_<FLAG_IN_CAPS>. */
const NUMERIC: Record<string, NumericKey> = {
  files: 'files',
  workloads: 'workloads',
  streams: 'streams',
  'tags-per-stream': 'tagsPerStream',
  'trigger-every': 'triggerEvery',
  'streams-per-namespace': 'streamsPerNamespace',
  seed: 'seed',
  'move-share': 'moveShare',
  'skopeo-sample': 'skopeoSample',
  'skopeo-parallel': 'skopeoParallel',
  'token-streams': 'tokenStreams',
  'seed-concurrency': 'seedConcurrency',
  'import-probe-concurrency': 'importProbeConcurrency',
};

const HELP = `usage: npm run bench -- [--files N] [--workloads N] [--streams N] [--tags-per-stream N]
  [--trigger-every N] [--streams-per-namespace N] [--seed N] [--move-share F] [--skopeo-sample N]
  [--skopeo-parallel N] [--token-streams N] [--seed-concurrency N]
  [--import-probe-concurrency N] [--json FILE] [--keep] [--quiet]
  [--profile DIR]   (V8 CPU profile of every measured child process, for node --cpu-prof analysis)
Every number can also come from TAGSTREAM_BENCH_<FLAG> (e.g. TAGSTREAM_BENCH_FILES=200).
Defaults: ${Object.entries(NUMERIC)
  .map(([flag, key]) => `${flag}=${DEFAULT_BENCH[key]}`)
  .join(' ')}`;

function numberFrom(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number, got "${text}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(NUMERIC).map((k) => [k, { type: 'string' as const }])),
      json: { type: 'string' },
      profile: { type: 'string' },
      keep: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const sizes: Record<string, number> = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const fromFlag = (values as Record<string, string | boolean | undefined>)[flag];
    const fromEnv = process.env[`TAGSTREAM_BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
    const text = typeof fromFlag === 'string' ? fromFlag : fromEnv;
    sizes[key] = text === undefined ? DEFAULT_BENCH[key] : numberFrom(flag, text);
  }
  const quiet = values.quiet === true;
  const config: BenchConfig = {
    ...DEFAULT_BENCH,
    ...sizes,
    keep: values.keep === true,
    profileDir: typeof values.profile === 'string' ? resolve(values.profile) : undefined,
    scenarioScript: fileURLToPath(new URL('./scenario-child.js', import.meta.url)),
    progress: (m) => {
      if (!quiet) process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
    },
  };
  const root = process.env.TAGSTREAM_BENCH_ROOT ?? process.cwd();
  const jsonPath = resolve(typeof values.json === 'string' ? values.json : join(root, 'bench', 'results', 'latest.json'));
  const command = process.env.TAGSTREAM_BENCH_COMMAND ?? `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();

  const result = await runBench(config);
  console.log(renderReport(result, command));
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify({ command, ...result, checks: checks(result) }, null, 2)}\n`);
  if (!quiet) process.stderr.write(`[bench] JSON written to ${jsonPath}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
