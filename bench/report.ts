/**
 * Targets (issue #16) and the report of a bench run, as Markdown: the same text goes to stdout and,
 * between markers, into docs/benchmarks.md. The checks also go into the JSON, so a reader of
 * `bench/results/latest.json` sees what was met without re-deriving it.
 */
import type { RegistryStats } from '../src/adapters/registry/index.js';
import { median, pass } from './figures.js';
import type { BenchResult, ScaleResult, ScenarioRun } from './run-bench.js';

export interface Check {
  readonly name: string;
  /** `economy`: counts that must hold on any machine; `timing`: CPU/RSS, depends on size and load. */
  readonly kind: 'economy' | 'timing';
  readonly target: string;
  readonly actual: string;
  readonly ok: boolean;
}

/** The targets, for the default monorepo (2,504 files, 2,000 tags). */
export const TARGETS = {
  floorRatio: 1.5,
  coldCpuMs: 2500,
  /** Fresh clone with a restored cache: "same as warm" within this factor. */
  freshVsWarm: 1.2,
  primeRssMiB: 400,
  primeRss4xMiB: 800,
  headVsPool: 1.15,
  startupCpuMs: 150,
  pollCycleCpuMs: 20,
  webhookWallMs: 500,
  webhookCpuMs: 300,
  daemonRssMiB: 250,
  /** "Flat": RSS after the last cycle within this share of RSS after cycle 10. */
  daemonRssGrowth: 0.1,
  skopeoRatio: 10,
} as const;

const ms = (n: number | undefined): string => (n === undefined ? '-' : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
const cpuS = (n: number | undefined): string => (n === undefined ? '-' : `${(n / 1000).toFixed(2)} s`);
const x = (n: number): string => `${n.toFixed(2)}x`;

/** Floor CPU: read + pre-filter + bare Pool HEADs. */
export function floorCpuMs(s: ScaleResult): number {
  return s.floor.readCpuMs + s.floor.headCpuMs;
}

/** ", median of N rounds (a, b, c)" when the figure is a median of rounds. */
function roundsNote(ratios: readonly number[] | undefined): string {
  return ratios && ratios.length > 1 ? ` (median of ${ratios.length} rounds: ${ratios.map((r) => x(r)).join(', ')})` : '';
}

/** The scale the single-size measures ran at. */
export function referenceOf(result: BenchResult): ScaleResult {
  const s = result.scales.find((r) => r.scale === result.referenceScale) ?? result.scales[0];
  if (!s) throw new Error('bench: no scale measured');
  return s;
}

/** Client CPU per HEAD (import phase) over bare-Pool CPU per HEAD (floor). */
export function headRatio(s: ScaleResult): number {
  // Rounds: the median of the per-round ratios (each import phase against the floor run just before it).
  if (s.rounds && s.rounds.headRatios.length > 0) return median(s.rounds.headRatios);
  const ours = pass(s.scenarios.importPhase).cpuMs / Math.max(1, pass(s.scenarios.importPhase).registry.manifestHead);
  const bare = s.floor.headCpuMs / Math.max(1, s.floor.heads);
  return ours / bare;
}

/** Fresh clone / warm: the median of the per-round ratios (each fresh clone against the warm run just before it). */
export function freshRatio(s: ScaleResult): number {
  if (s.rounds?.freshRatios && s.rounds.freshRatios.length > 0) return median(s.rounds.freshRatios);
  return pass(s.scenarios.freshClone).cpuMs / Math.max(1, pass(s.scenarios.warm).cpuMs);
}

function freshActual(s: ScaleResult): string {
  if (s.rounds?.freshRatios && s.rounds.freshRatios.length > 0) return `${x(freshRatio(s))}${roundsNote(s.rounds.freshRatios)}`;
  return `${cpuS(pass(s.scenarios.freshClone).cpuMs)} vs ${cpuS(pass(s.scenarios.warm).cpuMs)} (${x(freshRatio(s))})`;
}

/** Every target and request-economy goal, met or not. */
export function checks(result: BenchResult): Check[] {
  const ref = referenceOf(result);
  const { monorepo } = ref;
  const sc = ref.scenarios;
  const warm = pass(sc.warm);
  const cold = pass(sc.cold);
  const fresh = pass(sc.freshClone);
  const floor = floorCpuMs(ref);
  // Size-dependent CPU targets are for the default monorepo; a smaller or larger reference scales them.
  const sizeFactor = monorepo.tags / 2000;
  const out: Check[] = [
    { kind: 'timing', name: 'no-change reconcile (warm): our CPU / floor CPU', target: `<= ${TARGETS.floorRatio}x`, actual: `${cpuS(warm.cpuMs)} / ${cpuS(floor)} = ${x(warm.cpuMs / floor)}${roundsNote(ref.rounds?.floorRatios)}`, ok: warm.cpuMs / floor <= TARGETS.floorRatio },
    { kind: 'timing', name: 'no-change reconcile: fresh clone with restored cache vs warm', target: `<= ${TARGETS.freshVsWarm}x warm`, actual: freshActual(ref), ok: freshRatio(ref) <= TARGETS.freshVsWarm },
    { kind: 'timing', name: 'no-change reconcile, cold (no cache): our CPU', target: `<= ${cpuS(TARGETS.coldCpuMs * sizeFactor)}`, actual: cpuS(cold.cpuMs), ok: cold.cpuMs <= TARGETS.coldCpuMs * sizeFactor },
    { kind: 'timing', name: 'first reconcile (pin all): peak RSS', target: `<= ${TARGETS.primeRssMiB} MiB`, actual: `${sc.prime.maxRssMiB} MiB`, ok: sc.prime.maxRssMiB <= TARGETS.primeRssMiB },
  ];
  const big = result.scales.find((s) => s.scale === 4 * result.referenceScale);
  if (big) out.push({ kind: 'timing', name: 'first reconcile (pin all) at 4x: peak RSS', target: `<= ${TARGETS.primeRss4xMiB} MiB`, actual: `${big.scenarios.prime.maxRssMiB} MiB`, ok: big.scenarios.prime.maxRssMiB <= TARGETS.primeRss4xMiB });
  out.push({ kind: 'timing', name: 'registry client CPU per HEAD vs bare undici Pool', target: `<= ${TARGETS.headVsPool}x`, actual: `${x(headRatio(ref))}${roundsNote(ref.rounds?.headRatios)}`, ok: headRatio(ref) <= TARGETS.headVsPool });
  if (result.startup) out.push({ kind: 'timing', name: '`tagstream --version` start-up CPU (median)', target: `<= ${cpuS(TARGETS.startupCpuMs)}`, actual: cpuS(result.startup.cpuMs.median), ok: result.startup.cpuMs.median <= TARGETS.startupCpuMs });
  const d = result.daemon;
  if (d) {
    out.push({ kind: 'timing', name: 'daemon poll cycle, nothing due: CPU (median)', target: `<= ${cpuS(TARGETS.pollCycleCpuMs)}`, actual: `${cpuS(d.cycleCpuMs.median)} (max ${cpuS(d.cycleCpuMs.max)})`, ok: d.cycleCpuMs.median <= TARGETS.pollCycleCpuMs });
    out.push({ kind: 'timing', name: 'daemon webhook (one tag) -> commit on remote: wall', target: `<= ${ms(TARGETS.webhookWallMs)}`, actual: ms(d.webhookWallMs), ok: d.webhookWallMs <= TARGETS.webhookWallMs });
    out.push({ kind: 'timing', name: 'daemon webhook (one tag) -> commit on remote: CPU', target: `<= ${cpuS(TARGETS.webhookCpuMs)}`, actual: cpuS(d.webhookCpuMs), ok: d.webhookCpuMs <= TARGETS.webhookCpuMs });
    out.push({ kind: 'economy', name: 'daemon webhook made a commit on the remote', target: 'yes', actual: d.webhookCommitted ? 'yes' : 'no', ok: d.webhookCommitted });
    const growth = (d.rssAfterCyclesMiB - d.rssAfter10MiB) / Math.max(1, d.rssAfter10MiB);
    out.push({
      kind: 'timing',
      name: `daemon RSS after ${d.cycles} cycles, flat`,
      target: `<= ${TARGETS.daemonRssMiB} MiB, +<= ${TARGETS.daemonRssGrowth * 100}% after cycle 10`,
      actual: `${d.rssAfterCyclesMiB} MiB (cycle 10: ${d.rssAfter10MiB} MiB)`,
      ok: d.rssAfterCyclesMiB <= TARGETS.daemonRssMiB && growth <= TARGETS.daemonRssGrowth,
    });
  }
  out.push(
    { kind: 'economy', name: 'no-change reconcile: changes nothing', target: '0 files', actual: `${warm.filesChanged} files`, ok: warm.filesChanged === 0 && cold.filesChanged === 0 && fresh.filesChanged === 0 },
    { kind: 'economy', name: 'no-change run: one manifest HEAD per distinct tag', target: `${monorepo.tags}`, actual: `${warm.registry.manifestHead}`, ok: warm.registry.manifestHead === monorepo.tags },
    { kind: 'economy', name: 'no-change run: no GET', target: '0', actual: `${warm.registry.manifestGet} manifest + ${warm.registry.blobGet} blob`, ok: warm.registry.manifestGet === 0 && warm.registry.blobGet === 0 },
  );
  const moved = pass(result.moved);
  const m = result.moved.movedTags;
  out.push(
    { kind: 'economy', name: 'moved tags: GETs only for moved digests', target: `<= ${m} manifest + ${m} blob`, actual: `${moved.registry.manifestGet} manifest + ${moved.registry.blobGet} blob`, ok: moved.registry.manifestGet <= m && moved.registry.blobGet <= m },
    { kind: 'economy', name: 'moved tags: one move per moved tag, commit made', target: `${m}, yes`, actual: `${moved.moves}, ${moved.commit ? 'yes' : 'no'}`, ok: moved.moves === m && Boolean(moved.commit) },
  );
  const importCount = sc.importPhase.resolved ?? 0;
  out.push({ kind: 'economy', name: 'import phase resolves every tag', target: `${monorepo.tags} digests`, actual: `${importCount} digests, ${pass(sc.importPhase).failures} failures`, ok: importCount === monorepo.tags && pass(sc.importPhase).failures === 0 });
  if (result.skopeo) {
    const ratio = result.skopeo.parallel.allTagsMs / pass(sc.importPhase).wallMs;
    out.push({ kind: 'timing', name: `import phase vs ${result.skopeo.parallel.parallel}-way skopeo (wall)`, target: `>= ${TARGETS.skopeoRatio}x faster`, actual: `${ratio.toFixed(1)}x`, ok: ratio >= TARGETS.skopeoRatio });
    const agree = result.skopeo.parallel.digestsMatchRegistry && result.skopeo.serial.digestsMatchRegistry;
    out.push({ kind: 'economy', name: 'skopeo digests agree with the registry', target: 'yes', actual: agree ? 'yes' : `no (${result.skopeo.parallel.firstError ?? result.skopeo.serial.firstError ?? 'digest mismatch'})`, ok: agree });
  }
  if (result.policy) {
    const p = pass(result.policy).registry;
    const { repositories, policyTags } = result.policy;
    out.push(
      { kind: 'economy', name: 'no-change run with tag policies: one tags/list page per repository', target: `${repositories}`, actual: `${p.tagsList}`, ok: p.tagsList === repositories },
      { kind: 'economy', name: 'no-change run with tag policies: one HEAD per policy tag, no GET', target: `${policyTags} HEAD, 0 GET`, actual: `${p.manifestHead} HEAD, ${p.manifestGet + p.blobGet} GET`, ok: p.manifestHead === policyTags && p.manifestGet + p.blobGet === 0 },
      { kind: 'economy', name: 'no-change run with tag policies: changes nothing', target: '0 files', actual: `${pass(result.policy).filesChanged} files`, ok: pass(result.policy).filesChanged === 0 },
    );
  }
  if (result.token) {
    const t = pass(result.token).registry.token;
    out.push({ kind: 'economy', name: 'token auth: one token per (registry, scope) per run', target: `${result.token.repositories}`, actual: `${t}`, ok: t === result.token.repositories });
  }
  return out;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

const kinds = (s: RegistryStats): string[] => [String(s.manifestHead), String(s.manifestGet), String(s.blobGet), String(s.token), String(s.requests)];

function describeRepo(s: ScaleResult): string {
  const m = s.monorepo;
  const c = m.counts;
  return (
    `${m.files} files (${c.workloadFiles} workload files, ${c.streamFiles} ImageStream files), ${(m.bytes / 1048576).toFixed(1)} MiB; ` +
    `${c.workloads.Deployment + c.workloads.StatefulSet + c.workloads.CronJob} workloads + ${c.otherDocuments} Services; ${c.triggered} triggered; ${m.tags} scheduled tags in ${m.repositories} repositories`
  );
}

/** The human report (Markdown), printed on stdout and written into docs/benchmarks.md. */
export function renderReport(result: BenchResult, command: string): string {
  const lines: string[] = [];
  const load = result.machine.loadAverage.map((l) => l.toFixed(1)).join(' ');
  const ref = referenceOf(result);
  lines.push(`Run ${result.startedAt}, node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.cpuModel}), load average at start ${load}.`);
  lines.push(`Command: \`${command}\``);
  lines.push('');
  lines.push(`Reference size (${result.referenceScale}x): ${describeRepo(ref)}. CPU is user + system CPU-seconds of the measuring process (wall time is noisy on a shared 2-core machine).`);
  lines.push('');
  lines.push('### Targets (issue #16)');
  lines.push('');
  const cs = checks(result);
  lines.push(table(['measure', 'target', 'actual', ''], cs.map((k) => [k.name, k.target, k.actual, k.ok ? 'ok' : 'MISSED'])));
  lines.push('');
  lines.push('### Scaling');
  lines.push('');
  lines.push(
    table(
      ['scale', 'files', 'tags', 'floor: read+prefilter', 'floor: bare Pool HEADs', 'cold CPU', 'warm CPU', 'fresh clone CPU', 'warm / floor', 'client CPU/HEAD vs Pool', 'first reconcile RSS MiB', 'first reconcile CPU', 'cold process CPU'],
      result.scales.map((s) => [
        `${s.scale}x`,
        `${s.monorepo.files}`,
        `${s.monorepo.tags}`,
        cpuS(s.floor.readCpuMs),
        cpuS(s.floor.headCpuMs),
        cpuS(pass(s.scenarios.cold).cpuMs),
        cpuS(pass(s.scenarios.warm).cpuMs),
        cpuS(pass(s.scenarios.freshClone).cpuMs),
        x(pass(s.scenarios.warm).cpuMs / floorCpuMs(s)),
        x(headRatio(s)),
        `${s.scenarios.prime.maxRssMiB}`,
        cpuS(pass(s.scenarios.prime).cpuMs),
        cpuS(s.scenarios.cold.processCpuMs),
      ]),
    ),
  );
  lines.push('');
  lines.push(`### Scenarios at ${result.referenceScale}x`);
  lines.push('');
  const rows: string[][] = [];
  const add = (name: string, run: ScenarioRun | undefined, note = '') => {
    const p = run?.passes[0];
    if (!run || !p) return;
    rows.push([name, ms(p.wallMs), cpuS(p.cpuMs), cpuS(run.processCpuMs), run.registryCpuMs === undefined ? '' : cpuS(run.registryCpuMs), `${run.maxRssMiB}`, ...kinds(p.registry), String(p.filesChanged), String(p.moves), note]);
  };
  const sc = ref.scenarios;
  add('first reconcile (import + pin all, commit)', sc.prime);
  add('no-change reconcile, cold (no index cache)', sc.cold);
  add('no-change reconcile, warm', sc.warm);
  add('no-change reconcile, fresh clone + restored cache', sc.freshClone);
  add(`moved ${result.moved.movedTags} tags (${result.config.moveShare * 100}%), commit`, result.moved, result.moved.passes[0]?.commit ? `commit ${result.moved.passes[0].commit.slice(0, 8)}` : 'no commit');
  add('import phase only (all tags at once)', sc.importPhase, `${sc.importPhase.resolved ?? 0} digests`);
  if (result.importProbe) add(`import phase, client concurrency ${result.importProbe.concurrency} (what-if)`, result.importProbe, `${result.importProbe.resolved ?? 0} digests`);
  if (result.policy) add(`no-change reconcile with tag policies (${result.policy.policyTags} tags)`, result.policy, `${result.policy.repositories} repositories, ${pass(result.policy).registry.tagsList} tags/list`);
  if (result.token) add(`token-auth registry, no change (${result.token.tags} tags)`, result.token, `${result.token.repositories} repositories`);
  lines.push(table(['scenario', 'wall', 'our CPU', 'process CPU', 'registry CPU', 'peak RSS MiB', 'HEAD', 'GET', 'blob GET', 'token', 'requests', 'files', 'moves', 'note'], rows));
  lines.push('');
  lines.push(`Floor at ${result.referenceScale}x: ${ref.floor.files} files, ${(ref.floor.bytes / 1048576).toFixed(1)} MiB read, ${ref.floor.selectedDocuments} documents selected by the pre-filter, ${ref.floor.heads} HEADs (${ref.floor.headFailures} failed) over a bare undici Pool per registry with ${8} connections.`);
  if (result.daemon) {
    const d = result.daemon;
    lines.push('');
    lines.push(
      `Daemon (\`runServe\`, clone over HTTP from git http-backend): start-up run ${ms(d.startupRunMs)} wall / ${cpuS(d.startupCpuMs)} CPU; ` +
        `${d.cycles} poll cycles with nothing due: median ${cpuS(d.cycleCpuMs.median)} CPU / ${ms(d.cycleWallMs.median)} wall (max ${cpuS(d.cycleCpuMs.max)} / ${ms(d.cycleWallMs.max)}); ` +
        `RSS ${d.rssAfter10MiB} MiB after 10 cycles, ${d.rssAfterCyclesMiB} MiB after ${d.cycles}; registry webhook for one tag -> commit pushed: ${ms(d.webhookWallMs)} wall / ${cpuS(d.webhookCpuMs)} CPU; peak RSS ${d.maxRssMiB} MiB.`,
    );
  }
  if (result.startup) lines.push('', `Start-up: \`node ${result.startup.entry.replace(/^.*\/(dist\/)/, '$1')} --version\`, ${result.startup.runs} runs: median ${cpuS(result.startup.cpuMs.median)} CPU (min ${cpuS(result.startup.cpuMs.min)}, max ${cpuS(result.startup.cpuMs.max)}).`);
  if (result.skopeo) {
    const imp = pass(sc.importPhase).wallMs;
    const sk = result.skopeo;
    const skRow = (label: string, f: typeof sk.serial): string[] => [label, `${f.sampled}`, ms(f.sampleMs), `${ms(f.allTagsMs)}${f.extrapolated ? ' (extrapolated)' : ''}`, `${(f.allTagsMs / imp).toFixed(1)}x`];
    lines.push('');
    lines.push(
      table(
        ['resolve all tags', 'tags timed', 'measured', `all ${ref.monorepo.tags} tags`, 'vs Tagstream'],
        [['Tagstream import phase', `${ref.monorepo.tags}`, ms(imp), ms(imp), '1.0x'], skRow('skopeo inspect, one by one', sk.serial), skRow(`skopeo inspect, ${sk.parallel.parallel} at a time`, sk.parallel)],
      ),
    );
  }
  return lines.join('\n');
}

export const DOC_BEGIN = '<!-- npm run bench: generated section begin (do not edit by hand) -->';
export const DOC_END = '<!-- npm run bench: generated section end -->';

/** `doc` with the generated section replaced by `report` (inserted after the first heading when absent). */
export function withGeneratedSection(doc: string, report: string): string {
  const section = `${DOC_BEGIN}\n${report}\n${DOC_END}`;
  const b = doc.indexOf(DOC_BEGIN);
  const e = doc.indexOf(DOC_END);
  if (b >= 0 && e > b) return `${doc.slice(0, b)}${section}${doc.slice(e + DOC_END.length)}`;
  const firstBreak = doc.indexOf('\n\n');
  if (firstBreak < 0) return `${doc}\n\n## Latest run\n\n${section}\n`;
  return `${doc.slice(0, firstBreak)}\n\n## Latest run\n\n${section}\n${doc.slice(firstBreak)}`;
}
