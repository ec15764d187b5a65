/**
 * Shared-secret checks of webhook requests, all in constant time. The registry webhook takes
 * `Authorization: Bearer <secret>` (what distribution's `notifications.endpoints[].headers` and
 * Harbor's "Auth Header" send), the secret as the `secret` query parameter (Docker Hub and Quay
 * cannot set headers) and GitHub's `X-Hub-Signature-256` (package events). The Git webhook also takes what Git hosts send with the same secret: GitHub's
 * `X-Hub-Signature-256: sha256=<HMAC of the body>`, Gitea/Forgejo's `X-Gitea-Signature: <hex HMAC>`
 * GitLab's `X-Gitlab-Token: <secret>`, and Bitbucket's `X-Hub-Signature: sha256=<HMAC>` (Bitbucket
 * Data Center and Cloud webhooks with a secret; the SHA-1 form is refused).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Equal strings, compared through their SHA-256 so time does not depend on length or content. */
export function secretEquals(presented: string, secret: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `header` is `Bearer <secret>`. */
export function bearerMatches(header: string | undefined, secret: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer[ \t]+(.+)$/i.exec(header.trim());
  return secretEquals(m?.[1] ?? '', secret) && m !== null;
}

/** True when `signature` (`sha256=<hex>` or bare hex) is the HMAC-SHA256 of `body` keyed by `secret`. */
export function hmacMatches(signature: string | undefined, body: Buffer, secret: string): boolean {
  if (signature === undefined) return false;
  const hex = signature.trim().replace(/^sha256=/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The Git webhook's check: any of the accepted schemes with the shared secret. */
export function gitWebhookAuthorized(headers: Headers, body: Buffer, secret: string): boolean {
  if (bearerMatches(header(headers, 'authorization'), secret)) return true;
  if (hmacMatches(header(headers, 'x-hub-signature-256'), body, secret)) return true;
  if (hmacMatches(header(headers, 'x-gitea-signature'), body, secret)) return true;
  const bitbucket = header(headers, 'x-hub-signature');
  if (bitbucket !== undefined && /^sha256=/i.test(bitbucket.trim()) && hmacMatches(bitbucket, body, secret)) return true;
  const gitlab = header(headers, 'x-gitlab-token');
  return gitlab !== undefined && secretEquals(gitlab, secret);
}

/** The registry webhook's check before the body is read: the bearer header or `?secret=`. */
export function registrySecretPresented(headers: Headers, query: URLSearchParams, secret: string): boolean {
  if (bearerMatches(header(headers, 'authorization'), secret)) return true;
  const presented = query.getAll('secret');
  return presented.length === 1 && secretEquals(presented[0] ?? '', secret);
}

/** The registry webhook's check once the body is read: GitHub's signature of it. */
export function registryBodySigned(headers: Headers, body: Buffer, secret: string): boolean {
  return hmacMatches(header(headers, 'x-hub-signature-256'), body, secret);
}

/** The request target with the value of any `secret` query parameter replaced, for logs. */
export function redactedTarget(url: string | undefined): string {
  const u = new URL(url ?? '/', 'http://localhost');
  if (u.searchParams.has('secret')) u.searchParams.set('secret', 'REDACTED');
  return `${u.pathname}${u.search}`;
}
