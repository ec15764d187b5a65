/**
 * The RegistryPort contract: the same tests run against the in-memory fake
 * (test/unit/contracts/registry-port.test.ts) and the real adapter over docker-registry
 * (test/integration/contracts/registry-port.test.ts), so the fake the unit tests lean on answers
 * like the real thing. A subject gives a port, the host its references use and a way to push.
 */
import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../src/domain/image-reference.js';
import { isTagstreamError, type TagstreamError } from '../../src/errors.js';
import type { RegistryPort } from '../../src/ports/registry.js';
import { makeImage, makeIndex, OCI_INDEX, OCI_MANIFEST, type TestImage, type TestIndex } from '../harness/oci-image.js';

export interface RegistrySubject {
  readonly port: RegistryPort;
  /** host[:port] of the registry the references name. */
  readonly host: string;
  /** Store `image` as `<host>/<repo>:<tag>`. */
  push(repo: string, tag: string, image: TestImage | TestIndex): Promise<void>;
  /** Start a new run (the real adapter caches answers per run). */
  newRun(): void;
}

async function rejection(p: Promise<unknown>): Promise<TagstreamError> {
  try {
    await p;
  } catch (e) {
    if (isTagstreamError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** Register the contract tests; `subject` is called once per test. */
export function registryPortContract(kind: string, subject: () => RegistrySubject): void {
  const created = '2026-11-01T00:00:00Z';
  const v1 = makeImage({ layers: [{ 'app.txt': 'contract v1\n' }], created });
  const v2 = makeImage({ layers: [{ 'app.txt': 'contract v2\n' }], created: '2026-11-02T00:00:00Z', author: 'contract' });
  const arm = makeImage({ layers: [{ 'app.txt': 'contract arm\n' }], architecture: 'arm64', created });
  const multi = makeIndex([v1, arm]);
  const ref = (s: RegistrySubject, rest: string) => parseImageReference(`${s.host}/${rest}`);

  describe(`RegistryPort contract (${kind})`, () => {
    it('resolves a tag and a digest to the manifest digest', async () => {
      const s = subject();
      await s.push('contract/app', 'v1', v1);
      expect(await s.port.resolve(ref(s, 'contract/app:v1'), { importMode: 'Legacy' })).toEqual({ digest: v1.digest, mediaType: OCI_MANIFEST });
      expect((await s.port.resolve(ref(s, `contract/app@${v1.digest}`), { importMode: 'PreserveOriginal' })).digest).toBe(v1.digest);
    });

    it('sees a tag move to a new image', async () => {
      const s = subject();
      await s.push('contract/moving', 'stable', v1);
      expect((await s.port.resolve(ref(s, 'contract/moving:stable'), { importMode: 'Legacy' })).digest).toBe(v1.digest);
      await s.push('contract/moving', 'stable', v2);
      s.newRun();
      expect((await s.port.resolve(ref(s, 'contract/moving:stable'), { importMode: 'Legacy' })).digest).toBe(v2.digest);
    });

    it('pins the linux/amd64 child of an index under Legacy, the index under PreserveOriginal, and honours prefer-arch', async () => {
      const s = subject();
      await s.push('contract/multi', 'v1', multi);
      const r = ref(s, 'contract/multi:v1');
      expect(await s.port.resolve(r, { importMode: 'Legacy' })).toMatchObject({ digest: v1.digest, indexDigest: multi.digest, platform: { os: 'linux', architecture: 'amd64' } });
      expect(await s.port.resolve(r, { importMode: 'PreserveOriginal' })).toMatchObject({ digest: multi.digest, mediaType: OCI_INDEX });
      expect((await s.port.resolve(r, { importMode: 'Legacy', preferArch: 'arm64' })).digest).toBe(arm.digest);
    });

    it('reports a missing tag and a missing repository as RegistryNotFound, not retryable', async () => {
      const s = subject();
      await s.push('contract/present', 'v1', v1);
      for (const missing of ['contract/present:nope', 'contract/absent:v1', `contract/present@sha256:${'0'.repeat(64)}`]) {
        const e = await rejection(s.port.resolve(ref(s, missing), { importMode: 'Legacy' }));
        expect({ code: e.code, retryable: e.retryable }, missing).toEqual({ code: 'RegistryNotFound', retryable: false });
      }
    });

    it('inspects an image: digest, config digest, created, platform, size and layers', async () => {
      const s = subject();
      await s.push('contract/meta', 'v2', v2);
      const meta = await s.port.inspect(ref(s, 'contract/meta:v2'));
      expect(meta).toMatchObject({ digest: v2.digest, mediaType: OCI_MANIFEST, configDigest: v2.configDigest, created: '2026-11-02T00:00:00Z', author: 'contract', architecture: 'amd64', os: 'linux', size: v2.size });
      expect(meta.layers?.map((l) => [l.digest, l.size])).toEqual(v2.layers.map((l) => [l.digest, l.size]));
    });

    it('inspects an index: its platforms, or one platform when asked', async () => {
      const s = subject();
      await s.push('contract/meta', 'multi', multi);
      const top = await s.port.inspect(ref(s, 'contract/meta:multi'));
      expect(top.digest).toBe(multi.digest);
      expect(top.manifests?.map((m) => [m.digest, m.platform?.architecture])).toEqual([
        [v1.digest, 'amd64'],
        [arm.digest, 'arm64'],
      ]);
      const armMeta = await s.port.inspect(ref(s, 'contract/meta:multi'), { platform: { os: 'linux', architecture: 'arm64' } });
      expect({ digest: armMeta.digest, architecture: armMeta.architecture }).toEqual({ digest: arm.digest, architecture: 'arm64' });
    });

    it('lists every tag of a repository (a tag or digest on the reference is ignored); a missing one is RegistryNotFound', async () => {
      const s = subject();
      for (const t of ['b', 'a', 'c']) await s.push('contract/tags', t, v1);
      expect([...(await s.port.listTags(ref(s, 'contract/tags')))].sort()).toEqual(['a', 'b', 'c']);
      expect([...(await s.port.listTags(ref(s, 'contract/tags:a')))].sort()).toEqual(['a', 'b', 'c']);
      expect((await rejection(s.port.listTags(ref(s, 'contract/no-such-repo')))).code).toBe('RegistryNotFound');
    });

    it('copies an image by digest to another repository and tags it; a second copy moves no blob', async () => {
      const s = subject();
      await s.push('contract/src', 'v2', v2);
      const copied = await s.port.copy(ref(s, `contract/src@${v2.digest}`), ref(s, 'contract/dst'), { tag: 'copied' });
      expect(copied.digest).toBe(v2.digest);
      expect((await s.port.resolve(ref(s, 'contract/dst:copied'), { importMode: 'Legacy' })).digest).toBe(v2.digest);
      expect((await s.port.resolve(ref(s, `contract/dst@${v2.digest}`), { importMode: 'Legacy' })).digest).toBe(v2.digest);
      const again = await s.port.copy(ref(s, `contract/src@${v2.digest}`), ref(s, 'contract/dst'));
      expect({ digest: again.digest, blobsCopied: again.blobsCopied }).toEqual({ digest: v2.digest, blobsCopied: 0 });
    });

    it('copies a whole index: every child resolves at the destination', async () => {
      const s = subject();
      await s.push('contract/src', 'multi', multi);
      await s.port.copy(ref(s, 'contract/src:multi'), ref(s, 'contract/dst-multi'), { tag: 'multi' });
      expect((await s.port.resolve(ref(s, 'contract/dst-multi:multi'), { importMode: 'PreserveOriginal' })).digest).toBe(multi.digest);
      expect((await s.port.resolve(ref(s, `contract/dst-multi@${arm.digest}`), { importMode: 'Legacy' })).digest).toBe(arm.digest);
    });

    it('refuses a copy destination that carries a tag', async () => {
      const s = subject();
      await s.push('contract/src', 'v1', v1);
      expect((await rejection(s.port.copy(ref(s, 'contract/src:v1'), ref(s, 'contract/dst:v1')))).code).toBe('InvalidReference');
    });
  });
}
