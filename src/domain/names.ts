/**
 * Name validation exactly as OpenShift validates it (openshift-apiserver validation.go, oc tag).
 * Each function returns the list of problems (empty = valid), oc-style wording.
 */

const STREAM_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** `oc tag` enforces this for destination tags; the API server does not. */
const TAG_NAME = /^[\w][\w.-]{0,127}$/;

export const STREAM_NAME_PATTERN = '[a-z0-9]+(?:[._-][a-z0-9]+)*';

export function validateStreamName(namespace: string, name: string): string[] {
  const problems: string[] = [];
  if (name === '') return ['name: Required value'];
  if (name === '.' || name === '..') problems.push(`may not be '${name}'`);
  if (name.includes('/')) problems.push(`may not contain '/'`);
  if (name.includes('%')) problems.push(`may not contain '%'`);
  if (!STREAM_NAME.test(name)) problems.push(`must match "${STREAM_NAME_PATTERN}"`);
  if (`${namespace}/${name}`.length > 255) problems.push(`'namespace/name' cannot be longer than 255 characters`);
  return problems;
}

export function validateNamespace(namespace: string): string[] {
  if (namespace.length > 63 || !RFC1123_LABEL.test(namespace)) {
    return [
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ];
  }
  return [];
}

export function isValidTagName(tag: string): boolean {
  return TAG_NAME.test(tag);
}

export const INVALID_TAG_MESSAGE =
  'tags must start with an alphanumeric character followed by alphanumeric, \'.\' or \'-\' characters, and have a maximum of 128 characters';
