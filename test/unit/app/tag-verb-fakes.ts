/** Fakes shared by the verb use-case tests (tag, import-image, create istag); not a test file. */
import { memoryWorkspace, type MemoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { DEFAULT_REPO_SETTINGS, type RepoSettings } from '../../../src/config/repo-settings.js';
import { parseImageReference, referenceText, repositoryOf } from '../../../src/domain/image-reference.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { MemoryRegistry } from '../../fakes/memory-registry.js';
import { makeImage } from '../../harness/oci-image.js';
import type { VerbResult } from '../../../src/app/stream-verb.js';
import { verbOutput } from '../../../src/cli/render/verb-output.js';

export const NOW = '2026-11-21T06:00:00Z';

/**
 * Three distinct test images (test/harness/oci-image.ts) and their digests. The verb tests name
 * images by these digests; the registry is the contract-checked MemoryRegistry, so what it
 * answers is what the real adapter answers against docker-registry.
 */
const IMAGES = [1, 2, 3, 4, 5]
  .map((n) => makeImage({ layers: [{ [`image-${n}.txt`]: `image ${n}\n` }], created: '2026-11-01T00:00:00Z' }))
  // D1 < D2 < … as text, as the digests of sha256:111…, sha256:222… were (tests sort them)
  .sort((a, b) => (a.digest < b.digest ? -1 : 1));
export const D1 = IMAGES[0]!.digest;
export const D2 = IMAGES[1]!.digest;
export const D3 = IMAGES[2]!.digest;
export const D4 = IMAGES[3]!.digest;
export const D5 = IMAGES[4]!.digest;
const FILLER = makeImage({ layers: [{ 'filler.txt': 'filler\n' }], created: '2026-11-01T00:00:00Z' });

/**
 * The MemoryRegistry's port methods, records and setup, as own properties: tests may spread it
 * (`{ ...registry, inspect }`) to count or override one method, as they did with the old fake.
 */
export type FakeRegistry = Pick<MemoryRegistry, 'resolve' | 'inspect' | 'listTags' | 'copy' | 'resolved' | 'copies' | 'unavailable' | 'push' | 'tags' | 'untag'>;

function spreadable(r: MemoryRegistry): FakeRegistry {
  return {
    resolve: r.resolve.bind(r),
    inspect: r.inspect.bind(r),
    listTags: r.listTags.bind(r),
    copy: r.copy.bind(r),
    resolved: r.resolved,
    copies: r.copies,
    unavailable: r.unavailable,
    push: r.push.bind(r),
    tags: r.tags.bind(r),
    untag: r.untag.bind(r),
  };
}

/** `repo:tag` (as written) now names the test image with `digest` (one of D1 … D5): a push. */
export function tagImage(registry: FakeRegistry, reference: string, digest: string): void {
  const ref = parseImageReference(reference);
  const image = IMAGES.find((i) => i.digest === digest);
  if (!image || ref.tag === null) throw new Error(`tagImage: ${reference} -> ${digest}: expected REPO:TAG and one of D1 … D5`);
  registry.push(referenceText(repositoryOf(ref)), ref.tag, image);
}

/**
 * Make `repository` list exactly `tags`: tags it lacks are pushed (pointing at a filler image that
 * no test asserts on), tags not named are deleted.
 */
export function setTags(registry: FakeRegistry, repository: string, tags: readonly string[]): void {
  const current = registry.tags(repository);
  for (const tag of current) if (!tags.includes(tag)) registry.untag(repository, tag);
  for (const tag of tags) if (!current.includes(tag)) registry.push(repository, tag, FILLER);
}

/** The in-memory registry of the port contract, holding `images` (`repo:tag` -> D1 … D5). */
export function fakeRegistry(images: Record<string, string> = {}): FakeRegistry {
  const registry = spreadable(new MemoryRegistry());
  for (const [reference, digest] of Object.entries(images)) tagImage(registry, reference, digest);
  return registry;
}

export interface VerbFixture {
  readonly ctx: AppContext;
  readonly workspace: MemoryWorkspace;
  readonly registry: FakeRegistry;
  /** Current text of a file. */
  text(path: string): string;
}

/** A memory repository with the given files, a fake registry and a fixed clock. */
export function verbFixture(files: Record<string, string>, registry: FakeRegistry = fakeRegistry(), settings: Partial<RepoSettings> = {}): VerbFixture {
  const workspace = memoryWorkspace(files);
  const ctx: AppContext = {
    workspace,
    settings: { ...DEFAULT_REPO_SETTINGS, ...settings },
    registry,
    clock: fixedClock(NOW),
    log: silentLog,
  };
  return {
    ctx,
    workspace,
    registry,
    text: (path) => {
      const data = workspace.files.get(path);
      if (!data) throw new Error(`no file ${path}`);
      return data.toString('utf8');
    },
  };
}

/** A verb's result with the lines the CLI prints for it (stdout, stderr), as the verb tests assert them. */
export function printed<T extends VerbResult>(result: T): T & { readonly stdout: string[]; readonly stderr: string[] } {
  return { ...result, ...verbOutput(result) };
}
