/**
 * `tagstream describe is/NAME | istag/NAME:TAG`: the objects to describe, from the repository (the
 * CLI prints oc's describe layouts). For an ImageStreamTag the image metadata comes from the
 * registry when allowed and reachable; when it is not, the tag says why (metadataMissing) and what
 * the repository holds is still described.
 */
import type { AppContext } from './app-context.js';
import { errorMessage, TagstreamError, UsageError } from '../errors.js';
import { INSECURE_REPOSITORY_ANNOTATION, findSpecTag } from '../domain/image-stream.js';
import { isParsed } from '../domain/image-reference.js';
import { eventReference } from '../domain/stream-references.js';
import type { StreamEntry } from '../inventory/inventory-model.js';
import type { ImageMetadata } from '../ports/registry.js';
import { istagsOf } from '../domain/image-stream-tag-view.js';
import {
  findIstag,
  findStream,
  inventoryProblems,
  readInventory,
  selectedNamespace,
  streamsIn,
  type FoundIstag,
  type NamespaceSelection,
  type ReadContext,
  type ReadResource,
  type ReadResult,
} from './get.js';

/** The registry is needed for `describe istag` metadata only; absent = offline. */
export type DescribeContext = ReadContext & Partial<Pick<AppContext, 'registry' | 'progress'>>;

export interface DescribeRequest extends NamespaceSelection {
  readonly resource: ReadResource;
  /** Empty: every object of the resource in the selected namespace(s). */
  readonly names: readonly string[];
  /** false (`--no-registry`): never contact a registry. */
  readonly fetchMetadata: boolean;
  /** `--show-managed`: also print Tagstream's bookkeeping annotations (tagstream.io/...). */
  readonly showManaged?: boolean | undefined;
}

/** An ImageStreamTag to describe, with the image metadata the registry gave (or why it gave none). */
export interface DescribedIstag extends FoundIstag {
  readonly metadata?: ImageMetadata | undefined;
  /** Set when metadata was wanted but not fetched. */
  readonly metadataMissing?: { readonly reason: string; readonly from?: string | undefined } | undefined;
}

/** What `describe` found: streams for `is`, tags (with their image metadata) for `istag`. */
export interface DescribeResult extends ReadResult {
  readonly resource: ReadResource;
  readonly streams: readonly StreamEntry[];
  readonly tags: readonly DescribedIstag[];
  /** `--show-managed` */
  readonly showManaged: boolean;
}

/** Describe the named objects (every object of the resource when none is named). */
export async function describe(ctx: DescribeContext, req: DescribeRequest): Promise<DescribeResult> {
  if (req.allNamespaces && req.names.length > 0) {
    throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  }
  const inventory = await readInventory(ctx);
  const errors: TagstreamError[] = [];
  const namespace = selectedNamespace(ctx, req);
  const now = ctx.clock.now();
  const streams: StreamEntry[] = [];
  const tags: DescribedIstag[] = [];

  if (req.resource === 'imagestream') {
    const entries =
      req.names.length === 0
        ? streamsIn(inventory, namespace)
        : req.names.map((n) => findStream(inventory, namespace as string, n));
    for (const e of entries) {
      if (e instanceof TagstreamError) errors.push(e);
      else streams.push(e);
    }
  } else {
    const found =
      req.names.length === 0
        ? streamsIn(inventory, namespace).flatMap((entry) => istagsOf(entry.stream, entry.namespace).map((view) => ({ entry, view })))
        : req.names.map((n) => findIstag(inventory, namespace as string, n));
    for (const f of found) {
      if (f instanceof TagstreamError) {
        errors.push(f);
        continue;
      }
      let metadata: ImageMetadata | undefined;
      let metadataMissing: DescribedIstag['metadataMissing'];
      if (req.fetchMetadata && ctx.registry) {
        const spec = findSpecTag(f.entry.stream, f.view.tag);
        const insecure = spec?.importPolicy?.insecure === true || f.entry.stream.metadata.annotations?.[INSECURE_REPOSITORY_ANNOTATION] === 'true';
        ctx.progress?.(`fetching image metadata for ${f.view.name} ...`);
        try {
          const ref = eventReference(f.view.event);
          if (!isParsed(ref)) throw ref.error;
          metadata = await ctx.registry.inspect(ref, { insecure });
        } catch (e) {
          metadataMissing = { reason: errorMessage(e), from: f.view.event.dockerImageReference };
        }
      } else if (req.fetchMetadata) {
        metadataMissing = { reason: 'no registry client' };
      }
      tags.push({ ...f, metadata, metadataMissing });
    }
  }
  const problems = inventoryProblems(inventory);
  return { resource: req.resource, streams, tags, showManaged: req.showManaged === true, problems, errors, namespace, names: req.names, now };
}
