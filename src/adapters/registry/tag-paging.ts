/** Tag list paging: the `Link` header of distribution's tags/list (RFC 8288, rel="next"). */
import { RegistryError } from '../../errors.js';
import { nextLinkTarget } from '../http/link-header.js';

/** `Link: <url>; rel="next"` resolved against the request URL; cross-origin links are refused. */
export function nextLink(link: string | string[] | undefined, requestUrl: URL, loc: { domain: string; path: string }): URL | undefined {
  const target = nextLinkTarget(link);
  if (target === undefined) return undefined;
  const next = new URL(target, requestUrl);
  if (next.origin !== requestUrl.origin) {
    throw new RegistryError('RegistryProtocol', `${loc.domain} sent a tag list next link to another host (${next.host}); refused`, {
      registry: loc.domain,
      repository: loc.path,
    });
  }
  return next;
}
