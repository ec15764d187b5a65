/**
 * Targets and the stdout table of a bench run. The same checks go into the JSON, so a reader of
 * `bench/results/latest.json` sees what was met without re-deriving it.
 */
import type { RegistryStats } from '../src/adapters/registry/index.js';
import type { BenchResult, ScenarioRun } from './run-bench.js';

export interface Check {
  readonly name: string;
  /** `economy`: counts that must hold on any machine; `timing`: depends on size and load. */
  readonly kind: 'economy' | 'timing';
  readonly target: string;
  readonly actual: string;
  readonly ok: boolean;
}

export const TARGETS = {
  noChangeMs: 3000,
  noChangeRssMiB: 400,
  steadyMs: 500,
  skopeoRatio: 10,
} as const;

const ms = (n: number | undefined): string => (n === undefined ? '-' : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

function pass(run: ScenarioRun, i = 0) {
  const p = run.passes[i];
  if (!p) throw new Error(`bench: scenario has no pass ${i}`);
  return p;
}

/** Import phase as measured by the import scenario. */
export function importMs(result: BenchResult): number {
  return pass(result.scenarios.importPhase).wallMs;
}

/** Every target and request-economy goal, met or not. */
export function checks(result: BenchResult): Check[] {
  const { scenarios, monorepo } = result;
  const noChange = pass(scenarios.noChange);
  const steadyFull = pass(scenarios.steady, 1);
  const steadyTick = pass(scenarios.steady, 2);
  const moved = pass(scenarios.moved);
  const out: Check[] = [
    { kind: 'economy', name: 'no-change reconcile: changes nothing', target: '0 files', actual: `${noChange.filesChanged} files`, ok: noChange.filesChanged === 0 },
    { kind: 'timing', name: 'no-change reconcile: wall time', target: `<= ${ms(TARGETS.noChangeMs)}`, actual: ms(noChange.wallMs), ok: noChange.wallMs <= TARGETS.noChangeMs },
    { kind: 'timing', name: 'no-change reconcile: peak RSS', target: `<= ${TARGETS.noChangeRssMiB} MiB`, actual: `${scenarios.noChange.maxRssMiB} MiB`, ok: scenarios.noChange.maxRssMiB <= TARGETS.noChangeRssMiB },
    { kind: 'economy', name: 'manifest HEAD per distinct (registry, repository, tag)', target: `${monorepo.tags}`, actual: `${noChange.registry.manifestHead}`, ok: noChange.registry.manifestHead === monorepo.tags },
    { kind: 'economy', name: 'no manifest GET when no digest changed', target: '0', actual: `${noChange.registry.manifestGet}`, ok: noChange.registry.manifestGet === 0 },
    { kind: 'economy', name: 'no blob GET when no digest changed', target: '0', actual: `${noChange.registry.blobGet}`, ok: noChange.registry.blobGet === 0 },
    // A moved digest may be inspected (manifest + config) for the image metadata, once per moved tag.
    {
      kind: 'economy',
      name: 'moved tags: GETs only for moved digests',
      target: `<= ${scenarios.moved.movedTags} manifest + ${scenarios.moved.movedTags} blob`,
      actual: `${moved.registry.manifestGet} manifest + ${moved.registry.blobGet} blob`,
      ok: moved.registry.manifestGet <= scenarios.moved.movedTags && moved.registry.blobGet <= scenarios.moved.movedTags,
    },
    { kind: 'economy', name: 'moved tags: one move per moved tag', target: `${scenarios.moved.movedTags}`, actual: `${moved.moves}`, ok: moved.moves === scenarios.moved.movedTags },
    { kind: 'economy', name: 'moved tags: commit made', target: 'yes', actual: moved.commit ? moved.commit.slice(0, 12) : 'no', ok: Boolean(moved.commit) },
    { kind: 'timing', name: 'steady state (scheduled imports due): wall time', target: `<= ${ms(TARGETS.steadyMs)}`, actual: ms(steadyFull.wallMs), ok: steadyFull.wallMs <= TARGETS.steadyMs },
    { kind: 'timing', name: 'steady state (daemon tick, nothing due): wall time', target: `<= ${ms(TARGETS.steadyMs)}`, actual: ms(steadyTick.wallMs), ok: steadyTick.wallMs <= TARGETS.steadyMs },
    {
      kind: 'economy',
      name: 'steady state: files parsed again',
      target: '0',
      actual: `${steadyFull.cacheMisses ?? '?'} (${steadyFull.cacheHits ?? 0} from cache)`,
      ok: steadyFull.cacheMisses === 0 && (steadyFull.cacheHits ?? 0) > 0,
    },
  ];
  const importCount = scenarios.importPhase.resolved ?? 0;
  out.push({ kind: 'economy', name: 'import phase resolves every tag', target: `${monorepo.tags} digests`, actual: `${importCount} digests, ${pass(scenarios.importPhase).failures} failures`, ok: importCount === monorepo.tags && pass(scenarios.importPhase).failures === 0 });
  if (result.skopeo) {
    const ratio = result.skopeo.parallel.allTagsMs / importMs(result);
    out.push({ kind: 'timing', name: `import phase vs ${result.skopeo.parallel.parallel}-way skopeo`, target: `>= ${TARGETS.skopeoRatio}x faster`, actual: `${ratio.toFixed(1)}x`, ok: ratio >= TARGETS.skopeoRatio });
    out.push({ kind: 'economy', name: 'skopeo digests agree with the registry', target: 'yes', actual: result.skopeo.parallel.digestsMatchRegistry && result.skopeo.serial.digestsMatchRegistry ? 'yes' : `no (${result.skopeo.parallel.firstError ?? result.skopeo.serial.firstError ?? 'digest mismatch'})`, ok: result.skopeo.parallel.digestsMatchRegistry && result.skopeo.serial.digestsMatchRegistry });
  }
  if (scenarios.token) {
    const t = pass(scenarios.token).registry.token;
    out.push({ kind: 'economy', name: 'token auth: one token per (registry, scope) per run', target: `${scenarios.token.repositories}`, actual: `${t}`, ok: t === scenarios.token.repositories });
  }
  return out;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [row(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => row(r, widths))].join('\n');
}

const kinds = (s: RegistryStats): string[] => [String(s.manifestHead), String(s.manifestGet), String(s.blobGet), String(s.token), String(s.requests)];

/** The human report printed on stdout. */
export function renderReport(result: BenchResult, command: string): string {
  const { scenarios: sc, monorepo: m } = result;
  const c = m.counts;
  const lines: string[] = [];
  const load = result.machine.loadAverage.map((l) => l.toFixed(1)).join(' ');
  lines.push(`Tagstream bench  ${result.startedAt}  node ${result.machine.node}  ${result.machine.cpus} CPUs (${result.machine.cpuModel})  load average at start ${load}`);
  lines.push(`command: ${command}`);
  lines.push(
    `monorepo: ${m.files} files (${c.workloadFiles} workload files, ${c.streamFiles} ImageStream files), ${(m.bytes / 1048576).toFixed(1)} MiB; ` +
      `${c.workloads.Deployment + c.workloads.StatefulSet + c.workloads.CronJob} workloads (${c.workloads.Deployment} Deployments, ${c.workloads.StatefulSet} StatefulSets, ${c.workloads.CronJob} CronJobs) ` +
      `+ ${c.otherDocuments} Services; ${c.triggered} triggered; ${m.tags} scheduled tags in ${m.repositories} repositories`,
  );
  lines.push(`seeding: ${m.tags} tags pushed in ${ms(result.seeding.wallMs)}`);
  lines.push('');
  const scenarioRows: string[][] = [];
  const add = (name: string, run: ScenarioRun | undefined, i = 0, note = '') => {
    const p = run?.passes[i];
    if (!run || !p) return;
    // Registry CPU is per child process; shown on its first pass only.
    const regCpu = i === 0 && run.registryCpuMs !== undefined ? ms(run.registryCpuMs) : '';
    scenarioRows.push([name, ms(p.wallMs), ms(p.cpuMs), ms(run.processMs), regCpu, `${run.maxRssMiB}`, ...kinds(p.registry), String(p.filesChanged), String(p.moves), note]);
  };
  add('first reconcile (import + pin all, no commit)', sc.prime);
  add('no-change reconcile (cold process)', sc.noChange);
  add('steady: pass 1 (fills parse cache)', sc.steady, 0, 'same process');
  add('steady: pass 2, scheduled imports due', sc.steady, 1, `cache hits ${sc.steady.passes[1]?.cacheHits ?? 0}`);
  add('steady: pass 3, daemon tick (nothing due)', sc.steady, 2, `cache hits ${sc.steady.passes[2]?.cacheHits ?? 0}`);
  add(`moved ${sc.moved.movedTags} tags (${result.config.moveShare * 100}%), commit`, sc.moved, 0, sc.moved.passes[0]?.commit ? `commit ${sc.moved.passes[0].commit.slice(0, 8)}` : 'no commit');
  add('import phase only (all tags at once)', sc.importPhase, 0, `${sc.importPhase.resolved ?? 0} digests`);
  if (sc.importProbe) add(`import phase, client concurrency ${sc.importProbe.concurrency} (what-if)`, sc.importProbe, 0, `${sc.importProbe.resolved ?? 0} digests`);
  if (sc.token) add(`token-auth registry, no change (${sc.token.tags} tags)`, sc.token, 0, `${sc.token.repositories} repositories`);
  lines.push(table(['scenario', 'wall', 'our CPU', 'process', 'registry CPU', 'RSS MiB', 'HEAD', 'GET', 'blob GET', 'token', 'requests', 'files', 'moves', 'note'], scenarioRows));
  if (result.skopeo) {
    lines.push('');
    const imp = importMs(result);
    const sk = result.skopeo;
    const skRow = (label: string, f: typeof sk.serial): string[] => [
      label,
      `${f.sampled}`,
      ms(f.sampleMs),
      `${ms(f.allTagsMs)}${f.extrapolated ? ' (extrapolated)' : ''}`,
      `${(f.allTagsMs / imp).toFixed(1)}x`,
    ];
    lines.push(
      table(
        ['resolve all tags', 'tags timed', 'measured', `all ${m.tags} tags`, 'vs Tagstream'],
        [
          ['Tagstream import phase', `${m.tags}`, ms(imp), ms(imp), '1.0x'],
          skRow('skopeo inspect, one by one', sk.serial),
          skRow(`skopeo inspect, ${sk.parallel.parallel} at a time`, sk.parallel),
        ],
      ),
    );
  }
  lines.push('');
  const cs = checks(result);
  lines.push(table(['check', 'target', 'actual', ''], cs.map((k) => [k.name, k.target, k.actual, k.ok ? 'ok' : 'MISSED'])));
  return lines.join('\n');
}
