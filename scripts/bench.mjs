#!/usr/bin/env node
// `npm run bench`: compiles the benchmark (bench/*.ts, which reuses the TypeScript test harness and
// the product sources) with esbuild into node_modules/.cache/tagstream-bench/ (inside the repo so
// bare imports resolve to our node_modules; never stale, no `npm run build` needed), then runs it.
// Arguments are passed through: `npm run bench -- --files 200 --json /tmp/b.json`; see --help.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'node_modules', '.cache', 'tagstream-bench');
mkdirSync(outdir, { recursive: true });

await build({
  entryPoints: [join(root, 'bench', 'cli.ts'), join(root, 'bench', 'scenario-child.ts'), join(root, 'bench', 'heads-lab.ts')],
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// `npm run bench:heads` (`--heads-lab` first): the registry client's CPU per HEAD alone (bench/heads-lab.ts)
const headsLab = process.argv[2] === '--heads-lab';
const args = process.argv.slice(headsLab ? 3 : 2);
const child = spawn(process.execPath, ['--enable-source-maps', join(outdir, headsLab ? 'heads-lab.js' : 'cli.js'), ...args], {
  stdio: 'inherit',
  env: {
    ...process.env,
    TAGSTREAM_BENCH_ROOT: root,
    TAGSTREAM_BENCH_COMMAND: process.env.TAGSTREAM_BENCH_COMMAND ?? ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' '),
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
