/**
 * `npm run bench` entry (bundled by scripts/bench.mjs): sizes from flags or TAGSTREAM_BENCH_*
 * environment variables, the table on stdout, the JSON to bench/results/latest.json or --json.
 * Exit code 0 even when a target is missed (the table says MISSED); 1 when the bench itself fails.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checks, renderReport, withGeneratedSection } from './report.js';
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
  'daemon-cycles': 'daemonCycles',
  'startup-runs': 'startupRuns',
  rounds: 'rounds',
};

/** `--quick`: the base size divided by this (and fewer skopeo / token / daemon samples). */
const QUICK_DIVISOR = 8;

const HELP = `usage: npm run bench -- [--files N] [--workloads N] [--streams N] [--tags-per-stream N]
  [--trigger-every N] [--streams-per-namespace N] [--seed N] [--move-share F] [--skopeo-sample N]
  [--skopeo-parallel N] [--token-streams N] [--seed-concurrency N]
  [--import-probe-concurrency N] [--daemon-cycles N] [--startup-runs N] [--rounds N] [--json FILE] [--keep] [--quiet]
  [--scale]         measure at 1/4x, 1x and 4x of the base size in one run (does it scale linearly?)
  [--quick]         base size / ${QUICK_DIVISOR} (a few minutes on 2 cores; targets are for the default size)
  [--doc FILE | --no-doc]  the report also replaces the generated section of FILE (default docs/benchmarks.md)
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
      scale: { type: 'boolean' },
      quick: { type: 'boolean' },
      doc: { type: 'string' },
      'no-doc': { type: 'boolean' },
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
  const quick = values.quick === true;
  const explicit = (flag: string) => typeof (values as Record<string, unknown>)[flag] === 'string' || process.env[`TAGSTREAM_BENCH_${flag.toUpperCase().replace(/-/g, '_')}`] !== undefined;
  if (quick) {
    for (const flag of ['files', 'workloads', 'streams'] as const) if (!explicit(flag)) sizes[flag] = Math.max(1, Math.round(DEFAULT_BENCH[flag] / QUICK_DIVISOR));
    if (!explicit('skopeo-sample')) sizes.skopeoSample = 8;
    if (!explicit('token-streams')) sizes.tokenStreams = 10;
    if (!explicit('daemon-cycles')) sizes.daemonCycles = 20;
  }
  const root = process.env.TAGSTREAM_BENCH_ROOT ?? process.cwd();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  const config: BenchConfig = {
    ...DEFAULT_BENCH,
    ...sizes,
    scales: values.scale === true ? [0.25, 1, 4] : [1],
    cliEntry: pkg.bin?.tagstream ? join(root, pkg.bin.tagstream) : undefined,
    keep: values.keep === true,
    profileDir: typeof values.profile === 'string' ? resolve(values.profile) : undefined,
    scenarioScript: fileURLToPath(new URL('./scenario-child.js', import.meta.url)),
    progress: (m) => {
      if (!quiet) process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
    },
  };
  const jsonPath = resolve(typeof values.json === 'string' ? values.json : join(root, 'bench', 'results', 'latest.json'));
  const command = process.env.TAGSTREAM_BENCH_COMMAND ?? `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();

  const result = await runBench(config);
  const report = renderReport(result, command);
  console.log(report);
  if (values['no-doc'] !== true) {
    const docPath = resolve(typeof values.doc === 'string' ? values.doc : join(root, 'docs', 'benchmarks.md'));
    const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
    writeFileSync(docPath, withGeneratedSection(doc, report));
    if (!quiet) process.stderr.write(`[bench] report written into ${docPath}\n`);
  }
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify({ command, ...result, checks: checks(result) }, null, 2)}\n`);
  if (!quiet) process.stderr.write(`[bench] JSON written to ${jsonPath}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
