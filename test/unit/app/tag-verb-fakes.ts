/** Fakes shared by the verb use-case tests (tag, import-image, create istag); not a test file. */
import { memoryWorkspace, type MemoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { DEFAULT_REPO_SETTINGS, type RepoSettings } from '../../../src/config/repo-settings.js';
import { referenceText } from '../../../src/domain/image-reference.js';
import { RegistryError } from '../../../src/errors.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import type { RegistryPort, ResolveOptions } from '../../../src/ports/registry.js';

export const NOW = '2026-11-21T06:00:00Z';
export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;
export const D3 = `sha256:${'3'.repeat(64)}`;

export interface FakeRegistry extends RegistryPort {
  /** `repo:tag` (as written) -> digest; anything else is NotFound. */
  readonly images: Map<string, string>;
  /** `repo` -> tag list. */
  readonly tagLists: Map<string, string[]>;
  /** References that fail with a transient (5xx) error. */
  readonly flaky: Set<string>;
  readonly resolved: { reference: string; options: ResolveOptions }[];
  readonly copies: { source: string; destination: string }[];
}

/** An in-memory registry: resolves what `images` holds, records copies. */
export function fakeRegistry(images: Record<string, string> = {}): FakeRegistry {
  const map = new Map(Object.entries(images));
  const tagLists = new Map<string, string[]>();
  const flaky = new Set<string>();
  const resolved: FakeRegistry['resolved'] = [];
  const copies: FakeRegistry['copies'] = [];
  return {
    images: map,
    tagLists,
    flaky,
    resolved,
    copies,
    async resolve(ref, options) {
      const reference = referenceText(ref);
      resolved.push({ reference, options });
      if (flaky.has(reference)) throw new RegistryError('RegistryTransient', `${reference}: 503 Service Unavailable`, { registry: 'fake', status: 503, retryable: true });
      const digest = map.get(reference);
      if (!digest) throw new RegistryError('RegistryNotFound', `manifest unknown: ${reference}`, { registry: 'fake', status: 404 });
      return { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    },
    async inspect() {
      throw new Error('inspect is not used by the verbs');
    },
    async listTags(ref) {
      const repository = ref.repository;
      const tags = tagLists.get(repository);
      if (!tags) throw new RegistryError('RegistryNotFound', `repository unknown: ${repository}`, { registry: 'fake', status: 404 });
      return tags;
    },
    async copy(sourceRef, destinationRef) {
      const source = referenceText(sourceRef);
      copies.push({ source, destination: referenceText(destinationRef) });
      return { digest: sourceRef.digest ?? '', blobsCopied: 1, blobsSkipped: 0, blobsMounted: 0 };
    },
  };
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
