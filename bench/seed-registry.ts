/**
 * Seeds the real registry with one small image per bench tag (all images share one layer; each
 * has its own config, so each tag has its own digest) and moves tags later. Reuses the test
 * harness (`pushImage`, `makeImage`); repositories are pushed in parallel, the tags of one
 * repository in sequence so the shared layer is uploaded once per repository.
 */
import { makeImage, type TestImage } from '../test/harness/oci-image.js';
import { pushImage, type TestRegistry } from '../test/harness/registry.js';
import type { BenchTag } from './monorepo.js';

const LAYER = { 'app/README.txt': 'bench image\n'.repeat(64) };

/** The image for one tag at one generation (generation 0 = initial state). */
export function benchImage(tag: BenchTag, generation: number): TestImage {
  return makeImage({ layers: [LAYER], labels: { repository: tag.repository, tag: tag.tag, generation: String(generation) } });
}

/** Run `fn` over `items`, `limit` at a time. */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Push the initial image of every tag; returns `repository:tag` -> digest. */
export async function seedTags(registry: TestRegistry, tags: readonly BenchTag[], concurrency = 16): Promise<Map<string, string>> {
  const byRepo = new Map<string, BenchTag[]>();
  for (const t of tags) byRepo.set(t.repository, [...(byRepo.get(t.repository) ?? []), t]);
  const digests = new Map<string, string>();
  await eachLimit([...byRepo.values()], concurrency, async (repoTags) => {
    for (const t of repoTags) digests.set(`${t.repository}:${t.tag}`, await pushImage(registry, t.repository, t.tag, benchImage(t, 0)));
  });
  return digests;
}

/** Point every given tag at a new image (generation `generation`). */
export async function moveTags(registry: TestRegistry, tags: readonly BenchTag[], generation: number, concurrency = 16): Promise<void> {
  await eachLimit(tags, concurrency, async (t) => {
    await pushImage(registry, t.repository, t.tag, benchImage(t, generation));
  });
}

/** Every `1/fraction`-th tag, spread over streams (deterministic). */
export function pickMoved(tags: readonly BenchTag[], share: number): BenchTag[] {
  const n = Math.max(1, Math.round(tags.length * share));
  const step = tags.length / n;
  return Array.from({ length: n }, (_, i) => tags[Math.floor(i * step)]!).filter((t, i, a) => a.indexOf(t) === i);
}
