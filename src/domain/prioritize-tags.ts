/**
 * library-go imageutil.PrioritizeTags: the order in which a repository's tags are imported by
 * `import-image --all` (and listed by `describe is`): `latest`; then minor versions (`5.1`,
 * `v5.1`, `5.1-rc1`) newest first; then full semantic versions newest first (`v`-less before
 * `v` on ties); then everything else in byte order.
 */

interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: readonly (string | number)[];
}

const NUMERIC = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** blang/semver Parse (strict: three numbers, no leading zeros, optional -pre and +build). */
export function parseSemver(text: string): SemVer | undefined {
  const plus = text.indexOf('+');
  const core = plus === -1 ? text : text.slice(0, plus);
  if (plus !== -1) {
    const build = text.slice(plus + 1).split('.');
    if (build.some((b) => !IDENT.test(b))) return undefined;
  }
  const dash = core.indexOf('-');
  const version = dash === -1 ? core : core.slice(0, dash);
  const nums = version.split('.');
  if (nums.length !== 3 || nums.some((n) => !NUMERIC.test(n))) return undefined;
  const pre: (string | number)[] = [];
  if (dash !== -1) {
    for (const p of core.slice(dash + 1).split('.')) {
      if (!IDENT.test(p)) return undefined;
      if (/^\d+$/.test(p)) {
        if (!NUMERIC.test(p)) return undefined; // numeric identifiers may not have leading zeros
        pre.push(Number(p));
      } else {
        pre.push(p);
      }
    }
  }
  const [major, minor, patch] = nums.map(Number) as [number, number, number];
  return { major, minor, patch, pre };
}

/** Semantic-version precedence: -1, 0 or 1. */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] as string | number;
    const y = b.pre[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x > y ? 1 : -1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x > y ? 1 : -1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length > b.pre.length ? 1 : -1;
}

const Priority = { Latest: 0, Minor: 1, Full: 2, Other: 3 } as const;
type Priority = (typeof Priority)[keyof typeof Priority];

interface Prioritized {
  readonly tag: string;
  readonly priority: Priority;
  readonly semver?: SemVer | undefined;
  readonly prefix: string;
}

const MINOR = /^\d+\.\d+$/;
const MINOR_WITH_SUFFIX = /^(\d+\.\d+)-[\w-]+$/;

function prioritize(tag: string): Prioritized {
  if (tag === 'latest') return { tag, priority: Priority.Latest, prefix: '' };
  const prefix = tag.startsWith('v') ? 'v' : '';
  const short = tag.slice(prefix.length);
  const full = parseSemver(short);
  if (full) return { tag, priority: Priority.Full, semver: full, prefix };
  if (MINOR.test(short)) {
    const v = parseSemver(`${short}.0`);
    if (v) return { tag, priority: Priority.Minor, semver: v, prefix };
  }
  const m = MINOR_WITH_SUFFIX.exec(short);
  if (m) {
    const v = parseSemver(short.replace(m[1] as string, `${m[1] as string}.0`));
    if (v) return { tag, priority: Priority.Minor, semver: v, prefix };
  }
  return { tag, priority: Priority.Other, prefix };
}

function compare(a: Prioritized, b: Prioritized): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.priority === Priority.Other) return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
  if (!a.semver || !b.semver) return 0;
  const cmp = compareSemver(a.semver, b.semver);
  if (cmp !== 0) return -cmp; // newer first
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0;
}

/** A new array with `tags` in import priority order. Empty names count as `latest`. */
export function prioritizeTags(tags: readonly string[]): string[] {
  return tags
    .map((t) => prioritize(t === '' ? 'latest' : t))
    .sort(compare)
    .map((p) => p.tag);
}
