/** The one `Link` header parser (RFC 8288), shared by registry tag paging and the code-host APIs. */

/** The target (as written, unresolved) of the first link with `rel="next"`, or undefined. */
export function nextLinkTarget(link: string | readonly string[] | undefined): string | undefined {
  const values = typeof link === 'string' ? [link] : (link ?? []);
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      if (m && /\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) return m[1] ?? '';
    }
  }
  return undefined;
}
