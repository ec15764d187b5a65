/**
 * Two V8 settings the processes Tagstream owns (the CLI, the daemon, the Action) choose for
 * themselves, set at start-up through `v8.setFlagsFromString` (V8 reads both when it uses them, so
 * setting them after start-up takes effect; Node refuses them in NODE_OPTIONS).
 *
 * - Heap growth (`--heap-growing-percent`, 100): how far the old generation may grow past what a
 *   full collection left alive before V8 collects again. V8 picks that factor per collection,
 *   between 1.1 and 4, from how fast it collects compared with how fast the program allocates. A
 *   reconcile allocates much and collects fast, so V8 picks 4: a first reconcile of the bench's 4x
 *   monorepo held 150-170 MiB alive and peaked at 850 MiB RSS, almost all of it garbage the heap
 *   was allowed to keep. Capped at 2x, the same run peaks near 550-590 MiB for about the same CPU
 *   (more full collections, each over the same live set). The flag fixes the factor, so where V8
 *   would have chosen less (a small heap) it costs a little: a cold no-change run of the 1x bench
 *   repository peaks ~18 MiB higher and uses ~5% more CPU.
 * - Tier-up budget (`--interrupt-budget`, 528 KiB of bytecode executed, 8x Node 20's 66 KiB):
 *   how much a function runs before V8 considers compiling it with TurboFan. A no-change reconcile
 *   is a few seconds of many functions each run a few thousand times; by default V8 compiles
 *   hundreds of them on a background thread, ~0.6 CPU-s at 1x that a run this short never earns
 *   back (a --cpu-prof shows none of it: it is not the main thread). With the budget 8x, only code
 *   that stays hot is compiled, later (#16; `npm run bench` measures it, docs/benchmarks.md):
 *   a warm no-change run 1.60 -> 1.29 CPU-s, the floor 1.05 -> 0.92, a cold run and a first
 *   reconcile (15-17 CPU-s) no slower. Newer V8s (Node 24, the Action's) compile with Maglev first,
 *   at their own budget, and TurboFan later; this budget then only delays TurboFan.
 *
 * Only entry points call this: a library must not change its host's V8. The user keeps the last
 * word: each setting's environment variable sets another value (0: V8's own choice), and the flag
 * on node's own command line is left as it is.
 */
import { setFlagsFromString } from 'node:v8';

export interface V8Setting {
  /** The V8 flag, as node's command line spells it. */
  readonly flag: string;
  /** The environment variable that sets another value (0: V8's own choice). */
  readonly env: string;
  readonly value: number;
  /** What a value is, for the message about a bad one: "a whole number of <unit>". */
  readonly unit: string;
  /** Most digits a value may have. */
  readonly maxDigits: number;
}

/** The old generation may grow to (1 + this/100) times its live size between full collections. */
export const HEAP_GROWTH: V8Setting = { flag: '--heap-growing-percent', env: 'TAGSTREAM_HEAP_GROWING_PERCENT', value: 100, unit: 'percent', maxDigits: 4 };

/** Bytecode a function executes between V8's looks at whether to optimize it (8x Node 20's default). */
export const TIER_UP_BUDGET: V8Setting = { flag: '--interrupt-budget', env: 'TAGSTREAM_INTERRUPT_BUDGET', value: 8 * 66 * 1024, unit: 'bytes of bytecode', maxDigits: 9 };

export const V8_SETTINGS: readonly V8Setting[] = [HEAP_GROWTH, TIER_UP_BUDGET];

/**
 * The environment the daemon's process starts with: the image sets it (Dockerfile ENV), the bench
 * starts its daemon child with it. A daemon is long-lived and mostly idle, so its resident memory is
 * what it costs; both settings trade a little collection work for it.
 * - `NODE_OPTIONS=--max-semi-space-size=4`: the young generation's two semi-spaces at most 4 MiB
 *   each, not 16. After the start-up run they stay at their largest (32 MiB resident) for the
 *   daemon's life. V8 reads it only when it sets up its heap, so it cannot be set from inside.
 * - `TAGSTREAM_HEAP_GROWING_PERCENT=50`: the old generation grows to 1.5x, not 2x, of what it kept.
 * As environment, not node flags in the ENTRYPOINT, a Deployment's own `env` still sets either (a
 * flag on node's command line would win over TAGSTREAM_HEAP_GROWING_PERCENT).
 * Measured (#16, a daemon lab: the bench's 1x monorepo, its daemon child, 10 poll cycles and the
 * webhook, several rounds): RSS after the cycles 276-297 MiB without them, 218-258 with the first,
 * 215-236 with both; webhook CPU and start-up run CPU within the same spread.
 */
export const DAEMON_ENV: Readonly<Record<string, string>> = { NODE_OPTIONS: '--max-semi-space-size=4', [HEAP_GROWTH.env]: '50' };

export interface V8TuningProcess {
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly setFlags: (flags: string) => void;
}

export interface V8Tuning {
  /** Per flag, the value set; undefined when V8 keeps its own choice (or the command line's). */
  readonly values: Readonly<Record<string, number | undefined>>;
  /** Why an environment variable was not used (that setting's default was set instead). */
  readonly problems: readonly string[];
}

/** `flag` is on node's command line (V8 reads `_` as `-` in flag names; the value follows `=` or a blank). */
function onCommandLine(args: readonly string[], flag: string): boolean {
  return args.some((a) => a.split('=', 1)[0]?.replace(/_/g, '-') === flag);
}

/** Set each of `settings` in this process's V8, unless node's command line has it. */
export function tuneV8(proc: V8TuningProcess = { execArgv: process.execArgv, env: process.env, setFlags: setFlagsFromString }, settings: readonly V8Setting[] = V8_SETTINGS): V8Tuning {
  const values: Record<string, number | undefined> = {};
  const problems: string[] = [];
  for (const s of settings) {
    values[s.flag] = undefined;
    if (onCommandLine(proc.execArgv, s.flag)) continue;
    const text = proc.env[s.env]?.trim();
    let value = s.value;
    if (text !== undefined && text !== '') {
      if (new RegExp(`^\\d{1,${s.maxDigits}}$`).test(text)) value = Number(text);
      else problems.push(`${s.env}: expected a whole number of ${s.unit} (0 for V8's own choice), got "${text}"; using ${s.value}`);
    }
    if (value === 0) continue;
    proc.setFlags(`${s.flag}=${value}`);
    values[s.flag] = value;
  }
  return { values, problems };
}
