/**
 * Copy an image or a whole index between repositories (and registries): blobs are skipped when
 * the destination has them, mounted across repositories of one registry, otherwise streamed from
 * GET to PUT without buffering a layer; manifests are pushed byte for byte so digests are preserved.
 */
import type { Readable } from 'node:stream';
import { RegistryError } from '../../errors.js';
import type { Location } from './locations.js';
import type { Descriptor, ParsedManifest } from './manifest.js';
import { responseError } from './response-error.js';
import { headerValue, type HttpRequest, type HttpResponse } from './transport.js';

/** An authenticated request to the registry of a location (see RegistryClient.call). */
export type CallRequest = Omit<HttpRequest, 'url' | 'tls' | 'registry' | 'repository'> & {
  readonly path: string;
  /** Repository actions for the token scope (default `pull`). */
  readonly actions?: string | undefined;
  readonly extraScopes?: readonly string[] | undefined;
};

/** What copying needs from the client. */
export interface CopySession {
  call(loc: Location, req: CallRequest): Promise<HttpResponse>;
  manifest(loc: Location, digest: string): Promise<ParsedManifest>;
  scheme(loc: Location): Promise<'https' | 'http'>;
}

export interface CopyCounts {
  blobsCopied: number;
  blobsSkipped: number;
  blobsMounted: number;
}

const BLOB_COPY_PARALLELISM = 4;

/** Copy a manifest (recursively for an index), its blobs first, then the exact manifest bytes by digest. */
export async function copyManifestTree(session: CopySession, src: Location, dst: Location, m: ParsedManifest, result: CopyCounts): Promise<void> {
  if (m.entries) {
    for (const entry of m.entries) {
      const child = await session.manifest(src, entry.digest);
      await copyManifestTree(session, src, dst, child, result);
    }
  } else {
    const blobs = new Map<string, Descriptor>();
    if (m.config) blobs.set(m.config.digest, m.config);
    for (const l of m.layers ?? []) blobs.set(l.digest, l);
    const queue = [...blobs.values()];
    const worker = async (): Promise<void> => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const outcome = await copyBlob(session, src, dst, d);
        if (outcome === 'copied') result.blobsCopied++;
        else if (outcome === 'skipped') result.blobsSkipped++;
        else result.blobsMounted++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(BLOB_COPY_PARALLELISM, queue.length) }, worker));
  }
  await putManifest(session, dst, m.digest, m);
}

/** PUT manifest bytes unchanged (so the digest is preserved) under a digest or tag. */
export async function putManifest(session: CopySession, dst: Location, reference: string, m: ParsedManifest): Promise<void> {
  const res = await session.call(dst, {
    method: 'PUT',
    kind: 'manifestPut',
    path: `/v2/${dst.path}/manifests/${reference}`,
    actions: 'pull,push',
    headers: { 'content-type': m.mediaType },
    body: m.bytes,
  });
  if (res.status !== 201 && res.status !== 200) throw responseError(res, { registry: dst.domain, repository: dst.path, subject: `manifest ${reference}` });
  const stored = headerValue(res.headers, 'docker-content-digest');
  if (stored && stored !== m.digest) {
    throw new RegistryError('RegistryProtocol', `${dst.domain}/${dst.path} stored ${m.digest} as ${stored}: the registry rewrote the manifest`, {
      registry: dst.domain,
      repository: dst.path,
    });
  }
}

/** One blob: skip when present, mount within one registry, else stream GET -> PUT without buffering. */
async function copyBlob(session: CopySession, src: Location, dst: Location, d: Descriptor): Promise<'copied' | 'skipped' | 'mounted'> {
  const exists = await session.call(dst, { method: 'HEAD', kind: 'blobHead', path: `/v2/${dst.path}/blobs/${d.digest}`, actions: 'pull,push' });
  if (exists.status === 200) return 'skipped';
  let upload: HttpResponse;
  if (src.host === dst.host) {
    // Same registry: ask for a cross-repository mount (no bytes move); 202 means "upload instead".
    upload = await session.call(dst, {
      method: 'POST',
      kind: 'blobMount',
      path: `/v2/${dst.path}/blobs/uploads/?mount=${encodeURIComponent(d.digest)}&from=${encodeURIComponent(src.path)}`,
      actions: 'pull,push',
      extraScopes: [`repository:${src.path}:pull`],
      body: '',
    });
    if (upload.status === 201) return 'mounted';
  } else {
    upload = await session.call(dst, { method: 'POST', kind: 'blobUpload', path: `/v2/${dst.path}/blobs/uploads/`, actions: 'pull,push', body: '' });
  }
  if (upload.status !== 202) throw responseError(upload, { registry: dst.domain, repository: dst.path, subject: `upload of blob ${d.digest}` });
  const location = headerValue(upload.headers, 'location');
  if (!location) throw new RegistryError('RegistryProtocol', `${dst.domain} started an upload without a Location`, { registry: dst.domain, repository: dst.path });
  const target = new URL(location, `${await session.scheme(dst)}://${dst.host}/`);
  if (target.host !== dst.host) {
    throw new RegistryError('RegistryProtocol', `${dst.domain} sent an upload location on another host (${target.host})`, { registry: dst.domain, repository: dst.path });
  }
  target.searchParams.set('digest', d.digest);

  const get = await session.call(src, { method: 'GET', kind: 'blobGet', path: `/v2/${src.path}/blobs/${d.digest}`, followRedirects: true, stream: true });
  if (get.status !== 200 || !get.stream) throw responseError(get, { registry: src.domain, repository: src.path, subject: `blob ${d.digest}` });
  const length = headerValue(get.headers, 'content-length') ?? String(d.size);
  let put: HttpResponse;
  try {
    // The registry checks the bytes against ?digest= before it commits the upload.
    put = await session.call(dst, {
      method: 'PUT',
      kind: 'blobUpload',
      path: `${target.pathname}${target.search}`,
      actions: 'pull,push',
      headers: { 'content-type': 'application/octet-stream', 'content-length': length },
      body: get.stream as unknown as Readable,
    });
  } catch (e) {
    get.stream.destroy();
    throw e;
  }
  if (put.status !== 201) {
    get.stream.destroy();
    throw responseError(put, { registry: dst.domain, repository: dst.path, subject: `blob ${d.digest}` });
  }
  return 'copied';
}
