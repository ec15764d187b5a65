/**
 * RegistryPort over the OCI Distribution API (undici). Resolve = one HEAD with the full Accept
 * set per tag per run; inspect reads the config blob; listTags follows Link pagination; copy moves a
 * manifest or a whole index with streaming blobs. Auth (Basic / Bearer), scheme choice
 * (https, plain http only for loopback or insecure registries), mirrors and per-run caches live here;
 * HTTP mechanics are in ./transport.ts and tokens in ./token-service.ts.
 */
import { RegistryError, TagstreamError } from '../../errors.js';
import {
  isDigest,
  isLoopbackHost,
  parseImageReference,
  type ImageReference,
} from '../../domain/image-reference.js';
import { silentLog, type Log } from '../../ports/log.js';
import type {
  AccessOptions,
  CopyResult,
  ImageLayer,
  ImageMetadata,
  InspectOptions,
  Platform,
  RegistryPort,
  ResolvedImage,
  ResolveOptions,
} from '../../ports/registry.js';
import { parseWwwAuthenticate, preferredChallenge, type AuthChallenge } from './challenge.js';
import { basicAuthorization, type CredentialSource, type RegistryCredential } from './credential-types.js';
import { parseManifest, schema1Error, sha256Digest, type Descriptor, type ParsedManifest } from './manifest.js';
import { MANIFEST_ACCEPT, baseMediaType, isIndexType, isSchema1Type } from './media-types.js';
import { choosePlatformEntry, DEFAULT_PLATFORM, formatPlatform, matchesPlatform } from './platform-choice.js';
import { copyManifestTree, putManifest, type CallRequest, type CopySession } from './image-copy.js';
import { locationOf, normalizeHostEntry, pullLocations, type Location, type RegistryMirror } from './locations.js';
import { responseError } from './response-error.js';
import { nextLink } from './tag-paging.js';
import { TokenService, type TokenRequest } from './token-service.js';
import {
  headerValue,
  isCertificateError,
  isReplayable,
  isTlsProtocolMismatch,
  networkErrorCode,
  Transport,
  type HttpRequest,
  type HttpResponse,
  type RegistryStats,
  type TlsMode,
} from './transport.js';

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
  timeoutMs?: number | undefined;
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

interface Endpoint {
  readonly scheme: 'https' | 'http';
  readonly tls: TlsMode;
  challenge: AuthChallenge | undefined;
}

interface HeadResult {
  readonly digest: string;
  readonly mediaType: string;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxConcurrencyPerRegistry: 8,
  retries: 3,
  maxRetryAfterMs: 60_000,
  retryBaseMs: 250,
  tagsPageSize: 1000,
  userAgent: 'tagstream/0.1 (+https://github.com/tagstream)',
};
const MANIFEST_CACHE_MAX = 2000;
const MAX_TAG_PAGES = 10_000;

export class RegistryClient implements RegistryPort {
  private readonly transport: Transport;
  private readonly tokens: TokenService;
  private readonly log: Log;
  private readonly platform: Platform;
  private readonly insecureHosts: ReadonlySet<string>;
  private readonly tagsPageSize: number;
  private readonly endpoints = new Map<string, Promise<Endpoint>>();
  /** Per run: tag/digest HEAD answers, credential lookups, inspect and tag lists. */
  private heads = new Map<string, Promise<HeadResult>>();
  private credentialsCache = new Map<string, Promise<RegistryCredential | undefined>>();
  private inspections = new Map<string, Promise<ImageMetadata>>();
  private tagLists = new Map<string, Promise<string[]>>();
  /** Content-addressed, so valid across runs (bounded). */
  private readonly manifests = new Map<string, Promise<ParsedManifest>>();

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.log = options.log ?? silentLog;
    this.platform = options.platform ?? DEFAULT_PLATFORM;
    this.insecureHosts = new Set((options.insecureRegistries ?? []).map(normalizeHostEntry));
    this.tagsPageSize = options.tagsPageSize ?? DEFAULTS.tagsPageSize;
    this.transport = new Transport({
      caCertificates: options.caCertificates,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: options.retries ?? DEFAULTS.retries,
      retryBaseMs: options.retryBaseMs ?? DEFAULTS.retryBaseMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
      maxConcurrencyPerRegistry: options.maxConcurrencyPerRegistry ?? DEFAULTS.maxConcurrencyPerRegistry,
      userAgent: options.userAgent ?? DEFAULTS.userAgent,
      log: this.log,
      dispatcher: options.dispatcher as HttpRequestDispatcher,
    });
    this.tokens = new TokenService(this.transport);
  }

  /** Request counters since creation or the last resetStats(). */
  stats(): RegistryStats {
    return structuredClone(this.transport.stats);
  }

  resetStats(): void {
    this.transport.resetStats();
  }

  /** Start a new run: forget per-run answers (tags may have moved); keep tokens and endpoints. */
  newRun(): void {
    this.heads = new Map();
    this.credentialsCache = new Map();
    this.inspections = new Map();
    this.tagLists = new Map();
  }

  /** Release the connection pools. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  // ---------------------------------------------------------------- RegistryPort

  async resolve(reference: string, options: ResolveOptions): Promise<ResolvedImage> {
    const ref = parseImageReference(reference);
    return this.withMirrors(ref, options, async (loc) => {
      const target = ref.digest ?? ref.tag ?? 'latest';
      const head = await this.head(loc, target);
      if (!isIndexType(head.mediaType) || options.importMode === 'PreserveOriginal') {
        return isIndexType(head.mediaType)
          ? { digest: head.digest, mediaType: head.mediaType, indexDigest: head.digest }
          : { digest: head.digest, mediaType: head.mediaType };
      }
      const index = await this.manifest(loc, head.digest);
      const entry = choosePlatformEntry(index.entries ?? [], this.platform, { preferArch: options.preferArch, preferOs: options.preferOs });
      if (!entry) {
        throw new RegistryError('RegistryNotFound', `index ${loc.domain}/${loc.path}@${head.digest} has no image manifest for any platform`, {
          registry: loc.domain,
          repository: loc.path,
        });
      }
      return { digest: entry.digest, mediaType: entry.mediaType, indexDigest: head.digest, platform: entry.platform };
    });
  }

  async inspect(reference: string, options: InspectOptions = {}): Promise<ImageMetadata> {
    const ref = parseImageReference(reference);
    const key = `${ref.name}|${ref.tag ?? ''}|${ref.digest ?? ''}|${options.platform ? formatPlatform(options.platform) : ''}|${options.insecure ? 1 : 0}`;
    return this.once(this.inspections, key, () =>
      this.withMirrors(ref, options, async (loc) => {
        const target = ref.digest ?? ref.tag ?? 'latest';
        const top = await this.manifestAt(loc, target);
        if (!top.entries) return this.describeImage(loc, top);
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
        return this.describeImage(loc, await this.manifest(loc, entry.digest));
      }),
    );
  }

  async listTags(repository: string, options: AccessOptions = {}): Promise<string[]> {
    const ref = parseImageReference(repository);
    const key = `${ref.name}|${options.insecure ? 1 : 0}`;
    const tags = await this.once(this.tagLists, key, () => this.withMirrors(ref, options, (loc) => this.fetchTags(loc)));
    return [...tags];
  }

  async copy(
    source: string,
    destinationRepository: string,
    options: AccessOptions & { readonly tag?: string | undefined; readonly destinationInsecure?: boolean | undefined } = {},
  ): Promise<CopyResult> {
    const src = parseImageReference(source);
    const dstRef = parseImageReference(destinationRepository);
    if (dstRef.tag !== null || dstRef.digest !== null) {
      throw new TagstreamError('InvalidReference', `copy destination must be a repository without tag or digest, got "${destinationRepository}"`);
    }
    const dst = this.location(dstRef, options.destinationInsecure ?? false);
    return this.withMirrors(src, options, async (loc) => {
      const target = src.digest ?? src.tag ?? 'latest';
      const top = await this.manifestAt(loc, target);
      const result = { digest: top.digest, blobsCopied: 0, blobsSkipped: 0, blobsMounted: 0 };
      const session: CopySession = {
        call: (l, r) => this.call(l, r),
        manifest: (l, d) => this.manifest(l, d),
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
  private async withMirrors<T>(ref: ImageReference, access: AccessOptions, fn: (loc: Location) => Promise<T>): Promise<T> {
    const locs = pullLocations(ref, this.options.mirrors ?? [], access.insecure ?? false, this.insecureHosts);
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

  /** Scheme, TLS mode and auth challenge of a host, found once by pinging /v2/. */
  private endpoint(loc: Location): Promise<Endpoint> {
    return this.once(this.endpoints, `${loc.host}|${loc.insecure ? 1 : 0}`, () => this.probe(loc));
  }

  private async probe(loc: Location): Promise<Endpoint> {
    const plainAllowed = loc.insecure || isLoopbackHost(loc.host);
    const tls: TlsMode = loc.insecure ? 'unverified' : 'verified';
    try {
      return await this.ping(loc, 'https', tls);
    } catch (e) {
      const cause = e instanceof RegistryError ? (e.cause ?? e) : e;
      if (!plainAllowed) {
        const code = networkErrorCode(cause);
        if (code.startsWith('ERR_SSL_') || code === 'EPROTO') {
          throw new RegistryError('RegistryInsecure', `${loc.host} does not speak TLS (${code}): plain HTTP is used only for loopback registries or registries marked insecure`, {
            registry: loc.domain,
            repository: loc.path,
            cause,
          });
        }
        throw e;
      }
      // A loopback registry with an untrusted certificate is still a TLS registry: do not downgrade.
      if (isCertificateError(cause) || (e instanceof RegistryError && e.code === 'RegistryInsecure')) throw e;
      if (!isTlsProtocolMismatch(cause) && !(e instanceof RegistryError && e.code === 'RegistryTransient')) throw e;
      this.log.debug('registry does not speak TLS, using plain HTTP', { host: loc.host });
      return this.ping(loc, 'http', tls);
    }
  }

  private async ping(loc: Location, scheme: 'https' | 'http', tls: TlsMode): Promise<Endpoint> {
    const res = await this.transport.send({
      url: new URL(`${scheme}://${loc.host}/v2/`),
      method: 'GET',
      kind: 'ping',
      tls,
      registry: loc.domain,
      repository: loc.path,
      // One attempt: a TLS-vs-plain mismatch must fall through to http quickly.
      noRetry: scheme === 'https' && (loc.insecure || isLoopbackHost(loc.host)),
    });
    if (res.status === 401) return { scheme, tls, challenge: preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate'])) };
    if (res.status >= 200 && res.status < 300) return { scheme, tls, challenge: undefined };
    // Some registries answer 404 on /v2/; challenges are then learnt from the first real 401.
    if (res.status === 404) return { scheme, tls, challenge: undefined };
    throw responseError(res, { registry: loc.domain, repository: loc.path, subject: 'API version check' });
  }

  // ---------------------------------------------------------------- auth

  private credential(loc: Location): Promise<RegistryCredential | undefined> {
    const source = this.options.credentials;
    if (!source) return Promise.resolve(undefined);
    return this.once(this.credentialsCache, `${loc.domain}|${loc.path}`, () => source(loc.domain, loc.path));
  }

  private tokenRequest(loc: Location, endpoint: Endpoint, scopes: readonly string[], credential: RegistryCredential | undefined): TokenRequest {
    const challenge = endpoint.challenge;
    const realm = challenge?.params.realm ?? '';
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new RegistryError('RegistryProtocol', `${loc.domain} sent a Bearer challenge without a usable realm`, { registry: loc.domain, repository: loc.path });
    }
    if (realmUrl.protocol !== 'https:') {
      const realmHost = realmUrl.host;
      const trusted = loc.insecure || isLoopbackHost(realmHost) || this.insecureHosts.has(realmHost);
      if (realmUrl.protocol !== 'http:' || !trusted) {
        throw new RegistryError('RegistryInsecure', `${loc.domain} names a token realm that is not https (${realmUrl.protocol}//${realmHost}); mark the registry insecure to allow it`, {
          registry: loc.domain,
          repository: loc.path,
        });
      }
    }
    return {
      realm,
      service: challenge?.params.service,
      scopes,
      credential,
      tls: endpoint.tls,
      registry: loc.domain,
      repository: loc.path,
    };
  }

  /** The Authorization header for a request to `loc` needing `scopes`, or undefined (anonymous). */
  private async authorization(loc: Location, endpoint: Endpoint, scopes: readonly string[]): Promise<string | undefined> {
    const challenge = endpoint.challenge;
    if (!challenge) return undefined;
    const credential = await this.credential(loc);
    if (challenge.scheme === 'basic') {
      if (credential?.username === undefined || credential.password === undefined) return undefined;
      return basicAuthorization(credential.username, credential.password);
    }
    if (challenge.scheme !== 'bearer') return undefined;
    if (credential?.registryToken) return `Bearer ${credential.registryToken}`;
    return `Bearer ${await this.tokens.token(this.tokenRequest(loc, endpoint, scopes, credential))}`;
  }

  /**
   * One authenticated request to the registry of `loc`. On 401 it learns the challenge (a new
   * scope on insufficient_scope, or a challenge the ping did not show), fetches a token once more
   * and retries once when the body can be replayed.
   */
  private async call(
    loc: Location,
    req: CallRequest,
  ): Promise<HttpResponse> {
    const endpoint = await this.endpoint(loc);
    let scopes = [`repository:${loc.path}:${req.actions ?? 'pull'}`, ...(req.extraScopes ?? [])];
    const build = (authorization: string | undefined): HttpRequest => ({
      url: new URL(`${endpoint.scheme}://${loc.host}${req.path}`),
      method: req.method,
      kind: req.kind,
      headers: { ...(req.headers ?? {}), ...(authorization ? { authorization } : {}) },
      body: req.body,
      tls: endpoint.tls,
      registry: loc.domain,
      repository: loc.path,
      stream: req.stream,
      followRedirects: req.followRedirects,
      maxBodyBytes: req.maxBodyBytes,
    });
    const authorization = await this.authorization(loc, endpoint, scopes);
    const res = await this.transport.send(build(authorization));
    if (res.status !== 401) return res;
    const replayable = isReplayable(req.body);
    const challenge = preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
    if (!replayable || !challenge) return res;
    const credential = await this.credential(loc);
    if (challenge.scheme === 'basic' && (endpoint.challenge?.scheme === 'basic' || credential?.username === undefined)) return res;
    if (challenge.scheme === 'bearer' && endpoint.challenge?.scheme === 'bearer') {
      const grown = (challenge.params.scope ?? '').split(' ').filter((s) => s && !scopes.includes(s));
      if (authorization?.startsWith('Bearer ') && !credential?.registryToken) {
        this.tokens.invalidate(this.tokenRequest(loc, endpoint, scopes, credential));
      }
      if (challenge.params.error === 'insufficient_scope' && grown.length === 0 && !authorization) return res;
      scopes = [...scopes, ...grown];
    }
    endpoint.challenge = challenge;
    const retryAuth = await this.authorization(loc, endpoint, scopes);
    if (retryAuth === undefined || retryAuth === authorization) return res;
    return this.transport.send(build(retryAuth));
  }

  // ---------------------------------------------------------------- manifests

  /** HEAD a tag or digest (once per run); falls back to GET when the digest header is missing. */
  private head(loc: Location, target: string): Promise<HeadResult> {
    const key = `${loc.host}|${loc.path}|${target}|${loc.insecure ? 1 : 0}`;
    return this.once(this.heads, key, async () => {
      const res = await this.call(loc, { method: 'HEAD', kind: 'manifestHead', path: `/v2/${loc.path}/manifests/${target}`, headers: { accept: MANIFEST_ACCEPT } });
      if (res.status === 404) {
        // HEAD has no body; one GET tells "no such repository" from "no such tag".
        return this.fail(loc, await this.manifestRequest(loc, target), target);
      }
      if (res.status === 405 || res.status === 501) {
        // A registry without HEAD support: GET and hash.
        const m = await this.manifestAt(loc, target);
        return { digest: m.digest, mediaType: m.mediaType };
      }
      if (res.status !== 200) return this.fail(loc, res, target);
      const mediaType = baseMediaType(headerValue(res.headers, 'content-type'));
      if (isSchema1Type(mediaType)) throw schema1Error({ registry: loc.domain, repository: loc.path, reference: target });
      const digest = headerValue(res.headers, 'docker-content-digest');
      if (digest && isDigest(digest) && (!isDigest(target) || digest === target)) {
        if (mediaType) return { digest, mediaType };
        // No Content-Type on HEAD: the manifest itself says whether it is an index.
        const m = await this.manifest(loc, digest);
        return { digest, mediaType: m.mediaType };
      }
      // No (usable) digest header: GET and hash the exact bytes.
      const m = await this.manifestAt(loc, target);
      return { digest: m.digest, mediaType: m.mediaType };
    });
  }

  private manifestRequest(loc: Location, target: string): Promise<HttpResponse> {
    return this.call(loc, {
      method: 'GET',
      kind: 'manifestGet',
      path: `/v2/${loc.path}/manifests/${target}`,
      headers: { accept: MANIFEST_ACCEPT },
      maxBodyBytes: 8 * 1024 * 1024,
    });
  }

  private fail(loc: Location, res: HttpResponse, target: string): never {
    const subject = isDigest(target) ? `manifest ${target}` : `tag "${target}"`;
    throw responseError(res, { registry: loc.domain, repository: loc.path, subject });
  }

  /** The manifest a tag or digest names: by digest from the cache, by tag fetched and verified. */
  private manifestAt(loc: Location, target: string): Promise<ParsedManifest> {
    return isDigest(target) ? this.manifest(loc, target) : this.manifestByTag(loc, target);
  }

  /** GET by tag: verified against the digest the registry claims. */
  private async manifestByTag(loc: Location, tag: string): Promise<ParsedManifest> {
    const res = await this.manifestRequest(loc, tag);
    if (res.status !== 200) this.fail(loc, res, tag);
    const claimed = headerValue(res.headers, 'docker-content-digest');
    const parsed = parseManifest(res.body, headerValue(res.headers, 'content-type'), claimed, { registry: loc.domain, repository: loc.path, reference: tag });
    this.remember(loc, parsed);
    return parsed;
  }

  /** GET by digest, cached (content-addressed), verified against the digest asked for. */
  private manifest(loc: Location, digest: string): Promise<ParsedManifest> {
    const key = `${loc.host}|${loc.path}|${digest}`;
    const hit = this.manifests.get(key);
    if (hit) return hit;
    const p = (async () => {
      const res = await this.manifestRequest(loc, digest);
      if (res.status !== 200) this.fail(loc, res, digest);
      return parseManifest(res.body, headerValue(res.headers, 'content-type'), digest, { registry: loc.domain, repository: loc.path, reference: digest });
    })();
    this.cacheManifest(key, p);
    return p;
  }

  private remember(loc: Location, parsed: ParsedManifest): void {
    this.cacheManifest(`${loc.host}|${loc.path}|${parsed.digest}`, Promise.resolve(parsed));
  }

  private cacheManifest(key: string, p: Promise<ParsedManifest>): void {
    p.catch(() => this.manifests.delete(key));
    if (this.manifests.size >= MANIFEST_CACHE_MAX) {
      const oldest = this.manifests.keys().next().value;
      if (oldest !== undefined) this.manifests.delete(oldest);
    }
    this.manifests.set(key, p);
  }

  // ---------------------------------------------------------------- inspect

  private async describeImage(loc: Location, m: ParsedManifest): Promise<ImageMetadata> {
    const config = m.config;
    if (!config) throw new RegistryError('RegistryProtocol', `${m.digest} is not an image manifest`, { registry: loc.domain, repository: loc.path });
    const blob = await this.blob(loc, config);
    let json: { created?: unknown; author?: unknown; architecture?: unknown; os?: unknown; variant?: unknown; config?: Record<string, unknown> };
    try {
      json = JSON.parse(blob.toString('utf8')) as typeof json;
    } catch {
      throw new RegistryError('RegistryProtocol', `config blob ${config.digest} of ${loc.domain}/${loc.path} is not valid JSON`, { registry: loc.domain, repository: loc.path });
    }
    const c = json.config ?? {};
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
    const keys = (v: unknown): string[] | undefined => (v && typeof v === 'object' ? Object.keys(v).sort() : undefined);
    const layers: ImageLayer[] = (m.layers ?? []).map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }));
    const distinct = new Map(layers.map((l) => [l.digest, l.size]));
    const labels = c.Labels && typeof c.Labels === 'object' ? (c.Labels as Record<string, string>) : undefined;
    return {
      digest: m.digest,
      mediaType: m.mediaType,
      created: str(json.created),
      author: str(json.author),
      architecture: str(json.architecture),
      os: str(json.os),
      variant: str(json.variant),
      entrypoint: list(c.Entrypoint),
      cmd: list(c.Cmd),
      env: list(c.Env),
      workingDir: str(c.WorkingDir),
      user: str(c.User),
      exposedPorts: keys(c.ExposedPorts),
      labels,
      volumes: keys(c.Volumes),
      layers,
      configDigest: config.digest,
      size: blob.length + [...distinct.values()].reduce((a, b) => a + b, 0),
    };
  }

  /** GET a (small) blob, following redirects without credentials, verified against its digest. */
  private async blob(loc: Location, d: Descriptor): Promise<Buffer> {
    const res = await this.call(loc, { method: 'GET', kind: 'blobGet', path: `/v2/${loc.path}/blobs/${d.digest}`, followRedirects: true, maxBodyBytes: 32 * 1024 * 1024 });
    if (res.status !== 200) throw responseError(res, { registry: loc.domain, repository: loc.path, subject: `blob ${d.digest}` });
    const actual = sha256Digest(res.body);
    if (d.digest.startsWith('sha256:') && actual !== d.digest) {
      throw new RegistryError('RegistryProtocol', `content integrity error: blob ${d.digest} of ${loc.domain}/${loc.path} hashes to ${actual}`, {
        registry: loc.domain,
        repository: loc.path,
      });
    }
    return res.body;
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

  // ---------------------------------------------------------------- helpers

  /** Identical lookups share one promise while the map is kept; failures are not remembered. */
  private once<T>(map: Map<string, Promise<T>>, key: string, fn: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = fn();
      map.set(key, p);
      p.catch(() => {
        if (map.get(key) === p) map.delete(key);
      });
    }
    return p;
  }
}

type HttpRequestDispatcher = ConstructorParameters<typeof Transport>[0]['dispatcher'];

/** Build a registry client (implements RegistryPort). */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient(options);
}

