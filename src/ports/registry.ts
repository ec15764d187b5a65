/**
 * What the core needs from container registries. Implemented by adapters/registry (undici) and by
 * in-memory fakes in unit tests. References are ImageReference values, parsed once where they
 * entered (a file, a flag, a registry answer); the port never parses text.
 */
import type { ImageReference } from '../domain/image-reference.js';
import type { ImportMode } from '../domain/image-stream.js';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

export interface AccessOptions {
  /** Allow plain HTTP / unverified TLS for this lookup (importPolicy.insecure). */
  readonly insecure?: boolean | undefined;
}

export interface ResolveOptions extends AccessOptions {
  /** Legacy pins a platform manifest out of an index; PreserveOriginal pins the index. */
  readonly importMode: ImportMode;
  /** importer.image.openshift.io/prefer-arch / prefer-os tag annotations. */
  readonly preferArch?: string | undefined;
  readonly preferOs?: string | undefined;
  /**
   * The digest this tag is pinned to now. A different answer is verified (HEAD by digest) before
   * it is returned, so nothing is pinned that the registry cannot serve; the same answer is not
   * (one HEAD per unchanged tag).
   */
  readonly knownDigest?: string | undefined;
}

export interface ResolvedImage {
  /** The digest to pin (`sha256:...`): platform manifest under Legacy, top level under PreserveOriginal. */
  readonly digest: string;
  readonly mediaType: string;
  /** Digest of the index / manifest list when the tag points at one. */
  readonly indexDigest?: string | undefined;
  /** The platform chosen under Legacy from an index. */
  readonly platform?: Platform | undefined;
}

export interface ImageLayer {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

export interface ImageManifestEntry {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly platform?: Platform | undefined;
}

/** What `describe istag` and `image info` show: config blob + manifest facts. */
export interface ImageMetadata {
  readonly digest: string;
  readonly mediaType: string;
  /** Set for an index / manifest list: its children. */
  readonly manifests?: readonly ImageManifestEntry[] | undefined;
  readonly created?: string | undefined;
  readonly author?: string | undefined;
  readonly architecture?: string | undefined;
  readonly os?: string | undefined;
  readonly variant?: string | undefined;
  readonly entrypoint?: readonly string[] | undefined;
  readonly cmd?: readonly string[] | undefined;
  readonly env?: readonly string[] | undefined;
  readonly workingDir?: string | undefined;
  readonly user?: string | undefined;
  readonly exposedPorts?: readonly string[] | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly volumes?: readonly string[] | undefined;
  readonly layers?: readonly ImageLayer[] | undefined;
  readonly configDigest?: string | undefined;
  /** Config blob length + distinct layer sizes (OpenShift's Image size). */
  readonly size?: number | undefined;
}

export interface InspectOptions extends AccessOptions {
  /** For an index: pick this platform's manifest (`linux/arm64`); default: describe the index. */
  readonly platform?: Platform | undefined;
}

export interface CopyResult {
  readonly digest: string;
  readonly blobsCopied: number;
  readonly blobsSkipped: number;
  readonly blobsMounted: number;
}

export interface RegistryPort {
  /** Tag or digest -> pinned digest, verified to be served (one HEAD for an unchanged tag, cached per run). */
  resolve(reference: ImageReference, options: ResolveOptions): Promise<ResolvedImage>;
  /** Manifest + config blob metadata for a reference (tag or digest). */
  inspect(reference: ImageReference, options?: InspectOptions): Promise<ImageMetadata>;
  /** All tags of a repository (follows pagination); any tag or digest of `repository` is ignored. */
  listTags(repository: ImageReference, options?: AccessOptions): Promise<string[]>;
  /**
   * Copy `source` (repo@digest or repo:tag; a single manifest or an index with every child) to
   * `destinationRepository` (no tag), optionally tagging it. Existing blobs are skipped.
   */
  copy(
    source: ImageReference,
    destinationRepository: ImageReference,
    options?: AccessOptions & { readonly tag?: string | undefined; readonly destinationInsecure?: boolean | undefined },
  ): Promise<CopyResult>;
}
