/** Shared-secret check of webhook requests (`Authorization: Bearer <secret>`), in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` is `Bearer <secret>`. Both sides are hashed first so the comparison takes
 * the same time whatever the length or content of the guess.
 */
export function bearerMatches(header: string | undefined, secret: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer[ \t]+(.+)$/i.exec(header.trim());
  const presented = m?.[1] ?? '';
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b) && m !== null;
}
