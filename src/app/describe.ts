/**
 * `tagstream describe is/NAME | istag/NAME:TAG`: oc's describe layouts from the repository. For an
 * ImageStreamTag the image metadata comes from the registry when allowed and reachable; when it
 * is not, what the repository holds is printed with a warning saying why.
 */
import type { AppContext } from './app-context.js';
import { errorMessage, TagstreamError, UsageError } from '../errors.js';
import { INSECURE_REPOSITORY_ANNOTATION, findSpecTag } from '../domain/image-stream.js';
import { isParsed } from '../domain/image-reference.js';
import { eventReference } from '../domain/stream-references.js';
import type { ImageMetadata } from '../ports/registry.js';
import { describeImageStreamTag } from '../render/describe-image.js';
import { describeImageStream } from '../render/describe-stream.js';
import { inventoryWarnings } from '../render/diagnostics.js';
import { istagsOf } from '../domain/image-stream-tag-view.js';
import {
  findIstag,
  findStream,
  readInventory,
  selectedNamespace,
  streamsIn,
  type NamespaceSelection,
  type ReadContext,
  type ReadOutput,
  type ReadResource,
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

/** Describe the named objects; several outputs are joined the way kubectl joins them. */
export async function describe(ctx: DescribeContext, req: DescribeRequest): Promise<ReadOutput> {
  if (req.allNamespaces && req.names.length > 0) {
    throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  }
  const inventory = await readInventory(ctx);
  const stderr = inventoryWarnings(inventory);
  const errors: TagstreamError[] = [];
  const namespace = selectedNamespace(ctx, req);
  const now = ctx.clock.now();
  const texts: string[] = [];

  if (req.resource === 'imagestream') {
    const entries =
      req.names.length === 0
        ? streamsIn(inventory, namespace)
        : req.names.map((n) => findStream(inventory, namespace as string, n));
    for (const e of entries) {
      if (e instanceof TagstreamError) errors.push(e);
      else texts.push(describeImageStream(e.stream, e.namespace, now, { showManaged: req.showManaged === true }));
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
      let meta: ImageMetadata | undefined;
      if (req.fetchMetadata && ctx.registry) {
        const spec = findSpecTag(f.entry.stream, f.view.tag);
        const insecure = spec?.importPolicy?.insecure === true || f.entry.stream.metadata.annotations?.[INSECURE_REPOSITORY_ANNOTATION] === 'true';
        ctx.progress?.(`fetching image metadata for ${f.view.name} ...`);
        try {
          const ref = eventReference(f.view.event);
          if (!isParsed(ref)) throw ref.error;
          meta = await ctx.registry.inspect(ref, { insecure });
        } catch (e) {
          stderr.push(`warning: image metadata for ${f.view.name} could not be fetched from ${f.view.event.dockerImageReference}: ${errorMessage(e)}`);
        }
      } else if (req.fetchMetadata) {
        stderr.push(`warning: image metadata for ${f.view.name} was not fetched: no registry client`);
      }
      texts.push(describeImageStreamTag(f.view, meta, now));
    }
  }
  if (req.names.length === 0 && texts.length === 0 && errors.length === 0) {
    stderr.push(namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`);
  }
  return { stdout: texts.join('\n\n'), stderr, errors };
}
