// The verbs with tag policies (issue #15): `tag --policy`, `import-image` applying a policy,
// `describe istag` and `get istag -o wide` showing the policy and the current winner.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describe as describeVerb } from '../../../src/app/describe.js';
import { get } from '../../../src/app/get.js';
import { describeOutput } from '../../../src/cli/render/describe-output.js';
import { getOutput } from '../../../src/cli/render/get-output.js';
import { importImage as importImageVerb } from '../../../src/app/import-image.js';
import { tag as tagVerb } from '../../../src/app/tag.js';
import { referenceText, type ImageReference } from '../../../src/domain/image-reference.js';
import type { GitRepository } from '../../../src/ports/git.js';
import type { ImageCreatedCache } from '../../../src/ports/image-created-cache.js';
import { D1, D2, D3, fakeRegistry, printed, setTags, tagImage, verbFixture, type VerbFixture } from './tag-verb-fakes.js';

/** The verbs with the lines the CLI prints for their results (the assertions below were written against those). */
const tag = async (...args: Parameters<typeof tagVerb>) => printed(await tagVerb(...args));
const importImage = async (...args: Parameters<typeof importImageVerb>) => printed(await importImageVerb(...args));

const REPO = 'registry.example.com/team/app';

function registry() {
  const r = fakeRegistry({ [`${REPO}:1.3.0`]: D1, [`${REPO}:1.4.0`]: D2, [`${REPO}:2.0.0`]: D3 });
  setTags(r, REPO, ['1.3.0', '1.4.0', '2.0.0', 'latest']);
  return r;
}

function read(f: VerbFixture) {
  return { workspace: f.ctx.workspace, settings: { ...f.ctx.settings, defaultNamespace: 'shop' }, clock: f.ctx.clock };
}

describe('tag --policy', () => {
  it('writes the annotation and imports the winner, with from.name at REPOSITORY:WINNER', async () => {
    const f = verbFixture({}, registry());
    const r = await tag(f.ctx, { args: [REPO, 'app:stable'], policy: 'semver:^1', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toEqual([`Tag app:stable set to follow the newest tag of ${REPO} by semver:^1.`, 'tag stable follows semver:^1: (none) -> 1.4.0']);
    const file = r.files[0]!.path;
    const stream = parse(f.text(file));
    const stable = stream.spec.tags.find((t: { name: string }) => t.name === 'stable');
    expect(stable.annotations).toEqual({ 'tagstream.io/tag-policy': 'semver:^1' });
    expect(stable.from).toEqual({ kind: 'DockerImage', name: `${REPO}:1.4.0` });
    expect(stream.status.tags[0].items[0]).toMatchObject({ image: D2, dockerImageReference: `${REPO}@${D2}` });

    // --policy='' removes it; the tag then follows what SOURCE names
    const removed = await tag(f.ctx, { args: [`${REPO}:1.3.0`, 'app:stable'], policy: '', namespace: 'shop' });
    expect(removed.stdout).toEqual([`Tag app:stable set to ${REPO}:1.3.0.`]);
    const after = parse(f.text(file)).spec.tags.find((t: { name: string }) => t.name === 'stable');
    expect(after.annotations ?? null).toBeNull();
    expect(after.from.name).toBe(`${REPO}:1.3.0`);
  });

  it.each([
    [{ policy: 'newest:x' }, /invalid --policy: tag policy "newest:x": expected semver:RANGE/],
    [{ policy: 'numerical:(a)\\1' }, /no backreferences or lookaround/],
    [{ policy: 'semver:^1', reference: true }, /a tag policy needs a container image SOURCE that is imported/],
  ])('refuses %j', async (options, message) => {
    const f = verbFixture({}, registry());
    await expect(tag(f.ctx, { args: [REPO, 'app:stable'], namespace: 'shop', ...options })).rejects.toThrow(message);
    expect(f.workspace.writes).toEqual([]);
  });
});

describe('import-image with a tag policy', () => {
  it('applies the policy; describe istag and get istag -o wide show the policy and the winner', async () => {
    const r0 = registry();
    setTags(r0, REPO, ['1.3.0']);
    const f = verbFixture({}, r0);
    await tag(f.ctx, { args: [REPO, 'app:stable'], policy: 'semver:^1.0.0', namespace: 'shop' });
    tagImage(r0, `${REPO}:1.4.0`, D2);
    tagImage(r0, `${REPO}:2.0.0`, D3);
    const r = await importImage(f.ctx, { target: 'app:stable', namespace: 'shop' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('tag stable follows semver:^1.0.0: 1.3.0 -> 1.4.0');
    const stream = parse(f.text(r.files[0]!.path));
    expect(stream.spec.tags[0].from.name).toBe(`${REPO}:1.4.0`);
    expect(stream.status.tags[0].items.map((i: { image: string }) => i.image)).toEqual([D2, D1]);

    const d = describeOutput(await describeVerb(read(f), { resource: 'imagestreamtag', names: ['app:stable'], fetchMetadata: false }));
    expect(d.stdout).toMatch(/Tag Policy:\s+semver:\^1\.0\.0 \(following 1\.4\.0\)/);
    const wide = getOutput(await get(read(f), { resource: 'imagestreamtag', names: [] }), 'wide');
    const [header, row] = wide.stdout.split('\n');
    expect(header).toMatch(/TAG POLICY\s+FOLLOWING$/);
    expect(row).toMatch(/semver:\^1\.0\.0\s+1\.4\.0$/);
    const plain = getOutput(await get(read(f), { resource: 'imagestreamtag', names: [] }), 'table');
    expect(plain.stdout).not.toContain('TAG POLICY');
  });

  it('no matching tag: a warning, the tag keeps its image', async () => {
    const f = verbFixture({}, registry());
    await tag(f.ctx, { args: [REPO, 'app:stable'], policy: 'semver:^1', namespace: 'shop' });
    setTags(f.registry, REPO, ['latest']);
    const r = await importImage(f.ctx, { target: 'app:stable', namespace: 'shop' });
    expect(r.stderr).toContain(`warning: no tag of ${REPO} matches tag policy "semver:^1"; stable keeps its image`);
    expect(r.files).toEqual([]);
  });
});

describe('verbs with a created: policy and the repository build-time cache', () => {
  const TIMES: Record<string, string> = { [D1]: '2026-12-01T00:00:00Z', [D2]: '2026-12-03T00:00:00Z', [D3]: '2026-12-02T00:00:00Z' };

  /** A fixture whose config reads are counted; `cached`: a working copy that keeps build times. */
  function fixture(cached: boolean) {
    const base = registry();
    const inspected: string[] = [];
    const counted = {
      ...base,
      inspect: async (ref: ImageReference) => {
        inspected.push(referenceText(ref));
        return { digest: ref.digest ?? '', mediaType: 'application/vnd.oci.image.manifest.v1+json', created: TIMES[ref.digest ?? ''] };
      },
    };
    const f = verbFixture({}, counted);
    const stored = new Map<string, string>();
    const known: ImageCreatedCache = { get: (k) => stored.get(k), set: (k, v) => void stored.set(k, v), save: async () => {} };
    const git = { imageCreatedCache: async () => known, readJournal: async () => undefined, writeJournal: async () => {} } as unknown as GitRepository;
    const ctx = cached ? { ...f.ctx, git } : f.ctx;
    return { f, ctx, inspected, stored };
  }

  it('tag reads each candidate build time once; a later import-image reads none; the same files either way', async () => {
    const runs = [];
    for (const cached of [true, false]) {
      const x = fixture(cached);
      const set = await tag(x.ctx, { args: [REPO, 'app:stable'], policy: 'created:^\\d', namespace: 'shop' });
      expect(set.stdout).toContain('tag stable follows created:^\\d: (none) -> 1.4.0');
      expect(x.inspected.sort()).toEqual([`${REPO}@${D1}`, `${REPO}@${D2}`, `${REPO}@${D3}`]);
      x.inspected.length = 0;
      const r = await importImage(x.ctx, { target: 'app:stable', namespace: 'shop' });
      expect(r.exitCode).toBe(0);
      expect(x.inspected.length).toBe(cached ? 0 : 3);
      expect(x.stored.size).toBe(cached ? 3 : 0);
      runs.push(x.f.text(set.files[0]!.path));
    }
    expect(runs[0]).toBe(runs[1]);
  });
});
