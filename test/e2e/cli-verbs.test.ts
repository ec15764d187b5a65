/**
 * `tag`, `import-image` and `create istag` end to end: the in-process CLI (real composition:
 * directory workspace, inventory, registry client) against two real distribution registries on
 * 127.0.0.1 (a source and a "local" registry for referencePolicy Local), with a fixed clock.
 *
 * Each case is a golden directory under test/fixtures/verbs/<case>/: `before/` (the repository),
 * `case.json` (steps: pushes to the registry and CLI runs with their exact exit code, stdout and
 * stderr) and `after/` (the exact tree expected at the end). `{{REGISTRY}}` and `{{LOCAL}}` stand
 * for the registries' host:port. The `tagstream.io/observed-spec` annotation hashes the spec,
 * which contains the port, so it is written as `{{OBSERVED}}` after checking it matches the spec.
 * Set UPDATE_GOLDEN=1 to rewrite after/ and the expected outputs from a run (review the diff!).
 * Registries are stopped by PID and temp dirs removed in afterAll.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import type { ImageStream } from '../../src/domain/image-stream.js';
import { canonicalJson, specRecord } from '../../src/domain/spec-fingerprint.js';
import { fixedClock } from '../../src/ports/clock.js';
import { makeImage, makeIndex, type TestImage, type TestIndex } from '../harness/oci-image.js';
import { headDigest, pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

const CASES = fileURLToPath(new URL('../fixtures/verbs', import.meta.url));
const NOW = '2026-11-21T06:00:00Z';
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

interface Step {
  /** Push a test image (v1, v2, v3, or `multi`: an index of v1/amd64 and an arm64 image) to the source registry. */
  readonly push?: { readonly repo: string; readonly tag: string; readonly image: string };
  /** Check the local registry serves `repo@digest` (a Local-policy copy). */
  readonly localHas?: { readonly repo: string; readonly digest: string };
  /** A CLI run: argv, then its exact outcome. */
  readonly argv?: readonly string[];
  readonly code?: number;
  readonly stdout?: readonly string[];
  readonly stderr?: readonly string[];
  /** False: the run must not change any file. */
  readonly writes?: boolean;
}

interface GoldenCase {
  readonly description: string;
  readonly steps: readonly Step[];
}

let source: TestRegistry;
let local: TestRegistry;
const images: Record<string, TestImage | TestIndex> = {};
const tempDirs: string[] = [];

beforeAll(async () => {
  [source, local] = await Promise.all([startRegistry(), startRegistry()]);
  for (const v of ['v1', 'v2', 'v3']) images[v] = makeImage({ layers: [{ 'app.txt': `${v}\n` }], created: '2026-11-01T00:00:00Z' });
  const arm = makeImage({ layers: [{ 'app.txt': 'v1 arm64\n' }], architecture: 'arm64', variant: 'v8', created: '2026-11-01T00:00:00Z' });
  // a multi-arch index whose amd64 child is v1
  images['multi'] = makeIndex([images['v1'] as TestImage, arm]);
}, 60_000);

afterAll(async () => {
  await Promise.all([source?.stop(), local?.stop()]);
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

function readTree(root: string): Map<string, string> {
  if (!existsSync(root)) return new Map();
  return new Map(listTree(root).map((p) => [p, readFileSync(join(root, p), 'utf8')]));
}

const fill = (text: string) => text.replaceAll('{{REGISTRY}}', source.host).replaceAll('{{LOCAL}}', local.host);
const unfill = (text: string) => text.replaceAll(source.host, '{{REGISTRY}}').replaceAll(local.host, '{{LOCAL}}');

const OBSERVED = /^(\s*tagstream\.io\/observed-spec: )'([^'\n]*)'$/m;

/**
 * Replace the observed-spec annotation of a written stream by `{{OBSERVED}}`, after checking it
 * records exactly the spec the file holds (so the placeholder hides no wrong value).
 */
function normalizeObserved(path: string, text: string): string {
  if (!OBSERVED.test(text)) return text;
  const stream = parse(text) as ImageStream;
  const recorded = stream.metadata.annotations?.['tagstream.io/observed-spec'];
  expect(recorded, `${path}: observed-spec records the spec written`).toBe(canonicalJson(specRecord(stream)));
  return text.replace(OBSERVED, "$1'{{OBSERVED}}'");
}

async function cli(dir: string, argv: readonly string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv.map(fill), { stdout, stderr, env: { HOME: dir }, cwd: dir, clock: fixedClock(NOW) });
  // `describe is` (after import-image) shows the user's annotations; --show-managed would add the observed-spec hash (it depends on the port)
  const lines = (text: string) =>
    text === '' ? [] : unfill(text).replace(/(tagstream\.io\/observed-spec=)\{[^\n]*\}/g, '$1{{OBSERVED}}').replace(/\n$/, '').split('\n');
  return { code, stdout: lines(stdout.text()), stderr: lines(stderr.text()) };
}

const caseNames = readdirSync(CASES).filter((n) => statSync(join(CASES, n)).isDirectory()).sort();

describe('tag / import-image / create istag against real registries (golden trees)', () => {
  it('has cases', () => {
    expect(caseNames.length).toBeGreaterThan(5);
  });

  for (const name of caseNames) {
    const caseDir = join(CASES, name);
    const golden = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as GoldenCase;
    it(`${name}: ${golden.description}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `tagstream-verbs-${name}-`));
      tempDirs.push(dir);
      const beforeDir = join(caseDir, 'before');
      for (const [path, text] of readTree(beforeDir)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), fill(text));
      }
      const recordedSteps: Step[] = [];
      for (const [i, step] of golden.steps.entries()) {
        if (step.push) {
          const image = images[step.push.image];
          if (!image) throw new Error(`${name}: unknown image ${step.push.image}`);
          await pushImage(source, step.push.repo, step.push.tag, image);
          recordedSteps.push(step);
          continue;
        }
        if (step.localHas) {
          const head = await headDigest(local, step.localHas.repo, step.localHas.digest);
          expect({ status: head.status, digest: head.digest }, `${name} step ${i}: local registry has the copy`).toEqual({ status: 200, digest: step.localHas.digest });
          recordedSteps.push(step);
          continue;
        }
        const argv = step.argv ?? [];
        const before = readTree(dir);
        const out = await cli(dir, argv);
        if (UPDATE) {
          recordedSteps.push({ ...step, code: out.code, stdout: out.stdout, stderr: out.stderr });
        } else {
          expect({ code: out.code, stdout: out.stdout, stderr: out.stderr }, `${name} step ${i}: tagstream ${argv.join(' ')}`).toEqual({
            code: step.code ?? 0,
            stdout: step.stdout ?? [],
            stderr: step.stderr ?? [],
          });
        }
        if (step.writes === false) expect(readTree(dir), `${name} step ${i}: no file changed`).toEqual(before);
      }

      const actual = new Map([...readTree(dir)].map(([p, t]) => [p, unfill(normalizeObserved(p, t))]));
      const afterDir = join(caseDir, 'after');
      if (UPDATE) {
        rmSync(afterDir, { recursive: true, force: true });
        for (const [path, text] of actual) {
          mkdirSync(dirname(join(afterDir, path)), { recursive: true });
          writeFileSync(join(afterDir, path), text);
        }
        writeFileSync(join(caseDir, 'case.json'), `${JSON.stringify({ ...golden, steps: recordedSteps }, null, 2)}\n`);
        return;
      }
      const expected = readTree(afterDir);
      expect([...actual.keys()], `${name}: files in the repository`).toEqual([...expected.keys()]);
      for (const [path, text] of expected) expect(actual.get(path), `${name}: ${path}`).toBe(text);
    });
  }
});
