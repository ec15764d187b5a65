/**
 * Image build times kept between runs, for `created:` tag policies: a digest is a content address,
 * so the `created` of the image it names never changes, and one config read per image is enough for
 * the life of the cache. Values come back untrusted only in their timing (they are what a registry
 * said once); the adapter checks their shape where it reads them.
 */
import type { ImageReference } from '../domain/image-reference.js';

export interface ImageCreatedCache {
  /** The config `created` recorded for `key` (see imageCreatedKey), if any. */
  get(key: string): string | undefined;
  /** Record the config `created` of the image `key` names. */
  set(key: string, created: string): void;
  /** Persist what changed since the last save; no-op otherwise. Never throws: a lost cache only costs reads. */
  save(): Promise<void>;
}

/**
 * The cache key of an image: `domain/path@digest` (the normalized name, never credentials). The
 * repository is part of the key although the digest alone names the content: a registry answers for
 * its own repositories only, so what one repository said is not taken for another.
 */
export function imageCreatedKey(repository: Pick<ImageReference, 'name'>, digest: string): string {
  return `${repository.name}@${digest}`;
}
