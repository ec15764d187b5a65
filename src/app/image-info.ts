/**
 * `tagstream image info REF [--filter-by-os os/arch] [-o json]`: the image `oc image info` shows,
 * from the registry. An index is described only once a single platform is selected; otherwise
 * its platforms come back for the caller to list, as oc does.
 */
import type { AppContext } from './app-context.js';
import { CredentialSourceError, errorMessage, isTagstreamError, TagstreamError, UsageError } from '../errors.js';
import { atDigest, parseImageReference, type ImageReference } from '../domain/image-reference.js';
import { platformString } from '../domain/platform.js';
import type { ImageManifestEntry, ImageMetadata } from '../ports/registry.js';

export type ImageInfoContext = Pick<AppContext, 'registry' | 'clock'>;

export interface ImageInfoRequest {
  readonly reference: string;
  /** A regular expression matched against `os/arch[/variant]` (oc semantics). */
  readonly filterByOs?: string | undefined;
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

/** The image found, as `oc image info` describes it. */
export interface ImageInfo {
  /** The reference exactly as the user gave it. */
  readonly name: string;
  /** The digest in that reference, when it had one. */
  readonly referenceDigest?: string | null | undefined;
  /** The index the image was picked from (`--filter-by-os`). */
  readonly listDigest?: string | undefined;
  readonly meta: ImageMetadata;
}

/** One image, or the platforms of an index none (or several) of which was selected, or the error. */
export interface ImageInfoResult {
  readonly image?: ImageInfo | undefined;
  /** An index whose platforms matched zero or several times: oc lists them and fails. */
  readonly manifestList?: readonly ImageManifestEntry[] | undefined;
  readonly errors: readonly TagstreamError[];
  /** When the image was read (its age is shown relative to it). */
  readonly now: Date;
}

/** Inspect one reference. */
export async function imageInfo(ctx: ImageInfoContext, req: ImageInfoRequest): Promise<ImageInfoResult> {
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
      if (!only) return { manifestList: meta.manifests, errors: [], now: ctx.clock.now() };
      listDigest = meta.digest;
      meta = await ctx.registry.inspect(atDigest(split, only.digest), access);
    }
    return { image: { name: req.reference, referenceDigest: split.digest, listDigest, meta }, errors: [], now: ctx.clock.now() };
  } catch (e) {
    return { errors: [registryFailure(req.reference, e)], now: ctx.clock.now() };
  }
}
