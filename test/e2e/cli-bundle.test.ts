/**
 * The bundled `tagstream` bin (scripts/build-cli.mjs -> dist/cli/tagstream.js, what package.json
 * `bin` points at) against the tsc output it is built from (dist/cli/main.js): same output and exit
 * codes for help, version, read verbs and a usage error; the app (use cases, adapters, yaml, undici,
 * isomorphic-git, zod), the cloud SDKs and the daemon stay out of what start-up loads (they are
 * chunks loaded on first use), which is what keeps start-up cheap (measured in `npm run bench`, not here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRecordingV8Flags } from '../harness/v8-flags.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = join(REPO, 'dist/cli/tagstream.js');
const TSC_MAIN = join(REPO, 'dist/cli/main.js');
const FIXTURE = fileURLToPath(new URL('../fixtures/cli/basic', import.meta.url));

function runBin(bin: string, args: string[], cwd = FIXTURE): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: '/nonexistent' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Files the entry loads before running anything: itself and its static imports, transitively. */
function staticallyLoaded(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["'](\.\/[^"']+)["']/g)) visit(join(dirname(file), m[1]!));
  };
  visit(entry);
  return [...seen];
}

/** The chunk holding the command tree, which the entry imports for anything but `--version`. */
function commandTreeChunk(): string {
  const m = /import\(["']\.\/(chunks\/run-[^"']+\.js)["']\)/.exec(readFileSync(BUNDLE, 'utf8'));
  if (!m) throw new Error('the bundle does not import the command tree chunk');
  return join(dirname(BUNDLE), m[1]!);
}

/** What a verb or --help loads before its action runs: the entry, the command tree chunk, their static imports. */
function startupLoaded(): string[] {
  return [...new Set([...staticallyLoaded(BUNDLE), ...staticallyLoaded(commandTreeChunk())])];
}

beforeAll(() => {
  if (existsSync(BUNDLE) && existsSync(TSC_MAIN)) return;
  const build = spawnSync('npm', ['run', 'build:ts'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build:ts failed:\n${build.stdout}\n${build.stderr}`);
}, 200_000);

describe('bundled tagstream bin', () => {
  it('is the package bin and starts with a shebang', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
    expect(pkg.bin.tagstream).toBe('dist/cli/tagstream.js');
    expect(readFileSync(BUNDLE, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const v = runBin(BUNDLE, ['--version']);
    expect(v).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it.each([[['--help']], [['serve', '--help']], [['get', 'is']], [['get', 'is', '-o', 'json']], [['describe', 'is', 'ruby']], [['get', 'nosuchkind']], [['reconcile', '--dry-run', '--bogus']]])(
    'prints what the tsc build prints: %j',
    (args) => {
      const bundled = runBin(BUNDLE, args);
      const plain = runBin(TSC_MAIN, args);
      expect(bundled).toEqual(plain);
    },
  );

  it('answers --version from the entry alone: the command tree is a chunk it imports only for other arguments', () => {
    const loaded = staticallyLoaded(BUNDLE);
    const bytes = loaded.reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes, `--version parses ${bytes} bytes in ${loaded.length} files`).toBeLessThan(4_000);
    expect(readFileSync(BUNDLE, 'utf8')).toMatch(/import\(["']\.\/chunks\/run-[^"']+\.js["']\)/);
    expect(runBin(BUNDLE, ['--version', '--help'])).toEqual(runBin(TSC_MAIN, ['--version', '--help']));
  });

  it('tunes V8 (heap growth capped, tier-up budget raised) for every command but the bare --version, as the environment says', () => {
    const run = (args: string[], env: Record<string, string> = {}) => runRecordingV8Flags(BUNDLE, args, { cwd: FIXTURE, env: { ...process.env, HOME: '/nonexistent', TAGSTREAM_HEAP_GROWING_PERCENT: '', TAGSTREAM_INTERRUPT_BUDGET: '', ...env } });
    const DEFAULTS = ['--heap-growing-percent=100', '--interrupt-budget=540672'];
    const plain = run(['get', 'is']);
    expect(plain.flags).toEqual(DEFAULTS);
    expect(plain.stderr).not.toContain('tagstream: warning');
    expect(run(['reconcile', '--dry-run']).flags).toEqual(DEFAULTS);
    expect(run(['--version']).flags).toEqual([]);
    expect(run(['get', 'is'], { TAGSTREAM_HEAP_GROWING_PERCENT: '0' }).flags).toEqual(['--interrupt-budget=540672']);
    expect(run(['get', 'is'], { TAGSTREAM_HEAP_GROWING_PERCENT: '300', TAGSTREAM_INTERRUPT_BUDGET: '0' }).flags).toEqual(['--heap-growing-percent=300']);
    expect(run(['get', 'is'], { TAGSTREAM_INTERRUPT_BUDGET: '135168' }).flags).toEqual(['--heap-growing-percent=100', '--interrupt-budget=135168']);
    const bad = run(['get', 'is'], { TAGSTREAM_HEAP_GROWING_PERCENT: 'lots', TAGSTREAM_INTERRUPT_BUDGET: '-1' });
    expect(bad.flags).toEqual(DEFAULTS);
    expect(bad.stderr).toContain(`tagstream: warning: TAGSTREAM_HEAP_GROWING_PERCENT: expected a whole number of percent (0 for V8's own choice), got "lots"; using 100`);
    expect(bad.stderr).toContain(`tagstream: warning: TAGSTREAM_INTERRUPT_BUDGET: expected a whole number of bytes of bytecode (0 for V8's own choice), got "-1"; using 540672`);
  });

  it('keeps the cloud SDKs and the daemon out of start-up', () => {
    const loaded = startupLoaded();
    const text = loaded.map((f) => readFileSync(f, 'utf8')).join('\n');
    // Present in the build (as lazily imported chunks) ...
    const all = readFileSync(commandTreeChunk(), 'utf8');
    expect(all).toMatch(/import\(["']\.\/serve-main-[^"']+\.js["']\)/);
    // ... but not among what start-up parses.
    for (const marker of ['@aws-sdk/client-ecr', 'DefaultAzureCredential', 'GoogleAuth', 'prom-client', 'startDaemonHttpServer']) expect(text, marker).not.toContain(marker);
  });

  it('starts with the command tree only: no YAML, HTTP, Git or schema library, and a bounded size', () => {
    // --help and every verb load the command tree (the entry's `run` chunk and its static imports);
    // each verb imports its use case, renderers and the composition root (every adapter) in its
    // action, so they are lazy chunks.
    const loaded = startupLoaded();
    const text = loaded.map((f) => readFileSync(f, 'utf8')).join('\n');
    const markers = { yaml: 'YAMLParseError', undici: 'UND_ERR_CONNECT_TIMEOUT', 'isomorphic-git': 'GitPackIndex', zod: 'ZodError' };
    for (const [library, marker] of Object.entries(markers)) {
      expect(text.includes(marker), `${library} is loaded at start-up: a static import of it (or of an app module) reached the CLI entry`).toBe(false);
    }
    // commander (~55 KB) and the verb definitions (~50 KB): room for new verbs and flags, not for a library.
    const bytes = loaded.reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes, `start-up parses ${bytes} bytes in ${loaded.length} files (budget 200 KB): import what only a verb needs inside its action`).toBeLessThan(200_000);
  });
});
