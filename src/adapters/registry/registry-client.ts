/**
 * RegistryPort over the OCI Distribution API (undici). Resolve = one HEAD with the full Accept
 * set per tag per run; inspect reads the config blob; listTags follows Link pagination; copy moves a
 * manifest or a whole index with streaming blobs. Mirrors and the per-run inspect/tag caches live
 * here; endpoints (scheme choice) in ./endpoint.ts, auth in ./registry-auth.ts, manifests and their
 * cache in ./manifest-cache.ts, config-blob reading in ./image-inspect.ts, HTTP mechanics in
 * ./transport.ts and tokens in ./token-service.ts.
 */
import { RegistryError, TagstreamError } from '../../errors.js';
import { referenceText, type ImageReference } from '../../domain/image-reference.js';
import { silentLog, type Log } from '../../ports/log.js';
import type {
  AccessOptions,
  CopyResult,
  ImageMetadata,
  InspectOptions,
  Platform,
  RegistryPort,
  ResolvedImage,
  ResolveOptions,
} from '../../ports/registry.js';
import type { CredentialSource } from './credentials/credential-types.js';
import { Endpoints } from './endpoint.js';
import { describeImage } from './image-inspect.js';
import { copyManifestTree, putManifest, type CallRequest, type CopySession } from './image-copy.js';
import { locationOf, normalizeHostEntry, pullLocations, type Location, type RegistryMirror } from './locations.js';
import { ManifestCache } from './manifest-cache.js';
import { isIndexType } from './media-types.js';
import { Limiter } from './limiter.js';
import { choosePlatformEntry, DEFAULT_PLATFORM, formatPlatform, matchesPlatform } from './platform-choice.js';
import { RegistryAuth } from './registry-auth.js';
import { once } from './once.js';
import { responseError } from './response-error.js';
import { nextLink } from './tag-paging.js';
import { TokenService } from './token-service.js';
import { Transport, type HttpResponse, type RegistryStats } from './transport.js';

export interface RegistryClientOptions {
  credentials?: CredentialSource | undefined;
  /** Extra PEM CAs; TLS is verified by default. */
  caCertificates?: string[] | undefined;
  /** Default linux/amd64 (the Legacy choice after the prefer-arch/os annotations). */
  platform?: Platform | undefined;
  /** Pull `source` prefixes from `mirror` first (OpenShift ImageContentSourcePolicy semantics). */
  mirrors?: RegistryMirror[] | undefined;
  /** Hosts (host[:port]) allowed plain HTTP / unverified TLS besides loopback. */
  insecureRegistries?: string[] | undefined;
  /** Idle timeout (connect, headers, between body chunks). Default 30 s. */
  timeoutMs?: number | undefined;
  /** Total deadline of one request, retries included (TAGSTREAM_REGISTRY_TIMEOUT). Default 60 s. */
  requestTimeoutMs?: number | undefined;
  /** Bound on all requests of one run, restarted by newRun() (TAGSTREAM_RUN_TIMEOUT). Default 15 min. */
  runTimeoutMs?: number | undefined;
  maxConcurrencyPerRegistry?: number | undefined;
  retries?: number | undefined;
  maxRetryAfterMs?: number | undefined;
  /** First backoff step (doubles per retry, with jitter). Default 250 ms. */
  retryBaseMs?: number | undefined;
  /** Page size asked of tags/list. Default 1000 (ECR refuses more). */
  tagsPageSize?: number | undefined;
  log?: Log | undefined;
  userAgent?: string | undefined;
  /** Optional undici Dispatcher injection for tests. */
  dispatcher?: unknown;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  runTimeoutMs: 15 * 60_000,
  maxConcurrencyPerRegistry: 8,
  retries: 3,
  maxRetryAfterMs: 60_000,
  retryBaseMs: 250,
  tagsPageSize: 1000,
  userAgent: 'tagstream/0.1 (+https://github.com/tagstream)',
};
const MAX_TAG_PAGES = 10_000;

export class RegistryClient implements RegistryPort {
  private readonly transport: Transport;
  private readonly log: Log;
  private readonly platform: Platform;
  private readonly insecureHosts: ReadonlySet<string>;
  private readonly tagsPageSize: number;
  private readonly endpoints: Endpoints;
  private readonly auth: RegistryAuth;
  private readonly manifests: ManifestCache;
  /** Per run: inspect answers and tag lists. */
  private inspections = new Map<string, Promise<ImageMetadata>>();
  private tagLists = new Map<string, Promise<string[]>>();
  /** Resolves running per registry (see resolve). */
  private readonly admissions = new Map<string, Limiter>();
  private readonly maxConcurrency: number;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.log = options.log ?? silentLog;
    this.platform = options.platform ?? DEFAULT_PLATFORM;
    this.insecureHosts = new Set((options.insecureRegistries ?? []).map(normalizeHostEntry));
    this.tagsPageSize = options.tagsPageSize ?? DEFAULTS.tagsPageSize;
    this.maxConcurrency = Math.max(1, options.maxConcurrencyPerRegistry ?? DEFAULTS.maxConcurrencyPerRegistry);
    this.transport = new Transport({
      caCertificates: options.caCertificates,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      runTimeoutMs: options.runTimeoutMs ?? DEFAULTS.runTimeoutMs,
      retries: options.retries ?? DEFAULTS.retries,
      retryBaseMs: options.retryBaseMs ?? DEFAULTS.retryBaseMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
      maxConcurrencyPerRegistry: this.maxConcurrency,
      userAgent: options.userAgent ?? DEFAULTS.userAgent,
      log: this.log,
      dispatcher: options.dispatcher as HttpRequestDispatcher,
    });
    this.endpoints = new Endpoints(this.transport, this.log);
    this.auth = new RegistryAuth(this.transport, new TokenService(this.transport), this.endpoints, options.credentials, this.insecureHosts);
    this.manifests = new ManifestCache((loc, req) => this.call(loc, req));
  }

  /** Request counters since creation or the last resetStats(). */
  stats(): RegistryStats {
    return structuredClone(this.transport.stats);
  }

  resetStats(): void {
    this.transport.resetStats();
  }

  /** Start a new run: forget per-run answers (tags may have moved), restart the run bound; keep tokens and endpoints. */
  newRun(): void {
    this.transport.startRun();
    this.manifests.newRun();
    this.auth.newRun();
    this.inspections = new Map();
    this.tagLists = new Map();
  }

  /** Release the connection pools. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  // ---------------------------------------------------------------- RegistryPort

  /**
   * At most maxConcurrencyPerRegistry resolves of one registry run at once; the others wait for a
   * slot as one closure each (#16). A reconcile asks for every tag at once: before this, each of
   * thousands of asks was a chain of suspended calls holding its request (and the start of its
   * deadline) while the transport's limiter queued it. Now a request is built, and its deadline
   * starts, when it can be sent.
   */
  resolve(ref: ImageReference, options: ResolveOptions): Promise<ResolvedImage> {
    const gate = this.admission(ref.domain);
    if (gate.tryAcquire()) return this.admitted(gate, ref, options);
    return gate.wait().then(() => this.admitted(gate, ref, options));
  }

  private admission(domain: string): Limiter {
    let gate = this.admissions.get(domain);
    if (gate === undefined) {
      gate = new Limiter(this.maxConcurrency);
      this.admissions.set(domain, gate);
    }
    return gate;
  }

  /** Run an admitted resolve; its slot is released when it settles. */
  private admitted(gate: Limiter, ref: ImageReference, options: ResolveOptions): Promise<ResolvedImage> {
    let answer: Promise<ResolvedImage>;
    try {
      answer = this.resolveNow(ref, options);
    } catch (e) {
      gate.release();
      return Promise.reject(e);
    }
    const release = (): void => gate.release();
    answer.then(release, release);
    return answer;
  }

  private resolveNow(ref: ImageReference, options: ResolveOptions): Promise<ResolvedImage> {
    // not async itself: the promise withMirrors gives is the answer (one HEAD per tag, #16)
    return this.withMirrors(ref, options, async (loc) => {
      const target = ref.digest ?? ref.tag ?? 'latest';
      const head = await this.manifests.head(loc, target);
      if (!isIndexType(head.mediaType) || options.importMode === 'PreserveOriginal') {
        if (head.digest !== options.knownDigest) await this.verifyServed(loc, target, head.digest);
        return isIndexType(head.mediaType)
          ? { digest: head.digest, mediaType: head.mediaType, indexDigest: head.digest }
          : { digest: head.digest, mediaType: head.mediaType };
      }
      const index = await this.manifests.manifest(loc, head.digest);
      const entry = choosePlatformEntry(index.entries ?? [], this.platform, { preferArch: options.preferArch, preferOs: options.preferOs });
      if (!entry) {
        throw new RegistryError('RegistryNotFound', `index ${loc.domain}/${loc.path}@${head.digest} has no image manifest for any platform`, {
          registry: loc.domain,
          repository: loc.path,
        });
      }
      if (entry.digest !== options.knownDigest) await this.verifyServed(loc, target, entry.digest);
      return { digest: entry.digest, mediaType: entry.mediaType, indexDigest: head.digest, platform: entry.platform };
    });
  }

  /**
   * The cheapest proof that `digest` (what `target` was answered with) can be pulled: a HEAD by
   * digest (once per run; a GET verifying the bytes when the registry's answer is not conclusive).
   * A tag naming a manifest the registry does not serve (a lying proxy, a replica that lags) is a
   * transient failure of that tag: nothing is pinned and the next run asks again.
   */
  private async verifyServed(loc: Location, target: string, digest: string): Promise<void> {
    // asked by digest, the HEAD by digest was the proof; bytes fetched and hashed in this run are one too
    if (digest === target || this.manifests.servedThisRun(loc, digest)) return;
    try {
      await this.manifests.head(loc, digest);
    } catch (e) {
      if (!(e instanceof RegistryError) || e.code !== 'RegistryNotFound') throw e;
      throw new RegistryError(
        'RegistryTransient',
        `${loc.domain}/${loc.path}:${target} names manifest ${digest}, which the registry does not serve (not found by digest); not pinned`,
        { registry: loc.domain, repository: loc.path, status: e.status, retryable: true, cause: e },
      );
    }
  }

  async inspect(ref: ImageReference, options: InspectOptions = {}): Promise<ImageMetadata> {
    const key = `${ref.name}|${ref.tag ?? ''}|${ref.digest ?? ''}|${options.platform ? formatPlatform(options.platform) : ''}|${options.insecure ? 1 : 0}`;
    return once(this.inspections, key, () =>
      this.withMirrors(ref, options, async (loc) => {
        const target = ref.digest ?? ref.tag ?? 'latest';
        const top = await this.manifests.manifestAt(loc, target);
        if (!top.entries) return describeImage(this.call.bind(this), loc, top);
        if (!options.platform) {
          return {
            digest: top.digest,
            mediaType: top.mediaType,
            manifests: top.entries.map((e) => ({ digest: e.digest, mediaType: e.mediaType, size: e.size, platform: e.platform })),
          };
        }
        const wanted = options.platform;
        const entry = top.entries.find((e) => matchesPlatform(e, wanted));
        if (!entry) {
          throw new RegistryError('RegistryNotFound', `index ${loc.domain}/${loc.path}@${top.digest} has no manifest for platform ${formatPlatform(wanted)}`, {
            registry: loc.domain,
            repository: loc.path,
          });
        }
        return describeImage(this.call.bind(this), loc, await this.manifests.manifest(loc, entry.digest));
      }),
    );
  }

  async listTags(ref: ImageReference, options: AccessOptions = {}): Promise<string[]> {
    const key = `${ref.name}|${options.insecure ? 1 : 0}`;
    const tags = await once(this.tagLists, key, () => this.withMirrors(ref, options, (loc) => this.fetchTags(loc)));
    return [...tags];
  }

  async copy(
    src: ImageReference,
    dstRef: ImageReference,
    options: AccessOptions & { readonly tag?: string | undefined; readonly destinationInsecure?: boolean | undefined } = {},
  ): Promise<CopyResult> {
    if (dstRef.tag !== null || dstRef.digest !== null) {
      throw new TagstreamError('InvalidReference', `copy destination must be a repository without tag or digest, got "${referenceText(dstRef)}"`);
    }
    const dst = this.location(dstRef, options.destinationInsecure ?? false);
    return this.withMirrors(src, options, async (loc) => {
      const target = src.digest ?? src.tag ?? 'latest';
      const top = await this.manifests.manifestAt(loc, target);
      const result = { digest: top.digest, blobsCopied: 0, blobsSkipped: 0, blobsMounted: 0 };
      const session: CopySession = {
        call: (l, r) => this.call(l, r),
        manifest: (l, d) => this.manifests.manifest(l, d),
        scheme: async (l) => (await this.endpoint(l)).scheme,
      };
      await copyManifestTree(session, loc, dst, top, result);
      if (options.tag) await putManifest(session, dst, options.tag, top);
      return result;
    });
  }

  // ---------------------------------------------------------------- locations, mirrors, endpoints

  private location(ref: Pick<ImageReference, 'domain' | 'path'>, insecure: boolean): Location {
    return locationOf(ref, insecure, this.insecureHosts);
  }

  /** Try the mirrors, then the source; the source's error wins when all fail. */
  private withMirrors<T>(ref: ImageReference, access: AccessOptions, fn: (loc: Location) => Promise<T>): Promise<T> {
    // no mirrors configured: the source only (the common case, one call per HEAD: no promise of its own)
    if (!this.options.mirrors?.length) return fn(this.location(ref, access.insecure ?? false));
    return this.throughMirrors(ref, this.options.mirrors, access, fn);
  }

  private async throughMirrors<T>(ref: ImageReference, mirrors: readonly RegistryMirror[], access: AccessOptions, fn: (loc: Location) => Promise<T>): Promise<T> {
    const locs = pullLocations(ref, mirrors, access.insecure ?? false, this.insecureHosts);
    let lastError: unknown;
    for (const [i, loc] of locs.entries()) {
      try {
        return await fn(loc);
      } catch (e) {
        lastError = e;
        if (i === locs.length - 1 || !(e instanceof RegistryError)) throw e;
        this.log.debug('mirror failed, trying the next source', { mirror: `${loc.domain}/${loc.path}`, code: e.code });
      }
    }
    throw lastError;
  }

  private call(loc: Location, req: CallRequest): Promise<HttpResponse> {
    return this.auth.call(loc, req);
  }

  private endpoint(loc: Location): ReturnType<Endpoints['endpoint']> {
    return this.endpoints.endpoint(loc);
  }

  // ---------------------------------------------------------------- tags

  private async fetchTags(loc: Location): Promise<string[]> {
    const endpoint = await this.endpoint(loc);
    const base = new URL(`${endpoint.scheme}://${loc.host}/v2/${loc.path}/tags/list`);
    base.searchParams.set('n', String(this.tagsPageSize));
    let next: URL | undefined = base;
    const tags: string[] = [];
    const seen = new Set<string>();
    for (let page = 0; next && page < MAX_TAG_PAGES; page++) {
      if (seen.has(next.href)) break; // a registry that links a page to itself
      seen.add(next.href);
      const current: URL = next;
      const res = await this.call(loc, { method: 'GET', kind: 'tagsList', path: `${current.pathname}${current.search}` });
      if (res.status !== 200) throw responseError(res, { registry: loc.domain, repository: loc.path, subject: 'tag list' });
      let body: { tags?: unknown };
      try {
        body = JSON.parse(res.body.toString('utf8')) as typeof body;
      } catch {
        throw new RegistryError('RegistryProtocol', `tag list of ${loc.domain}/${loc.path} is not valid JSON`, { registry: loc.domain, repository: loc.path });
      }
      if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') tags.push(t);
      next = nextLink(res.headers.link, current, loc);
    }
    return tags;
  }

}

type HttpRequestDispatcher = ConstructorParameters<typeof Transport>[0]['dispatcher'];

/** Build a registry client (implements RegistryPort). */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient(options);
}

