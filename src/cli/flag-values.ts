/**
 * Flag values as oc takes them: enum flags oc lower-cases are lower-cased here and checked by the
 * planners with oc's wording (never the option parser's "argument 'x' is invalid" line).
 */
import { UsageError } from '../errors.js';

/** `--reference-policy=Local` and `--source=ISTAG`: oc lower-cases these before checking them. */
export function lowerCase(value: string): string {
  return value.toLowerCase();
}

/** Repeatable flag: collect every occurrence. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `-c a,b` and repeated `-c a -c b`. */
export function collectCsv(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

/** `-A key=value` pairs (kubectl's annotation syntax), with oc's message for a pair without `=`. */
export function parseAnnotations(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`annotations must be of the form key=value, but is "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
