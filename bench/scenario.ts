/**
 * One measured bench scenario, run in a child process of its own (bench/scenario-child.ts) so
 * that `process.resourceUsage().maxRSS` at its end is that scenario's peak. Builds the same
 * AppContext the CLI builds (directory workspace, repo settings, registry client, Git working
 * copy) and times `reconcile`, or only the import phase (every due tag resolved at once, as
 * planReconcile asks the registry).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRegistryClient, type RegistryStats } from '../src/adapters/registry/index.js';
import { directoryWorkspace } from '../src/adapters/fs/directory-workspace.js';
import { createGitAdapter } from '../src/adapters/git/isomorphic-git-adapter.js';
import { parseImageReference } from '../src/domain/image-reference.js';
import { loadRepoSettings } from '../src/config/repo-settings.js';
import { reconcile } from '../src/app/reconcile.js';
import type { AppContext, ReconcileOptions } from '../src/app/app-context.js';
import { memoryParseCache, type InventoryOptions } from '../src/inventory/inventory.js';
import { systemClock } from '../src/ports/clock.js';
import { silentLog } from '../src/ports/log.js';
import { runDaemonScenario, type DaemonFigures, type DaemonInput } from './daemon-scenario.js';
import { measureHeads, measureRead, type FloorFigures } from './floor.js';

/** Prefix of the result line a scenario child prints on stdout. */
export const RESULT_MARKER = 'TAGSTREAM_BENCH_RESULT ';

export interface ScenarioCredentials {
  readonly username: string;
  readonly password: string;
}

export type ScenarioInput =
  | {
      readonly kind: 'reconcile';
      readonly repo: string;
      /**
       * Passes in one process, each with whether scheduled tags are due (false = a daemon tick
       * between schedules). Later passes see the parse cache and tokens of the earlier ones.
       */
      readonly passes: readonly { readonly scheduledDue: boolean }[];
      /** Inventory parse cache keyed by mtime (the daemon's steady state). */
      readonly parseCache: boolean;
      readonly commit: boolean;
      readonly credentials?: ScenarioCredentials | undefined;
    }
  | {
      /** The floor: read + pre-filter every file, then one HEAD per ref with a bare undici Pool. */
      readonly kind: 'floor';
      readonly repo: string;
      readonly refs: readonly string[];
      readonly concurrency: number;
    }
  | DaemonInput
  | {
      readonly kind: 'import';
      readonly refs: readonly string[];
      /**
       * The digest each ref is known to name (as the streams tell a no-change run): one HEAD per
       * tag, as in the floor; without it the client also proves each new digest with a HEAD by digest.
       */
      readonly knownDigests?: readonly (string | undefined)[] | undefined;
      /** Client concurrency per registry (a what-if; default: the client's own default). */
      readonly maxConcurrencyPerRegistry?: number | undefined;
      readonly credentials?: ScenarioCredentials | undefined;
    };

export interface PassFigures {
  readonly wallMs: number;
  /** CPU time of this process during the pass (user + system). */
  readonly cpuMs: number;
  readonly registry: RegistryStats;
  readonly filesChanged: number;
  readonly moves: number;
  readonly workloadChanges: number;
  readonly failures: number;
  readonly diagnostics: number;
  readonly commit?: string | undefined;
  readonly cacheHits?: number | undefined;
  /** Files the pass had to parse although a cache was given. */
  readonly cacheMisses?: number | undefined;
}

export interface ScenarioResult {
  readonly passes: readonly PassFigures[];
  /** Peak resident set of the process, MiB (process.resourceUsage().maxRSS). */
  readonly maxRssMiB: number;
  /** Import scenario: distinct digests resolved. */
  readonly resolved?: number | undefined;
  readonly firstError?: string | undefined;
  readonly floor?: FloorFigures | undefined;
  readonly daemon?: DaemonFigures | undefined;
}

const BENCH_IDENTITY = { name: 'Tagstream Bench', email: 'bench@tagstream.invalid' };

function registryFor(credentials: ScenarioCredentials | undefined, maxConcurrencyPerRegistry?: number) {
  return createRegistryClient({
    log: silentLog,
    maxConcurrencyPerRegistry,
    credentials: credentials ? async () => ({ username: credentials.username, password: credentials.password }) : undefined,
  });
}

/** Run one scenario in this process and return its figures. */
export async function runScenario(input: ScenarioInput): Promise<ScenarioResult> {
  if (input.kind === 'floor') {
    const read = measureRead(input.repo);
    const heads = await measureHeads(input.refs, input.concurrency);
    return { passes: [], maxRssMiB: maxRssMiB(), floor: { ...read, ...heads } };
  }
  if (input.kind === 'daemon') {
    const daemon = await runDaemonScenario(input);
    return { passes: [], maxRssMiB: maxRssMiB(), daemon };
  }
  const registry = registryFor(input.credentials, input.kind === 'import' ? input.maxConcurrencyPerRegistry : undefined);
  try {
    if (input.kind === 'import') {
      // parsed before the clock starts, as the floor splits its refs before it (a reconcile holds parsed references)
      const refs = input.refs.map((ref) => parseImageReference(ref));
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      let firstError: string | undefined;
      const digests = await Promise.all(
        refs.map((ref, i) =>
          registry.resolve(ref, { importMode: 'Legacy', knownDigest: input.knownDigests?.[i] }).then(
            (r) => r.digest,
            (e: unknown) => {
              firstError ??= e instanceof Error ? e.message : String(e);
              return undefined;
            },
          ),
        ),
      );
      const wallMs = performance.now() - start;
      const resolved = new Set(digests.filter((d) => d !== undefined)).size;
      const pass: PassFigures = { wallMs, cpuMs: cpuMsSince(cpuStart), registry: registry.stats(), filesChanged: 0, moves: 0, workloadChanges: 0, failures: digests.filter((d) => d === undefined).length, diagnostics: 0 };
      return { passes: [pass], maxRssMiB: maxRssMiB(), resolved, firstError };
    }

    const workspace = directoryWorkspace(input.repo);
    const settings = await loadRepoSettings(workspace);
    const git = await createGitAdapter().open(input.repo);
    const ctx: AppContext = { workspace, settings, registry, clock: systemClock, log: silentLog, git };
    const cache = input.parseCache ? memoryParseCache() : undefined;
    const inventoryOptions: InventoryOptions = cache
      ? {
          parseCache: cache,
          // What the daemon can know without reading: mtime and inode (a rename-over changes the inode).
          fileVersion: async (path) => {
            const s = await fs.stat(join(input.repo, path));
            return `${s.mtimeMs}:${s.ino}`;
          },
        }
      : {};
    const passes: PassFigures[] = [];
    let firstError: string | undefined;
    for (const pass of input.passes) {
      registry.newRun();
      registry.resetStats();
      const hitsBefore = cache?.hits ?? 0;
      const missesBefore = cache?.misses ?? 0;
      const options: ReconcileOptions = {
        scheduledDue: pass.scheduledDue,
        commit: input.commit ? { author: BENCH_IDENTITY } : undefined,
      };
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const result = await reconcile(ctx, options, inventoryOptions);
      const wallMs = performance.now() - start;
      const cpuMs = cpuMsSince(cpuStart);
      const cs = result.changeSet;
      firstError = cs.failures[0]?.message ?? cs.diagnostics[0]?.message;
      passes.push({
        wallMs,
        cpuMs,
        registry: registry.stats(),
        filesChanged: cs.files.length,
        moves: cs.moves.length,
        workloadChanges: cs.workloads.length,
        failures: cs.failures.length,
        diagnostics: cs.diagnostics.length,
        commit: result.commit,
        cacheHits: cache ? cache.hits - hitsBefore : undefined,
        cacheMisses: cache ? cache.misses - missesBefore : undefined,
      });
    }
    return { passes, maxRssMiB: maxRssMiB(), firstError };
  } finally {
    await registry.close();
  }
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return Math.round((d.user + d.system) / 1000);
}

function maxRssMiB(): number {
  // maxRSS is in kilobytes (getrusage ru_maxrss on Linux).
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
