// `created:` tag policies with the persistent build-time cache (.git/tagstream/image-created.json)
// against the real registry, counting the client's requests: the first run reads one config blob per
// candidate digest, a no-change run reads none, a newly pushed candidate costs exactly one; the daemon
// keeps the cache in memory; a corrupt file is rebuilt. Every step is also run in a copy without the
// cache (no Git working copy): the files written are the same.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { directoryWorkspace } from '../../../src/adapters/fs/directory-workspace.js';
import { IMAGE_CREATED_FILE } from '../../../src/adapters/git/image-created-file.js';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { GitRepository } from '../../../src/ports/git.js';
import { silentLog } from '../../../src/ports/log.js';
import { gitCli, TEST_GIT_IDENTITY } from '../../harness/git-server.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';

let registry: TestRegistry;
let tmp: string;
let cached: string; // a Git working copy: the cache is used
let plain: string; // a plain directory: no cache
const digests: Record<string, string> = {};

const STREAM = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: latest
    from:
      kind: DockerImage
      name: ${host}/team/app:c-1
    annotations:
      tagstream.io/tag-policy: 'created:^c-\\d+$'
    importPolicy:
      scheduled: true
`;

async function push(tag: string, created: string): Promise<void> {
  digests[tag] = await pushImage(registry, 'team/app', tag, makeImage({ layers: [{ TAG: `${tag}\n` }], created }));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-created-cache-'));
  cached = join(tmp, 'cached');
  plain = join(tmp, 'plain');
  registry = await startRegistry();
  // c-2 is the newest build although c-3 sorts after it: the order is the build time
  await push('c-1', '2026-12-01T10:00:00Z');
  await push('c-2', '2026-12-01T12:00:00Z');
  await push('c-3', '2026-12-01T11:00:00Z');
  await push('x-9', '2027-01-01T00:00:00Z'); // no candidate: never read
  for (const dir of [cached, plain]) {
    await mkdir(join(dir, 'imagestreams'), { recursive: true });
    await writeFile(join(dir, 'imagestreams/app.yaml'), STREAM(registry.host));
  }
  await gitCli(tmp, ['init', '-q', '-b', 'main', cached]);
  await gitCli(cached, ['add', '-A']);
  await gitCli(cached, ['-c', `user.name=${TEST_GIT_IDENTITY.name}`, '-c', `user.email=${TEST_GIT_IDENTITY.email}`, 'commit', '-q', '-m', 'app stream']);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

interface Run {
  readonly blobGet: number;
  readonly manifestGet: number;
  readonly text: string;
}

/** One reconcile with a fresh registry client (as one CLI run); `git` undefined: no cache. */
async function once(dir: string, git: GitRepository | undefined, when: string): Promise<Run> {
  const client = createRegistryClient();
  const ctx: AppContext = { workspace: directoryWorkspace(dir), settings: DEFAULT_REPO_SETTINGS, registry: client, clock: fixedClock(when), log: silentLog, git };
  try {
    const r = await reconcile(ctx, git ? { commit: { author: TEST_GIT_IDENTITY } } : {});
    expect(r.exitCode, JSON.stringify(r.changeSet.failures)).toBe(0);
    const { blobGet, manifestGet } = client.stats();
    return { blobGet, manifestGet, text: await readFile(join(dir, 'imagestreams/app.yaml'), 'utf8') };
  } finally {
    await client.close();
  }
}

/** A run with the cache (the working copy opened anew, as the CLI does) and the same run without it. */
async function both(when: string, repo?: GitRepository): Promise<{ cache: Run; none: Run }> {
  const cache = await once(cached, repo ?? (await createGitAdapter().open(cached)), when);
  const none = await once(plain, undefined, when);
  // identical results with and without the cache
  expect(cache.text).toBe(none.text);
  return { cache, none };
}

const following = (text: string) => parse(text).spec.tags[0].from.name as string;
const pinned = (text: string) => parse(text).status.tags[0].items[0].image as string;
const cacheFile = () => join(cached, '.git', IMAGE_CREATED_FILE);
const storedKeys = async () => Object.keys(JSON.parse(await readFile(cacheFile(), 'utf8')).entries).sort();
const keyOf = (tag: string) => `${registry.host}/team/app@${digests[tag]}`;

describe('created: tag policy with the persistent build-time cache (real registry)', () => {
  it('1. the first run reads one config blob per candidate digest and remembers them', async () => {
    const { cache, none } = await both('2026-12-05T08:00:00Z');
    expect(following(cache.text)).toBe(`${registry.host}/team/app:c-2`);
    expect(pinned(cache.text)).toBe(digests['c-2']);
    expect(cache.blobGet).toBe(3);
    expect(none.blobGet).toBe(3);
    expect(await storedKeys()).toEqual(['c-1', 'c-2', 'c-3'].map(keyOf).sort());
  });

  it('2. a no-change run reads no config blob (the run without the cache reads them all again)', async () => {
    const { cache, none } = await both('2026-12-05T08:10:00Z');
    expect(cache.blobGet).toBe(0);
    expect(cache.manifestGet).toBe(0);
    expect(none.blobGet).toBe(3);
    expect(following(cache.text)).toBe(`${registry.host}/team/app:c-2`);
    expect(await gitCli(cached, ['status', '--porcelain'])).toBe('');
  });

  it('3. a newly pushed candidate costs exactly one config blob', async () => {
    await push('c-4', '2026-12-01T13:00:00Z');
    const { cache, none } = await both('2026-12-05T08:20:00Z');
    expect(cache.blobGet).toBe(1);
    expect(none.blobGet).toBe(4);
    expect(following(cache.text)).toBe(`${registry.host}/team/app:c-4`);
    expect(pinned(cache.text)).toBe(digests['c-4']);
    expect(await storedKeys()).toEqual(['c-1', 'c-2', 'c-3', 'c-4'].map(keyOf).sort());
  });

  it('4. the daemon keeps the cache in memory across runs (one repository object)', async () => {
    const repo = await createGitAdapter().open(cached);
    expect((await both('2026-12-05T08:30:00Z', repo)).cache.blobGet).toBe(0);
    await rm(cacheFile());
    await push('c-5', '2026-12-01T09:00:00Z'); // older: no move, but a new candidate
    const { cache } = await both('2026-12-05T08:40:00Z', repo);
    expect(cache.blobGet).toBe(1);
    expect(following(cache.text)).toBe(`${registry.host}/team/app:c-4`);
  });

  it('5. a corrupt cache file is ignored and rebuilt', async () => {
    await writeFile(cacheFile(), '{"format": "tagstream-image-created/1", "entries": ');
    const first = await both('2026-12-05T08:50:00Z');
    expect(first.cache.blobGet).toBe(5);
    expect(following(first.cache.text)).toBe(`${registry.host}/team/app:c-4`);
    expect(await storedKeys()).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5'].map(keyOf).sort());
    expect((await both('2026-12-05T09:00:00Z')).cache.blobGet).toBe(0);
  });
});
