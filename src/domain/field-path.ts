/**
 * The restricted `fieldPath` grammar of image change triggers (library-go
 * `pkg/image/trigger/annotations.go`): `<podSpecPath>.containers[N].image`,
 * `initContainers[N]`, or `containers[?(@.name=="x")]`. A hand-written parser: nothing from the
 * repository is ever evaluated (no JSONPath engine, no script filters).
 */
import { containerByName, containerList, type ContainerList, type ContainerSlot } from './pod-spec.js';

export type ContainerSelector = { readonly index: number } | { readonly name: string };

export interface ContainerFieldPath {
  /** Dotted pod spec path the fieldPath starts with (`spec.template.spec`). */
  readonly podSpecPath: string;
  /** The list named in the path. Name lookup ignores it (see `findContainer`). */
  readonly list: ContainerList;
  readonly selector: ContainerSelector;
}

export type FieldPathParse =
  /** Does not start with `<podSpecPath>.`: OpenShift skips such a trigger silently. */
  | { readonly kind: 'outside' }
  /** Not `containers[...]`/`initContainers[...]`, no `]`, or the remainder is not `image`. */
  | { readonly kind: 'invalid'; readonly message: string }
  /** A bracket content that is neither an integer nor `?(@.name=="...")`: matches no container. */
  | { readonly kind: 'unmatchable'; readonly message: string }
  | { readonly kind: 'container'; readonly path: ContainerFieldPath };

const NAME_PREFIX = '?(@.name=="';
const NAME_SUFFIX = '")';
/** strconv.Atoi: optional sign, decimal digits. */
const GO_INT = /^[+-]?[0-9]+$/;

export function invalidFieldPathMessage(fieldPath: string): string {
  return `field path is not valid: ${fieldPath}`;
}

export function noSuchContainerMessage(fieldPath: string): string {
  return `no such container: ${fieldPath}`;
}

/**
 * Parse a trigger fieldPath relative to `podSpecPath` exactly as OpenShift does. Quirks kept on
 * purpose: the `.` before `image` is optional (`containers[0]image` is accepted), and a bracket
 * that is not an index or the exact name filter yields "no such container", not "not valid".
 */
export function parseFieldPath(fieldPath: string, podSpecPath: string): FieldPathParse {
  const base = `${podSpecPath}.`;
  if (!fieldPath.startsWith(base)) return { kind: 'outside' };
  let rest = fieldPath.slice(base.length);
  let list: ContainerList;
  if (rest.startsWith('containers[')) {
    list = 'containers';
    rest = rest.slice('containers['.length);
  } else if (rest.startsWith('initContainers[')) {
    list = 'initContainers';
    rest = rest.slice('initContainers['.length);
  } else {
    return { kind: 'invalid', message: invalidFieldPathMessage(fieldPath) };
  }
  const end = rest.indexOf(']');
  if (end === -1) return { kind: 'invalid', message: invalidFieldPathMessage(fieldPath) };
  const selectorText = rest.slice(0, end);
  let remainder = rest.slice(end + 1);
  if (remainder.startsWith('.')) remainder = remainder.slice(1);
  if (remainder !== 'image') return { kind: 'invalid', message: invalidFieldPathMessage(fieldPath) };

  if (GO_INT.test(selectorText)) {
    const index = Number(selectorText);
    if (Number.isSafeInteger(index)) return { kind: 'container', path: { podSpecPath, list, selector: { index } } };
    return { kind: 'unmatchable', message: noSuchContainerMessage(fieldPath) };
  }
  let name = selectorText.startsWith(NAME_PREFIX) ? selectorText.slice(NAME_PREFIX.length) : selectorText;
  if (name.endsWith(NAME_SUFFIX)) name = name.slice(0, -NAME_SUFFIX.length);
  if (name !== selectorText) return { kind: 'container', path: { podSpecPath, list, selector: { name } } };
  return { kind: 'unmatchable', message: noSuchContainerMessage(fieldPath) };
}

/**
 * The container a parsed path designates. An index counts inside the named list; a name is
 * searched in initContainers first, then containers, whatever list the path names.
 */
export function findContainer(object: unknown, kind: string, path: ContainerFieldPath): ContainerSlot | undefined {
  const { selector } = path;
  if ('index' in selector) {
    return containerList(object, kind, path.list).find((c) => c.index === selector.index);
  }
  return containerByName(object, kind, selector.name);
}

/** The canonical form `oc set triggers` writes: `<podSpecPath>.containers[?(@.name=="<name>")].image`. */
export function containerNameFieldPath(podSpecPath: string, name: string): string {
  return `${podSpecPath}.containers[${NAME_PREFIX}${name}${NAME_SUFFIX}].image`;
}
