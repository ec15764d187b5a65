/**
 * Golden repository trees for `reconcile` (test/fixtures/reconcile/<case>/): `input/` is the
 * repository, `case.json` what the registries serve and what the run reports, `expected/` the
 * exact tree afterwards. The same cases run against the in-memory registry
 * (test/unit/app/reconcile-golden.test.ts) and real docker-registry processes
 * (test/integration/app/reconcile-golden.test.ts); both must give the same bytes.
 *
 * Placeholders: `{{REGISTRY}}` and `{{LOCAL}}` are the source and local registries' host:port;
 * `{{OBSERVED}}` replaces the `tagstream.io/observed-spec` value (it records the spec, which holds
 * the port) after checking it records exactly the spec the file holds; in an input file it is
 * filled with that record. Test images `v1`..`v3` are
 * byte-for-byte deterministic, so digests are literal. UPDATE_GOLDEN=1 rewrites `expected/` and
 * the reported lines of `case.json` from a run with the in-memory registry (review the diff).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { memoryWorkspace } from '../fakes/memory-workspace.js';
import type { AppContext } from '../../src/app/app-context.js';
import { reconcile } from '../../src/app/reconcile.js';
import { loadRepoSettings } from '../../src/config/repo-settings.js';
import { diagnosticLocation, type ChangeSet } from '../../src/domain/change-set.js';
import type { ImageStream } from '../../src/domain/image-stream.js';
import { canonicalJson, specRecord } from '../../src/domain/spec-fingerprint.js';
import { fixedClock } from '../../src/ports/clock.js';
import { journalTextOf, type GitCommitInfo, type GitRepository } from '../../src/ports/git.js';
import { silentLog } from '../../src/ports/log.js';
import type { RegistryPort } from '../../src/ports/registry.js';
import { makeImage, type TestImage } from '../harness/oci-image.js';

export const RECONCILE_CASES = fileURLToPath(new URL('../fixtures/reconcile', import.meta.url));
export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** The deterministic test images a case may push (the same bytes as the verbs' golden cases). */
export const GOLDEN_IMAGES: Readonly<Record<string, TestImage>> = Object.fromEntries(
  ['v1', 'v2', 'v3'].map((v) => [v, makeImage({ layers: [{ 'app.txt': `${v}\n` }], created: '2026-11-01T00:00:00Z' })]),
);

export interface ReconcileCase {
  readonly description: string;
  /** The run's clock. */
  readonly now: string;
  /** `repo:tag` -> image name (`v1`..`v3`), pushed to the source registry before the run. */
  readonly images: Readonly<Record<string, string>>;
  /** Git history, newest first (revert awareness); without it the run has no Git. */
  readonly history?: readonly { readonly oid: string; readonly message: string }[];
  /** What the run reports, one line each (rewritten by UPDATE_GOLDEN). */
  readonly exitCode: number;
  readonly moves: readonly string[];
  readonly workloads: readonly string[];
  readonly targets: readonly string[];
  readonly held: readonly string[];
  readonly failures: readonly string[];
  readonly diagnostics: readonly string[];
  readonly changedFiles: readonly string[];
}

/** Where a case runs: the registry port and the hosts the placeholders stand for. */
export interface GoldenRegistries {
  readonly port: RegistryPort;
  readonly source: string;
  readonly local: string;
  push(repo: string, tag: string, image: TestImage): Promise<void>;
}

export function caseNames(): string[] {
  return readdirSync(RECONCILE_CASES).filter((n) => statSync(join(RECONCILE_CASES, n)).isDirectory()).sort();
}

export function readCase(name: string): ReconcileCase {
  return JSON.parse(readFileSync(join(RECONCILE_CASES, name, 'case.json'), 'utf8')) as ReconcileCase;
}

function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(root, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const OBSERVED = /^(\s*tagstream\.io\/observed-spec: )'([^'\n]*)'$/gm;

/** Replace each observed-spec value by `{{OBSERVED}}` after checking it records the spec the file holds. */
function normalizeObserved(path: string, text: string): string {
  if (!text.includes('tagstream.io/observed-spec:')) return text;
  for (const doc of text.split(/^---$/m)) {
    const stream = parse(doc) as ImageStream | null;
    const recorded = stream?.metadata?.annotations?.['tagstream.io/observed-spec'];
    if (stream && recorded !== undefined) expect(recorded, `${path}: observed-spec records the spec written`).toBe(canonicalJson(specRecord(stream)));
  }
  return text.replace(OBSERVED, "$1'{{OBSERVED}}'");
}

/** In an input file, `{{OBSERVED}}` becomes the record of the spec the file holds (as Tagstream last wrote it). */
function fillObserved(text: string): string {
  if (!text.includes("'{{OBSERVED}}'")) return text;
  const stream = parse(text.replace(OBSERVED, '$1x')) as ImageStream;
  return text.replace("'{{OBSERVED}}'", `'${canonicalJson(specRecord(stream))}'`);
}

/** Git with only a history: what revert awareness reads. */
function historyOnlyGit(history: NonNullable<ReconcileCase['history']>): GitRepository {
  const commits: GitCommitInfo[] = history.map((c, i) => ({
    oid: c.oid,
    message: c.message,
    parents: history[i + 1] ? [history[i + 1]!.oid] : [],
    author: { name: 'a', email: 'a@example.test', timestamp: 0 },
    committerTimestamp: 0,
  }));
  let journal: string | undefined;
  const unused = async (): Promise<never> => {
    throw new Error('not used by a reconcile without commit');
  };
  return {
    dir: '/memory',
    currentBranch: async () => 'main',
    headOid: async () => commits[0]!.oid,
    log: async () => commits,
    readJournal: async () => journal,
    writeJournal: async (text) => void (journal = text === undefined ? undefined : journalTextOf(text)),
    status: async () => ({}),
    fetch: unused,
    remoteHeadOid: async () => undefined,
    commit: unused,
    push: unused,
    resetBranch: unused,
    pushBranch: unused,
    readFileAt: unused,
    changedFiles: unused,
    recover: unused,
    repair: unused,
  };
}

function report(cs: ChangeSet): Omit<ReconcileCase, 'description' | 'now' | 'images' | 'history' | 'exitCode'> {
  return {
    moves: cs.moves.map((m) => `${m.stream}:${m.tag} ${m.reason} ${m.from?.reference ?? '-'} -> ${m.to.reference}`),
    workloads: cs.workloads.map((w) => `${w.file}:${w.line ?? ''} ${w.kind}/${w.namespace}/${w.name} ${w.container} ${w.from || '-'} -> ${w.to} <- ${w.trigger}`),
    targets: cs.targets.map((t) => `${t.file}:${t.line} ${t.kind} ${t.field} (${t.value}) ${t.from || '-'} -> ${t.to} <- ${t.trigger}`),
    held: cs.held.map((h) => `${h.stream}:${h.tag} ${h.reason} ${h.image} by ${h.heldBy}`),
    failures: cs.failures.map((f) => `${f.stream}:${f.tag} ${f.reason}: ${f.message}`),
    diagnostics: cs.diagnostics.map((d) => `${d.severity} ${diagnosticLocation(d) ?? '-'}: ${d.message}`),
    changedFiles: cs.files.map((f) => f.path).sort(),
  };
}

/** Run one case against `registries`; compare (or, with UPDATE_GOLDEN, rewrite) its expectations. */
export async function runReconcileCase(name: string, registries: GoldenRegistries, options: { readonly update?: boolean } = {}): Promise<void> {
  const caseDir = join(RECONCILE_CASES, name);
  const golden = readCase(name);
  const fillHosts = (text: string) => text.replaceAll('{{REGISTRY}}', registries.source).replaceAll('{{LOCAL}}', registries.local);
  const fill = (text: string) => fillObserved(fillHosts(text));
  const unfill = (text: string) => text.replaceAll(registries.source, '{{REGISTRY}}').replaceAll(registries.local, '{{LOCAL}}');

  for (const [repoTag, image] of Object.entries(golden.images)) {
    const colon = repoTag.lastIndexOf(':');
    const img = GOLDEN_IMAGES[image];
    if (!img) throw new Error(`${name}: unknown image ${image}`);
    await registries.push(repoTag.slice(0, colon), repoTag.slice(colon + 1), img);
  }
  const input = readTree(join(caseDir, 'input'));
  const workspace = memoryWorkspace(Object.fromEntries([...input].map(([p, t]) => [p, fill(t)])));
  const ctx: AppContext = {
    workspace,
    settings: await loadRepoSettings(workspace),
    registry: registries.port,
    clock: fixedClock(golden.now),
    log: silentLog,
    ...(golden.history ? { git: historyOnlyGit(golden.history) } : {}),
  };
  const result = await reconcile(ctx);
  const reported = JSON.parse(unfill(JSON.stringify({ exitCode: result.exitCode, ...report(result.changeSet) }))) as Partial<ReconcileCase>;
  const actual = new Map([...workspace.files].map(([p, b]) => [p, unfill(normalizeObserved(p, b.toString('utf8')))]));
  const expectedDir = join(caseDir, 'expected');
  if (options.update) {
    rmSync(expectedDir, { recursive: true, force: true });
    for (const [path, text] of actual) {
      mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
      writeFileSync(join(expectedDir, path), text);
    }
    writeFileSync(join(caseDir, 'case.json'), `${JSON.stringify({ ...golden, ...reported }, null, 2)}\n`);
    return;
  }
  const { description: _d, now: _n, images: _i, history: _h, ...expectedReport } = golden;
  expect(reported, `${name}: what the run reports`).toEqual(expectedReport);
  const expected = readTree(expectedDir);
  expect([...actual.keys()].sort(), `${name}: files in the repository`).toEqual([...expected.keys()]);
  for (const [path, text] of expected) expect(actual.get(path), `${name}: ${path}`).toBe(text);
  // converged: a second run over the result writes nothing
  const again = await reconcile(ctx);
  expect(again.changeSet.files.map((f) => f.path), `${name}: a second run writes nothing`).toEqual([]);
}
