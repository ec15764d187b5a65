/** Tag list paging: the `Link` header of distribution's tags/list (RFC 8288, rel="next"). */
import { RegistryError } from '../../errors.js';

/** `Link: <url>; rel="next"` resolved against the request URL; cross-origin links are refused. */
export function nextLink(link: string | string[] | undefined, requestUrl: URL, loc: { domain: string; path: string }): URL | undefined {
  const values = Array.isArray(link) ? link : link ? [link] : [];
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      if (!m || !/\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) continue;
      const next = new URL(m[1] ?? '', requestUrl);
      if (next.origin !== requestUrl.origin) {
        throw new RegistryError('RegistryProtocol', `${loc.domain} sent a tag list next link to another host (${next.host}); refused`, {
          registry: loc.domain,
          repository: loc.path,
        });
      }
      return next;
    }
  }
  return undefined;
}
