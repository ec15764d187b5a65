/**
 * How far V8 lets the old generation grow past what a full collection left alive before it collects
 * again. V8 picks that factor per collection, between 1.1 and 4, from how fast it collects compared
 * with how fast the program allocates. A reconcile allocates much and collects fast, so V8 picks 4:
 * a first reconcile of the bench's 4x monorepo held 150-170 MiB alive and peaked at 850 MiB RSS,
 * almost all of it garbage the heap was allowed to keep. The processes Tagstream owns (the CLI, the
 * daemon, the Action) cap the factor at 2: the same run peaks near 550-590 MiB for about the same
 * CPU (more full collections, each over the same live set; `npm run bench` measures both). The
 * flag fixes the factor, so where V8 would have chosen less (a small heap) it costs a little: a
 * cold no-change run of the 1x bench repository peaks ~18 MiB higher and uses ~5% more CPU.
 *
 * Only entry points call this: a library must not change its host's collector. The user keeps the
 * last word: TAGSTREAM_HEAP_GROWING_PERCENT sets another cap (0: V8's own choice), and a
 * `--heap-growing-percent` on the node command line is left as it is (Node refuses V8 flags such
 * as this one in NODE_OPTIONS).
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to (1 + this/100) times its live size between full collections. */
export const HEAP_GROWING_PERCENT = 100;

export const HEAP_GROWTH_ENV = 'TAGSTREAM_HEAP_GROWING_PERCENT';

const FLAG = '--heap-growing-percent';

export interface HeapGrowthProcess {
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly setFlags: (flags: string) => void;
}

export interface HeapGrowth {
  /** The cap set, in percent; undefined when V8 keeps its own choice (or the command line's). */
  readonly percent: number | undefined;
  /** Why TAGSTREAM_HEAP_GROWING_PERCENT was not used (the default cap was set instead). */
  readonly problem?: string | undefined;
}

/** The flag is on node's command line (V8 reads `_` as `-` in flag names; the value follows `=` or a blank). */
const onCommandLine = (args: readonly string[]): boolean => args.some((a) => a.split('=', 1)[0]?.replace(/_/g, '-') === FLAG);

/** Cap the heap growth factor of this process. V8 reads the flag at every full collection, so setting it after start-up takes effect. */
export function limitHeapGrowth(proc: HeapGrowthProcess = { execArgv: process.execArgv, env: process.env, setFlags: setFlagsFromString }): HeapGrowth {
  if (onCommandLine(proc.execArgv)) return { percent: undefined };
  const text = proc.env[HEAP_GROWTH_ENV]?.trim();
  let percent = HEAP_GROWING_PERCENT;
  let problem: string | undefined;
  if (text !== undefined && text !== '') {
    if (/^\d{1,4}$/.test(text)) percent = Number(text);
    else problem = `${HEAP_GROWTH_ENV}: expected a whole number of percent (0 for V8's own choice), got "${text}"; using ${HEAP_GROWING_PERCENT}`;
  }
  if (percent === 0) return { percent: undefined };
  proc.setFlags(`${FLAG}=${percent}`);
  return { percent, problem };
}
