/**
 * `tagstream get is|istag [NAME...]`: the ImageStreams / ImageStreamTags of the repository that a
 * request selects, as data (the CLI prints them in oc's shapes: table, wide, name, json, yaml).
 * Reads only; the inventory's diagnostics and conflicts come back as values so the caller can
 * report them and still succeed.
 */
import { TagstreamError, UsageError } from '../errors.js';
import { parseIstagName, type StreamTagName } from '../domain/stream-tag-name.js';
import type { Inventory, StreamEntry } from '../inventory/inventory-model.js';
import { buildInventory } from '../inventory/inventory.js';
import type { AppContext } from './app-context.js';
import { istagsOf, type IstagView } from '../domain/image-stream-tag-view.js';

export type ReadResource = 'imagestream' | 'imagestreamtag';

/** What every read verb needs of the AppContext: the repository, its settings and a clock. */
export type ReadContext = Pick<AppContext, 'workspace' | 'settings' | 'clock'>;

/** The inventory a read verb shows: every file it could not use is reported, not only those that could matter. */
export function readInventory(ctx: Pick<AppContext, 'workspace' | 'settings'>): Promise<Inventory> {
  return buildInventory(ctx.workspace, ctx.settings, { parseAll: true });
}

export interface NamespaceSelection {
  /** `-n`; else the repo's default namespace, else `default`. */
  readonly namespace?: string | undefined;
  /** `-A` */
  readonly allNamespaces?: boolean | undefined;
}

export interface GetRequest extends NamespaceSelection {
  readonly resource: ReadResource;
  readonly names: readonly string[];
}

/** What the repository could not use: the inventory's diagnostics and its conflicting definitions. */
export type InventoryProblems = Pick<Inventory, 'diagnostics' | 'conflicts'>;

/** The inventory's problems, as every use case reports them (the entry point prints them as warnings). */
export function inventoryProblems(inventory: Inventory): InventoryProblems {
  return { diagnostics: inventory.diagnostics, conflicts: inventory.conflicts };
}

/** What every read verb reports besides its objects: the inventory's problems and the errors that make it exit 1. */
export interface ReadResult {
  readonly problems: InventoryProblems;
  readonly errors: readonly TagstreamError[];
  /** The namespace read; undefined for all namespaces. */
  readonly namespace: string | undefined;
  /** The names asked for (empty: a list request). */
  readonly names: readonly string[];
  /** When the repository was read (ages are shown relative to it). */
  readonly now: Date;
}

/** One ImageStreamTag found, with the stream that holds it. */
export interface FoundIstag {
  readonly entry: StreamEntry;
  readonly view: IstagView;
}

/** What `get` found: the streams (`is`) or tags (`istag`), in the order the API lists them. */
export interface GetResult extends ReadResult {
  readonly resource: ReadResource;
  readonly streams: readonly StreamEntry[];
  readonly tags: readonly FoundIstag[];
}

const RESOURCE_PLURAL: Record<ReadResource, string> = {
  imagestream: 'imagestreams.image.openshift.io',
  imagestreamtag: 'imagestreamtags.image.openshift.io',
};

/** kubectl's NotFound for a named object. */
export function notFound(resource: ReadResource, name: string): TagstreamError {
  return new TagstreamError('NotFound', `${RESOURCE_PLURAL[resource]} "${name}" not found`);
}

/** The namespace a request reads, or undefined for all namespaces. */
export function selectedNamespace(ctx: Pick<AppContext, 'settings'>, sel: NamespaceSelection): string | undefined {
  if (sel.allNamespaces) return undefined;
  return sel.namespace || ctx.settings.defaultNamespace || 'default';
}

function byNamespaceThenName(a: StreamEntry, b: StreamEntry): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Streams of one namespace (or all), sorted like the API lists them. */
export function streamsIn(inventory: Inventory, namespace: string | undefined): StreamEntry[] {
  return [...inventory.streams.values()].filter((e) => namespace === undefined || e.namespace === namespace).sort(byNamespaceThenName);
}

/** Look one stream up; a name that only exists in conflicting copies says so instead of NotFound. */
export function findStream(inventory: Inventory, namespace: string, name: string): StreamEntry | TagstreamError {
  const entry = inventory.streams.get(`${namespace}/${name}`);
  if (entry) return entry;
  const conflict = inventory.conflicts.find((c) => c.namespace === namespace && c.name === name);
  if (conflict) {
    const files = conflict.sites.map((s) => s.file).join(', ');
    return new TagstreamError('DuplicateObject', `imagestream ${namespace}/${name} is defined in more than one file (${files}); keep one definition`);
  }
  return notFound('imagestream', name);
}

/** Split `stream:tag`; anything else is the API's BadRequest. */
export function istagNameOrError(name: string): StreamTagName | TagstreamError {
  return parseIstagName(name) ?? new TagstreamError('BadRequest', 'ImageStreamTags must be retrieved with <name>:<tag>');
}

/** Look one ImageStreamTag up (NotFound unless items[0] has an image, as the API does). */
export function findIstag(inventory: Inventory, namespace: string, name: string): FoundIstag | TagstreamError {
  const parsed = istagNameOrError(name);
  if (parsed instanceof TagstreamError) return parsed;
  const entry = findStream(inventory, namespace, parsed.stream);
  if (entry instanceof TagstreamError) return entry;
  const view = istagsOf(entry.stream, entry.namespace).find((v) => v.tag === parsed.tag);
  return view ? { entry, view } : notFound('imagestreamtag', name);
}

/** `get is` / `get istag`. */
export async function get(ctx: ReadContext, req: GetRequest): Promise<GetResult> {
  if (req.allNamespaces && req.names.length > 0) {
    throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  }
  const inventory = await readInventory(ctx);
  const errors: TagstreamError[] = [];
  const namespace = selectedNamespace(ctx, req);
  const now = ctx.clock.now();

  const streams: StreamEntry[] = [];
  const tags: FoundIstag[] = [];
  if (req.names.length === 0) {
    streams.push(...streamsIn(inventory, namespace));
    if (req.resource === 'imagestreamtag') {
      for (const e of streams) for (const view of istagsOf(e.stream, e.namespace)) tags.push({ entry: e, view });
    }
  } else {
    for (const name of req.names) {
      const found = req.resource === 'imagestream' ? findStream(inventory, namespace as string, name) : findIstag(inventory, namespace as string, name);
      if (found instanceof TagstreamError) errors.push(found);
      else if ('view' in found) tags.push(found);
      else streams.push(found);
    }
  }
  const problems = inventoryProblems(inventory);
  return { resource: req.resource, streams: req.resource === 'imagestream' ? streams : [], tags, problems, errors, namespace, names: req.names, now };
}
