/**
 * The one parser of stream identities as people and manifests write them: `stream:tag` (an
 * ImageStreamTag name) and `[namespace/]name`. Callers word their own errors (oc's, the API's);
 * this module only answers what the parts are.
 */

export interface StreamTagName {
  readonly stream: string;
  readonly tag: string;
}

/**
 * Split an ImageStreamTag name `<stream>:<tag>` (imageutil.SplitImageStreamTag). `stream:` means
 * `latest`; a name without `:` is not a tag name and never resolves (undefined).
 */
export function splitStreamTag(name: string): StreamTagName | undefined {
  const i = name.indexOf(':');
  if (i === -1) return undefined;
  const tag = name.slice(i + 1);
  return { stream: name.slice(0, i), tag: tag === '' ? 'latest' : tag };
}

/** An ImageStreamTag name as the API requires it: exactly one `:`, stream and tag both given. */
export function parseIstagName(name: string): StreamTagName | undefined {
  const parts = name.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { stream: parts[0], tag: parts[1] };
}

/** `[namespace/]name`: the namespace when one `/` is written; undefined with more than one. */
export function splitNamespaced(text: string): { readonly namespace: string | undefined; readonly name: string } | undefined {
  const parts = text.split('/');
  if (parts.length > 2) return undefined;
  return parts.length === 2 ? { namespace: parts[0] as string, name: parts[1] as string } : { namespace: undefined, name: text };
}
