/**
 * `tagstream get is|istag [NAME...]`: list ImageStreams / ImageStreamTags from the repository in
 * oc's shapes (table, wide, name, json, yaml). Reads only; the inventory's diagnostics and
 * conflicts come back as warnings so the caller can print them and still succeed.
 */
import { TagstreamError, UsageError } from '../errors.js';
import { parseIstagName, type StreamTagName } from '../domain/stream-tag-name.js';
import type { Inventory, StreamEntry } from '../inventory/inventory-model.js';
import { buildInventory } from '../inventory/inventory.js';
import type { AppContext } from './app-context.js';
import { inventoryWarnings } from '../render/diagnostics.js';
import { istagObject, listObject, renderNames, renderObject, streamObject } from '../render/object-output.js';
import { imageStreamTable, imageStreamTagTable, type NamespacedStream } from '../render/stream-table.js';
import { istagsOf, type IstagView } from '../domain/image-stream-tag-view.js';
import { renderTable } from '../render/table.js';

export type ReadResource = 'imagestream' | 'imagestreamtag';
export type OutputFormat = 'table' | 'wide' | 'name' | 'json' | 'yaml';

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
  readonly output: OutputFormat;
}

/** What a read verb produced: text for stdout, lines for stderr, and the errors that make it exit 1. */
export interface ReadOutput {
  readonly stdout: string;
  /** `warning: ...` lines and notices such as `No resources found in x namespace.` */
  readonly stderr: readonly string[];
  readonly errors: readonly TagstreamError[];
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
export function findIstag(inventory: Inventory, namespace: string, name: string): { entry: StreamEntry; view: IstagView } | TagstreamError {
  const parsed = istagNameOrError(name);
  if (parsed instanceof TagstreamError) return parsed;
  const entry = findStream(inventory, namespace, parsed.stream);
  if (entry instanceof TagstreamError) return entry;
  const view = istagsOf(entry.stream, entry.namespace).find((v) => v.tag === parsed.tag);
  return view ? { entry, view } : notFound('imagestreamtag', name);
}

function noResources(namespace: string | undefined): string {
  return namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`;
}

/** `get is` / `get istag`. */
export async function get(ctx: ReadContext, req: GetRequest): Promise<ReadOutput> {
  if (req.allNamespaces && req.names.length > 0) {
    throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  }
  const inventory = await readInventory(ctx);
  const stderr = inventoryWarnings(inventory);
  const errors: TagstreamError[] = [];
  const namespace = selectedNamespace(ctx, req);
  const all = namespace === undefined;
  const now = ctx.clock.now();

  const streams: StreamEntry[] = [];
  const tags: { entry: StreamEntry; view: IstagView }[] = [];
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

  const count = req.resource === 'imagestream' ? streams.length : tags.length;
  if (count === 0) {
    if (req.names.length === 0 && (req.output === 'table' || req.output === 'wide')) stderr.push(noResources(namespace));
    // kubectl prints an empty List for -o json/yaml when nothing matched a list request.
    const empty = req.names.length === 0 && (req.output === 'json' || req.output === 'yaml') ? renderObject(listObject([]), req.output) : '';
    return { stdout: empty, stderr, errors };
  }

  let stdout: string;
  switch (req.output) {
    case 'name':
      stdout =
        req.resource === 'imagestream'
          ? renderNames('imagestream', streams.map((s) => s.name))
          : renderNames('imagestreamtag', tags.map((t) => t.view.name));
      break;
    case 'json':
    case 'yaml': {
      const objects =
        req.resource === 'imagestream'
          ? streams.map((s) => streamObject(s.stream, s.namespace))
          : tags.map((t) => istagObject(t.entry.stream, t.view));
      const single = req.names.length === 1 && objects.length === 1 ? objects[0] : undefined;
      stdout = renderObject(single ?? listObject(objects), req.output);
      break;
    }
    default: {
      const table =
        req.resource === 'imagestream'
          ? imageStreamTable(streams.map((s): NamespacedStream => ({ namespace: s.namespace, stream: s.stream })), now, all)
          : imageStreamTagTable(tags.map((t) => t.view), now, all, req.output === 'wide');
      stdout = renderTable(table);
    }
  }
  return { stdout, stderr, errors };
}
