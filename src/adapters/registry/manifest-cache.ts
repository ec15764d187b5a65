/**
 * Manifests of a registry, fetched and verified: HEAD answers per run (one HEAD per tag per run),
 * GET by tag verified against the claimed digest, GET by digest cached across runs
 * (content-addressed, bounded).
 */
import { isDigest } from '../../domain/image-reference.js';
import type { CallRequest } from './image-copy.js';
import type { Location } from './locations.js';
import { parseManifest, schema1Error, type ParsedManifest } from './manifest.js';
import { MANIFEST_ACCEPT, baseMediaType, isSchema1Type } from './media-types.js';
import { once } from './once.js';
import { responseError } from './response-error.js';
import { headerValue, type HttpResponse } from './transport.js';

export interface HeadResult {
  readonly digest: string;
  readonly mediaType: string;
}

const MANIFEST_CACHE_MAX = 2000;
/** One object for every manifest request (the transport caches what it adds per headers object). */
const MANIFEST_HEADERS: Readonly<Record<string, string>> = Object.freeze({ accept: MANIFEST_ACCEPT });

export type Call = (loc: Location, req: CallRequest) => Promise<HttpResponse>;

export class ManifestCache {
  /** Per run: tag/digest HEAD answers. */
  private heads = new Map<string, Promise<HeadResult>>();
  /** Content-addressed, so valid across runs (bounded). */
  private readonly manifests = new Map<string, Promise<ParsedManifest>>();
  /** Per run: digests whose bytes the registry served (fetched and hashed) in this run. */
  private served = new Set<string>();

  constructor(private readonly call: Call) {}

  /** Start a new run: forget HEAD answers (tags may have moved); keep manifests by digest. */
  newRun(): void {
    this.heads = new Map();
    this.served = new Set();
  }

  /** The registry served this digest's bytes in this run (a cached manifest from an earlier run is no proof). */
  servedThisRun(loc: Location, digest: string): boolean {
    return this.served.has(`${loc.host}|${loc.path}|${digest}`);
  }

  /** HEAD a tag or digest (once per run); falls back to GET when the digest header is missing. */
  head(loc: Location, target: string): Promise<HeadResult> {
    const key = `${loc.host}|${loc.path}|${target}|${loc.insecure ? 1 : 0}`;
    return once(this.heads, key, async () => {
      const res = await this.call(loc, { method: 'HEAD', kind: 'manifestHead', path: `/v2/${loc.path}/manifests/${target}`, headers: MANIFEST_HEADERS });
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
      headers: MANIFEST_HEADERS,
      maxBodyBytes: 8 * 1024 * 1024,
    });
  }

  private fail(loc: Location, res: HttpResponse, target: string): never {
    const subject = isDigest(target) ? `manifest ${target}` : `tag "${target}"`;
    throw responseError(res, { registry: loc.domain, repository: loc.path, subject });
  }

  /** The manifest a tag or digest names: by digest from the cache, by tag fetched and verified. */
  manifestAt(loc: Location, target: string): Promise<ParsedManifest> {
    return isDigest(target) ? this.manifest(loc, target) : this.manifestByTag(loc, target);
  }

  /** GET by tag: verified against the digest the registry claims. */
  private async manifestByTag(loc: Location, tag: string): Promise<ParsedManifest> {
    const res = await this.manifestRequest(loc, tag);
    if (res.status !== 200) this.fail(loc, res, tag);
    const claimed = headerValue(res.headers, 'docker-content-digest');
    const parsed = parseManifest(res.body, headerValue(res.headers, 'content-type'), claimed, { registry: loc.domain, repository: loc.path, reference: tag });
    this.served.add(`${loc.host}|${loc.path}|${parsed.digest}`);
    this.remember(loc, parsed);
    return parsed;
  }

  /** GET by digest, cached (content-addressed), verified against the digest asked for. */
  manifest(loc: Location, digest: string): Promise<ParsedManifest> {
    const key = `${loc.host}|${loc.path}|${digest}`;
    const hit = this.manifests.get(key);
    if (hit) return hit;
    const p = (async () => {
      const res = await this.manifestRequest(loc, digest);
      if (res.status !== 200) this.fail(loc, res, digest);
      const parsed = parseManifest(res.body, headerValue(res.headers, 'content-type'), digest, { registry: loc.domain, repository: loc.path, reference: digest });
      this.served.add(key);
      return parsed;
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
}
