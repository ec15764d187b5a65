/**
 * One HTTP exchange with a registry as the transport sees it: the request (what it is for, TLS,
 * body, limits), the response, and the small helpers every caller shares.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** What a request is, for the counters (`stats()`). */
export type RequestKind =
  | 'ping'
  | 'token'
  | 'manifestHead'
  | 'manifestGet'
  | 'manifestPut'
  | 'blobHead'
  | 'blobGet'
  | 'blobUpload'
  | 'blobMount'
  | 'tagsList';

export type TlsMode = 'verified' | 'unverified';

export interface HttpRequest {
  readonly url: URL;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  readonly kind: RequestKind;
  readonly headers?: Record<string, string> | undefined;
  /** Buffers can be replayed on retry; streams cannot (no retry then). */
  readonly body?: Buffer | Readable | string | undefined;
  readonly tls: TlsMode;
  /** For errors and the concurrency limit: the reference domain and repository. */
  readonly registry: string;
  readonly repository?: string | undefined;
  /** Keep the body as a stream (blob copy); the caller must consume or dump it. */
  readonly stream?: boolean | undefined;
  /** Follow redirects (GET/HEAD only). */
  readonly followRedirects?: boolean | undefined;
  /** Read at most this many body bytes (protects against huge answers). */
  readonly maxBodyBytes?: number | undefined;
  /** Make exactly one attempt (scheme probes must fall through quickly). */
  readonly noRetry?: boolean | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Empty when `stream` was requested. */
  readonly body: Buffer;
  readonly stream?: Dispatcher.ResponseData['body'] | undefined;
  /** Final URL after redirects. */
  readonly url: URL;
}

/** The first value of a response header (names lower-case). */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Buffers and strings can be sent again (retries, re-auth); a stream is consumed by the first try. */
export function isReplayable(body: HttpRequest['body']): boolean {
  return body === undefined || typeof body === 'string' || Buffer.isBuffer(body);
}

/** URL for logs: no query string (upload URLs carry opaque state, signed URLs carry signatures). */
export function logUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
