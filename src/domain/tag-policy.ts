/**
 * Tag policies: a DockerImage spec tag annotated `tagstream.io/tag-policy: ORDER:ARGUMENT` follows
 * the newest tag of its repository instead of one fixed tag. The value is parsed once into a
 * TagPolicy; `selectTag` picks the winner out of a registry's tag list. Orders:
 * - `semver:RANGE` — node-semver range; a leading `v` counts; pre-releases only when the range
 *   itself names one; build metadata is ignored for ordering.
 * - `numerical:REGEX` — the number in the first capture group (whole match without a group),
 *   highest wins.
 * - `alphabetical:REGEX` — the capture in code-unit order, last wins.
 * - `created:REGEX` — matching tags; the newest image config `created` wins (the caller supplies
 *   the times, see app/tag-policies.ts).
 * Equal keys (`1.2.3` and `v1.2.3`, `build-010` and `build-10`): the tag the spec already
 * follows stays when it is one of them (no churn), else the greatest tag text wins, so the
 * choice never depends on the order the registry lists tags in.
 */
import semver from 'semver';
import { TagstreamError } from '../errors.js';
import { compileTagPattern, MAX_TAG_LENGTH, type TagPattern } from './tag-pattern.js';

export const TAG_POLICY_ANNOTATION = 'tagstream.io/tag-policy';

export type TagPolicyOrder = 'semver' | 'numerical' | 'alphabetical' | 'created';
export const TAG_POLICY_ORDERS: readonly TagPolicyOrder[] = ['semver', 'numerical', 'alphabetical', 'created'];

export interface TagPolicy {
  readonly order: TagPolicyOrder;
  readonly argument: string;
  /** The annotation value as written. */
  readonly text: string;
  /** Ordering key of a tag, or undefined when the tag is no candidate (`created`: whether it matches). */
  key(tag: string): string | undefined;
}

const GRAMMAR = 'expected semver:RANGE, numerical:REGEX, alphabetical:REGEX or created:REGEX';

/** True when a range, as written, names a pre-release (`>=1.0.0-rc.0`, `^2.0.0-0`). */
function rangeNamesPrerelease(range: string): boolean {
  return range.split(/\s+|\|\|/).some((token) => {
    const version = token.replace(/^[<>=~^]+/, '');
    return semver.valid(version) !== null && (semver.prerelease(version)?.length ?? 0) > 0;
  });
}

/** A decimal number's text, normalised so that plain string order is numeric order (see compareNumbers). */
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

function semverPolicy(text: string, range: string): TagPolicy {
  if (range.trim() === '' || semver.validRange(range) === null) {
    throw new TagstreamError('Invalid', `tag policy ${JSON.stringify(text)}: ${JSON.stringify(range)} is not a semver range`);
  }
  const includePrerelease = rangeNamesPrerelease(range);
  return {
    order: 'semver',
    argument: range,
    text,
    key(tag) {
      if (tag.length > MAX_TAG_LENGTH) return undefined;
      const version = semver.valid(tag);
      if (version === null || !semver.satisfies(version, range, { includePrerelease })) return undefined;
      return version;
    },
  };
}

function patternPolicy(text: string, order: Exclude<TagPolicyOrder, 'semver'>, source: string): TagPolicy {
  if (source === '') throw new TagstreamError('Invalid', `tag policy ${JSON.stringify(text)}: ${order} needs a pattern`);
  let pattern: TagPattern;
  try {
    pattern = compileTagPattern(source);
  } catch (e) {
    throw new TagstreamError('Invalid', `tag policy ${JSON.stringify(text)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    order,
    argument: source,
    text,
    key(tag) {
      const captured = pattern.capture(tag);
      if (captured === undefined) return undefined;
      if (order === 'numerical') return DECIMAL.test(captured) ? captured : undefined;
      return captured;
    },
  };
}

/** Parse an annotation value; throws TagstreamError 'Invalid' saying what is wrong. */
export function parseTagPolicy(text: string): TagPolicy {
  const colon = text.indexOf(':');
  const order = colon === -1 ? text : text.slice(0, colon);
  if (colon === -1 || !(TAG_POLICY_ORDERS as readonly string[]).includes(order)) {
    throw new TagstreamError('Invalid', `tag policy ${JSON.stringify(text)}: ${GRAMMAR}`);
  }
  const argument = text.slice(colon + 1);
  return order === 'semver' ? semverPolicy(text, argument) : patternPolicy(text, order as Exclude<TagPolicyOrder, 'semver'>, argument);
}

/** -1, 0, 1 for two decimal texts accepted by DECIMAL (any length: `build-99999999999999999999`). */
export function compareNumbers(a: string, b: string): number {
  const pa = DECIMAL.exec(a)!;
  const pb = DECIMAL.exec(b)!;
  const norm = (m: RegExpExecArray) => {
    const int = m[2]!.replace(/^0+(?=\d)/, '');
    const frac = (m[3] ?? '').replace(/0+$/, '');
    const zero = /^0$/.test(int) && frac === '';
    return { neg: m[1] === '-' && !zero, int, frac };
  };
  const x = norm(pa);
  const y = norm(pb);
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  const sign = x.neg ? -1 : 1;
  if (x.int.length !== y.int.length) return sign * (x.int.length < y.int.length ? -1 : 1);
  if (x.int !== y.int) return sign * (x.int < y.int ? -1 : 1);
  const len = Math.max(x.frac.length, y.frac.length);
  const fa = x.frac.padEnd(len, '0');
  const fb = y.frac.padEnd(len, '0');
  return fa === fb ? 0 : sign * (fa < fb ? -1 : 1);
}

function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Compare two candidate keys of a policy. `created` keys are RFC 3339 times. */
export function compareKeys(order: TagPolicyOrder, a: string, b: string): number {
  switch (order) {
    case 'semver':
      return semver.compare(a, b);
    case 'numerical':
      return compareNumbers(a, b);
    case 'alphabetical':
      return compareText(a, b);
    case 'created':
      return Math.sign(Date.parse(a) - Date.parse(b));
  }
}

/** The tags a policy considers (for `created`, the tags whose build time must be known). */
export function policyCandidates(policy: TagPolicy, tags: readonly string[]): string[] {
  return [...new Set(tags)].filter((t) => policy.key(t) !== undefined);
}

export interface SelectOptions {
  /** The tag the spec follows now: kept when it ties with the best. */
  readonly current?: string | undefined;
  /** `created` policies: image build time (RFC 3339) by tag; tags without one are no candidates. */
  readonly created?: ReadonlyMap<string, string> | undefined;
}

/** The winning tag, or undefined when no tag is a candidate. */
export function selectTag(policy: TagPolicy, tags: readonly string[], options: SelectOptions = {}): string | undefined {
  let best: { tag: string; key: string } | undefined;
  for (const tag of policyCandidates(policy, tags)) {
    let key = policy.key(tag)!;
    if (policy.order === 'created') {
      const when = options.created?.get(tag);
      if (when === undefined || Number.isNaN(Date.parse(when))) continue;
      key = when;
    }
    if (!best) {
      best = { tag, key };
      continue;
    }
    const c = compareKeys(policy.order, key, best.key);
    const wins = c > 0 || (c === 0 && best.tag !== options.current && (tag === options.current || tag > best.tag));
    if (wins) best = { tag, key };
  }
  return best?.tag;
}
