/**
 * Find the objects a `set` verb names (`deployment/web`, `dc x y`, `statefulsets --all`) in a
 * repository's inventory, with kubectl's argument forms and oc's NotFound wording. The inventory
 * must have been built with `includeObject` accepting the kinds asked for (see `mayBeSelected`).
 */
import { TagstreamError, UsageError, formatLocation, type SourceLocation } from '../errors.js';
import type { Inventory, ObjectRef, ObjectSite } from '../inventory/inventory-model.js';
import type { SourceFile } from '../edit/source-file.js';
import { guessResourceNames, parseResourceType, resolveResourceType, typeMayName, type ResourceType } from '../verbs/resource-type.js';
import { groupOf } from '../domain/pod-spec.js';
import { qualifiedName, resourceName } from '../verbs/set-triggers.js';

/** `kind` + `name`, or every object of `kind` in the namespace when `name` is undefined. */
export interface ObjectSelector {
  readonly kind: string;
  /** Only objects of this API group; undefined: any group (the kinds oc knows, as before). */
  readonly group?: string | undefined;
  readonly name?: string | undefined;
}

/** An object as written in the repository: its plain value and where it lives. */
export interface FoundObject {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly object: Readonly<Record<string, unknown>>;
  readonly site: ObjectSite;
  readonly file: SourceFile;
  /** Where its `image.openshift.io/triggers` value is, when it has one (errors in it point there). */
  readonly triggersAnnotationLocation?: SourceLocation | undefined;
}

/** A selector as typed: a resource type not yet resolved against the repository. */
export interface TypedSelector {
  readonly type: ResourceType;
  readonly name?: string | undefined;
}

function typeOf(arg: string): ResourceType {
  if (arg === '') throw new UsageError(`the server doesn't have a resource type "${arg}"`);
  return parseResourceType(arg);
}

/**
 * kubectl's ResourceTypeOrNameArgs: `TYPE/NAME...`, `TYPE NAME...`, or `TYPE[,TYPE...]` with
 * `--all`. Throws UsageError with kubectl's wording. Types are resolved later, against the
 * repository (`resolveSelectors`): any kind it holds may be named, as on a server with its CRDs.
 */
export function parseObjectArgs(args: readonly string[], all: boolean): TypedSelector[] {
  const [first, ...rest] = args;
  if (first === undefined) throw new UsageError('you must provide one or more resources by argument or filename');
  if (first.includes('/')) {
    if (all) throw new UsageError('--all may not be used with arguments in resource/name form');
    return args.map((arg) => {
      const parts = arg.split('/');
      if (parts.length !== 2 || !parts[0] || !parts[1]) {
        throw new UsageError(`arguments in resource/name form must have a single resource and name: "${arg}"`);
      }
      return { type: typeOf(parts[0]), name: parts[1] };
    });
  }
  const types = first.split(',').filter((t) => t !== '').map(typeOf);
  if (rest.some((a) => a.includes('/'))) {
    throw new UsageError(
      `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'tagstream set triggers deployment/x' instead of 'tagstream set triggers deployment deployment/x')`,
    );
  }
  if (all) {
    if (rest.length > 0) throw new UsageError('--all may not be used with object names');
    return types.map((type) => ({ type }));
  }
  if (rest.length === 0) throw new UsageError('resource(s) were provided, but no name was specified');
  if (types.length !== 1) throw new UsageError('only one resource type may be given with names');
  return rest.map((name) => ({ type: types[0] as ResourceType, name }));
}

/** The inventory's `includeObject` for typed selectors: every object one of them may name. */
export function mayBeSelected(selectors: readonly TypedSelector[]): (ref: ObjectRef) => boolean {
  return (ref) => selectors.some((s) => typeMayName(s.type, ref.apiVersion, ref.kind));
}

/**
 * Resolve each type against the kinds oc knows and the kinds the repository holds (kubectl asks
 * the server's discovery). A type naming neither is oc's `the server doesn't have a resource type`.
 */
export function resolveSelectors(inventory: Inventory, selectors: readonly TypedSelector[]): ObjectSelector[] {
  const objects = candidates(inventory);
  return selectors.map((s) => {
    const resolved = resolveResourceType(s.type, objects);
    if (!resolved) throw new UsageError(`the server doesn't have a resource type "${s.type.arg}"`);
    if ('ambiguous' in resolved) {
      const names = resolved.ambiguous.map((gk) => `${guessResourceNames(gk.kind).plural}.${gk.group}`);
      throw new UsageError(`resource type "${s.type.arg}" is ambiguous: it names ${names.join(', ')}; qualify it with the group (e.g. ${names[0]}/NAME)`);
    }
    return { ...resolved, ...(s.name !== undefined ? { name: s.name } : {}) };
  });
}

/** oc's `deployments.apps "web" not found` (a CRD: `widgets.example.com "web" not found`). */
export function objectNotFound(kind: string, name: string, group?: string): TagstreamError {
  const plural = resourceName(kind, '').slice(0, -1);
  const qualified = qualifiedName(kind, '', group);
  const groupSuffix = qualified.slice(kind.length, -1); // '' or '.apps'
  return new TagstreamError('NotFound', `${plural}${groupSuffix} "${name}" not found`);
}

function plainObject(file: SourceFile, site: ObjectSite): Readonly<Record<string, unknown>> | undefined {
  let cur: unknown = file.documents[site.docIndex]?.value;
  for (const seg of site.path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : undefined;
}

interface Candidate extends ObjectRef {
  readonly site: ObjectSite;
  readonly triggersAnnotationLocation?: SourceLocation | undefined;
}

/** Every object of the inventory (streams, and workloads incl. those indexed by includeObject). */
function candidates(inventory: Inventory): Candidate[] {
  const out: Candidate[] = [...inventory.streams.values(), ...inventory.workloads];
  // Conflicting streams are absent from `streams`; keep them so the conflict is reported, not NotFound.
  for (const c of inventory.conflicts) {
    for (const site of c.sites) out.push({ apiVersion: '', kind: 'ImageStream', name: c.name, namespace: c.namespace, namespaceDefaulted: false, site });
  }
  return out;
}

export interface FindResult {
  readonly found: FoundObject[];
  /** NotFound and DuplicateObject errors, in argument order. */
  readonly errors: TagstreamError[];
  /** `warning: ...` lines: objects defined twice that a listing of every object skipped. */
  readonly warnings: string[];
}

/**
 * Look the selected objects up in `namespace`. Named objects come back in argument order (each
 * once); `--all` selections by name, as the API lists them. An object defined twice is an error,
 * not a guess; with `listing`, one that only an all-selection reached is skipped with a warning
 * (ImageStream conflicts are already reported by the inventory's warnings).
 */
export function findObjects(
  inventory: Inventory,
  namespace: string,
  selectors: readonly ObjectSelector[],
  opts: { readonly listing?: boolean } = {},
): FindResult {
  const all = candidates(inventory).filter((c) => c.namespace === namespace);
  const annotationAt = new Map<ObjectSite, SourceLocation>();
  for (const c of all) if (c.triggersAnnotationLocation) annotationAt.set(c.site, c.triggersAnnotationLocation);
  const found: FoundObject[] = [];
  const errors: TagstreamError[] = [];
  const warnings: string[] = [];
  const taken = new Set<string>();
  const take = (kind: string, name: string, sites: readonly ObjectSite[], named: boolean): void => {
    const key = `${kind}/${name}`;
    if (taken.has(key)) return;
    taken.add(key);
    if (sites.length > 1) {
      const where = sites.map((s) => formatLocation(s.location)).join(', ');
      const message = `${resourceName(kind, name)} in namespace ${namespace} is defined more than once (${where}); keep one definition`;
      if (named || !opts.listing) errors.push(new TagstreamError('DuplicateObject', message));
      else if (kind !== 'ImageStream') warnings.push(`warning: ${message}`);
      return;
    }
    const site = sites[0] as ObjectSite;
    const file = inventory.files.get(site.file);
    const object = file && plainObject(file, site);
    if (!file || !object) {
      errors.push(objectNotFound(kind, name));
      return;
    }
    const annotation = annotationAt.get(site);
    found.push({ kind, name, namespace, object, site, file, ...(annotation ? { triggersAnnotationLocation: annotation } : {}) });
  };
  for (const sel of selectors) {
    const ofKind = all.filter((c) => c.kind === sel.kind && (sel.group === undefined || groupOf(c.apiVersion) === sel.group));
    if (sel.name !== undefined) {
      const sites = ofKind.filter((c) => c.name === sel.name).map((c) => c.site);
      if (sites.length === 0) errors.push(objectNotFound(sel.kind, sel.name, sel.group));
      else take(sel.kind, sel.name, sites, true);
      continue;
    }
    const names = [...new Set(ofKind.map((c) => c.name))].sort();
    for (const name of names) take(sel.kind, name, ofKind.filter((c) => c.name === name).map((c) => c.site), false);
  }
  return { found, errors, warnings };
}
