/**
 * `tagstream image info REF [--filter-by-os os/arch] [-o json]`: what `oc image info` prints,
 * from the registry. An index is described only once a single platform is selected; otherwise
 * the platforms are listed, as oc does.
 */
import type { AppContext } from './app-context.js';
import { CredentialSourceError, errorMessage, isTagstreamError, TagstreamError, UsageError } from '../errors.js';
import { atDigest, parseImageReference, type ImageReference } from '../domain/image-reference.js';
import { platformString } from '../render/describe-image.js';
import { imageInfoJson, manifestListMessage, renderImageInfo } from '../render/image-info.js';
import type { ReadOutput } from './get.js';

export type ImageInfoContext = Pick<AppContext, 'registry' | 'clock'>;

export interface ImageInfoRequest {
  readonly reference: string;
  /** A regular expression matched against `os/arch[/variant]` (oc semantics). */
  readonly filterByOs?: string | undefined;
  readonly output: 'text' | 'json';
  readonly insecure?: boolean | undefined;
}

function registryFailure(reference: string, e: unknown): TagstreamError {
  // The registry was never asked: say what failed rather than "does not exist or no permission".
  if (e instanceof CredentialSourceError) return new TagstreamError(e.code, `unable to read image ${reference}: ${e.message}`, { cause: e });
  if (isTagstreamError(e) && e.code === 'RegistryNotFound') return new TagstreamError('RegistryNotFound', 'image does not exist', { cause: e });
  if (isTagstreamError(e) && (e.code === 'RegistryUnauthorized' || e.code === 'RegistryDenied')) {
    return new TagstreamError(e.code, "image does not exist or you don't have permission to access the repository", { cause: e });
  }
  return new TagstreamError(isTagstreamError(e) ? e.code : 'Internal', `unable to read image ${reference}: ${errorMessage(e)}`, { cause: e });
}

/** Inspect one reference and render it. */
export async function imageInfo(ctx: ImageInfoContext, req: ImageInfoRequest): Promise<ReadOutput> {
  let split: ImageReference;
  try {
    split = parseImageReference(req.reference);
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  if (split.tag === null && split.digest === null) throw new UsageError('--from must point to an image ID or image tag');
  let filter: RegExp | undefined;
  if (req.filterByOs) {
    try {
      filter = new RegExp(req.filterByOs);
    } catch (e) {
      throw new UsageError(`--filter-by-os was not a valid regular expression: ${errorMessage(e)}`);
    }
  }
  const access = { insecure: req.insecure };
  try {
    let meta = await ctx.registry.inspect(split, access);
    let listDigest: string | undefined;
    if (meta.manifests !== undefined) {
      const candidates = meta.manifests.filter(
        (m) => filter === undefined ? meta.manifests?.length === 1 : m.platform !== undefined && filter.test(platformString(m.platform)),
      );
      const only = candidates.length === 1 ? candidates[0] : undefined;
      if (!only) return { stdout: '', stderr: [], errors: [new TagstreamError('Invalid', manifestListMessage(meta.manifests))] };
      listDigest = meta.digest;
      meta = await ctx.registry.inspect(atDigest(split, only.digest), access);
    }
    const input = { name: req.reference, referenceDigest: split.digest, listDigest, meta };
    const stdout = req.output === 'json' ? imageInfoJson(input) : renderImageInfo(input, ctx.clock.now());
    return { stdout, stderr: [], errors: [] };
  } catch (e) {
    return { stdout: '', stderr: [], errors: [registryFailure(req.reference, e)] };
  }
}
