/**
 * An in-memory RegistryPort holding the deterministic images of test/harness/oci-image.ts: the
 * fake side of the registry contract (test/contracts/registry-port.contract.ts), which checks it
 * answers like the real adapter against docker-registry. Unit tests use it for speed.
 */
import { parseImageReference, referenceText, type ImageReference } from '../../src/domain/image-reference.js';
import { RegistryError, TagstreamError } from '../../src/errors.js';
import type {
  AccessOptions,
  CopyResult,
  ImageMetadata,
  InspectOptions,
  Platform,
  RegistryPort,
  ResolvedImage,
  ResolveOptions,
} from '../../src/ports/registry.js';
import type { TestImage, TestIndex } from '../harness/oci-image.js';

type Stored = TestImage | TestIndex;

interface Repository {
  readonly tags: Map<string, string>;
  readonly manifests: Map<string, Stored>;
  readonly blobs: Set<string>;
}

interface ImageConfig {
  created?: string;
  author?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  config?: { Env?: string[]; Cmd?: string[]; Entrypoint?: string[]; WorkingDir?: string; User?: string; Labels?: Record<string, string> };
}

const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export class MemoryRegistry implements RegistryPort {
  private readonly repositories = new Map<string, Repository>();
  /** Every reference asked of resolve, as written, with its options (what a test may assert on). */
  readonly resolved: { reference: string; options: ResolveOptions }[] = [];
  /** Every copy made, source and destination as written. */
  readonly copies: { source: string; destination: string }[] = [];
  /**
   * References (as written) whose resolve answers 503 Service Unavailable, a transient failure
   * (what test/harness/flaky-proxy.ts does in front of the real registry).
   */
  readonly unavailable = new Set<string>();

  /** Store `image` as `<repository>:<tag>` (what pushImage does against a real registry). */
  push(repository: string, tag: string, image: Stored): void {
    const repo = this.repository(parseImageReference(repository).name, true);
    this.store(repo, image);
    repo.tags.set(tag, image.digest);
  }

  /** The tags of `repository` now (listTags without the port's promise), sorted; [] for none. */
  tags(repository: string): string[] {
    return [...(this.repositories.get(parseImageReference(repository).name)?.tags.keys() ?? [])].sort();
  }

  /** Delete a tag (the manifest stays reachable by digest), as a registry's tag deletion does. */
  untag(repository: string, tag: string): void {
    this.repositories.get(parseImageReference(repository).name)?.tags.delete(tag);
  }

  async resolve(ref: ImageReference, options: ResolveOptions): Promise<ResolvedImage> {
    const reference = referenceText(ref);
    this.resolved.push({ reference, options });
    if (this.unavailable.has(reference)) {
      throw new RegistryError('RegistryTransient', `${reference}: 503 Service Unavailable`, { registry: ref.domain, repository: ref.path, status: 503, retryable: true });
    }
    const top = this.lookup(ref);
    if (top.kind === 'image') return { digest: top.digest, mediaType: top.mediaType };
    if (options.importMode === 'PreserveOriginal') return { digest: top.digest, mediaType: top.mediaType, indexDigest: top.digest };
    const wanted = { os: options.preferOs ?? DEFAULT_PLATFORM.os, architecture: options.preferArch ?? DEFAULT_PLATFORM.architecture };
    const child =
      top.children.find((c) => c.desc.platform?.os === wanted.os && c.desc.platform.architecture === wanted.architecture) ??
      top.children.find((c) => c.desc.platform?.os === DEFAULT_PLATFORM.os && c.desc.platform.architecture === DEFAULT_PLATFORM.architecture);
    if (!child) throw notFound(ref, `index ${ref.name}@${top.digest} has no image manifest for any platform`);
    return { digest: child.digest, mediaType: child.mediaType, indexDigest: top.digest, platform: platformOf(child) };
  }

  async inspect(ref: ImageReference, options: InspectOptions = {}): Promise<ImageMetadata> {
    const top = this.lookup(ref);
    if (top.kind === 'image') return metadataOf(top);
    if (!options.platform) {
      return {
        digest: top.digest,
        mediaType: top.mediaType,
        manifests: top.children.map((c) => ({ digest: c.digest, mediaType: c.mediaType, size: c.manifest.length, platform: platformOf(c) })),
      };
    }
    const wanted = options.platform;
    const child = top.children.find((c) => c.desc.platform?.os === wanted.os && c.desc.platform.architecture === wanted.architecture);
    if (!child) throw notFound(ref, `index ${ref.name}@${top.digest} has no manifest for platform ${wanted.os}/${wanted.architecture}`);
    return metadataOf(child);
  }

  async listTags(ref: ImageReference, _options?: AccessOptions): Promise<string[]> {
    const repo = this.repositories.get(ref.name);
    if (!repo) throw notFound(ref, `repository ${ref.name} not found`);
    return [...repo.tags.keys()].sort();
  }

  async copy(
    source: ImageReference,
    destination: ImageReference,
    options: AccessOptions & { readonly tag?: string | undefined } = {},
  ): Promise<CopyResult> {
    if (destination.tag !== null || destination.digest !== null) {
      throw new TagstreamError('InvalidReference', `copy destination must be a repository without tag or digest, got "${referenceText(destination)}"`);
    }
    const top = this.lookup(source);
    this.copies.push({ source: referenceText(source), destination: referenceText(destination) });
    const dst = this.repository(destination.name, true);
    const result = { digest: top.digest, blobsCopied: 0, blobsSkipped: 0, blobsMounted: 0 };
    for (const image of top.kind === 'image' ? [top] : top.children) {
      for (const blob of image.blobs.keys()) {
        if (dst.blobs.has(blob)) result.blobsSkipped += 1;
        else result.blobsCopied += 1;
      }
    }
    this.store(dst, top);
    if (options.tag) dst.tags.set(options.tag, top.digest);
    return result;
  }

  private repository(name: string, create: boolean): Repository {
    let repo = this.repositories.get(name);
    if (!repo && create) {
      repo = { tags: new Map(), manifests: new Map(), blobs: new Set() };
      this.repositories.set(name, repo);
    }
    if (!repo) throw new Error(`no repository ${name}`);
    return repo;
  }

  private store(repo: Repository, image: Stored): void {
    repo.manifests.set(image.digest, image);
    for (const child of image.kind === 'index' ? image.children : [image]) {
      repo.manifests.set(child.digest, child);
      for (const blob of child.blobs.keys()) repo.blobs.add(blob);
    }
  }

  private lookup(ref: ImageReference): Stored {
    const repo = this.repositories.get(ref.name);
    if (!repo) throw notFound(ref, `repository ${ref.name} not found`);
    const target = ref.digest ?? ref.tag ?? 'latest';
    const digest = ref.digest ?? repo.tags.get(target);
    const found = digest === undefined ? undefined : repo.manifests.get(digest);
    if (!found) throw notFound(ref, ref.digest ? `manifest ${ref.digest} not found in ${ref.name}` : `tag "${target}" not found in ${ref.name}`);
    return found;
  }
}

function notFound(ref: ImageReference, message: string): RegistryError {
  return new RegistryError('RegistryNotFound', message, { registry: ref.domain, repository: ref.path, status: 404 });
}

function platformOf(image: TestImage): Platform | undefined {
  const p = image.desc.platform;
  return p ? { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) } : undefined;
}

function metadataOf(image: TestImage): ImageMetadata {
  const config = JSON.parse(image.config.toString('utf8')) as ImageConfig;
  return {
    digest: image.digest,
    mediaType: image.mediaType,
    created: config.created,
    author: config.author,
    architecture: config.architecture,
    os: config.os,
    variant: config.variant,
    entrypoint: config.config?.Entrypoint,
    cmd: config.config?.Cmd,
    env: config.config?.Env,
    workingDir: config.config?.WorkingDir,
    user: config.config?.User,
    labels: config.config?.Labels,
    layers: image.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: image.mediaType.includes('docker') ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip' })),
    configDigest: image.configDigest,
    size: image.size,
  };
}
