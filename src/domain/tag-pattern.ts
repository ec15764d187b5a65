/**
 * Tag patterns of tag policies (`numerical:REGEX`, ...), compiled with re2js, a pure-JavaScript
 * port of RE2: matching time is linear in the tag's length whatever the pattern, so a pattern
 * such as `^(a+)+$` against a hostile tag list cannot hang a run (JavaScript's own RegExp
 * backtracks exponentially there). The price is RE2's syntax: no backreferences, no lookaround —
 * the syntax Flux (Go regexp) and Argo CD Image Updater already use. Tags longer than the
 * distribution spec's 128 characters are never candidates, a second bound on the work per tag.
 */
import { RE2JS } from 're2js';
import { TagstreamError } from '../errors.js';

/** distribution/reference: `[\w][\w.-]{0,127}`. */
export const MAX_TAG_LENGTH = 128;

/** A compiled pattern: `capture(tag)` is the first group's text (the whole match without a group). */
export interface TagPattern {
  readonly source: string;
  capture(tag: string): string | undefined;
}

/** Compile a pattern; throws TagstreamError 'Invalid' naming what RE2 refused. */
export function compileTagPattern(source: string): TagPattern {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e);
    throw new TagstreamError('Invalid', `invalid pattern ${JSON.stringify(source)}: ${why} (RE2 syntax: no backreferences or lookaround)`);
  }
  const groups = re.groupCount();
  return {
    source,
    capture(tag) {
      if (tag.length > MAX_TAG_LENGTH) return undefined;
      const m = re.matcher(tag);
      if (!m.find()) return undefined;
      const text = groups > 0 ? m.group(1) : m.group(0);
      return text ?? undefined;
    },
  };
}
