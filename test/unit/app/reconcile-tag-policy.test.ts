// Tag policies in a reconcile over an in-memory repository and a fake registry (issue #15).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { planReconcile } from '../../../src/app/reconcile-plan.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { renderCommitMessage } from '../../../src/planning/commit-message.js';
import { renderPullRequest } from '../../../src/planning/pull-request-body.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { RegistryError } from '../../../src/errors.js';
import { referenceText, type ImageReference } from '../../../src/domain/image-reference.js';
import type { AccessOptions } from '../../../src/ports/registry.js';
import { silentLog } from '../../../src/ports/log.js';
import type { GitRepository } from '../../../src/ports/git.js';
import type { ImageCreatedCache } from '../../../src/ports/image-created-cache.js';
import { D1, D2, D3, D4, D5, fakeRegistry, type FakeRegistry, tagImage, setTags } from './tag-verb-fakes.js';

const REPO = 'registry.example.com/team/app';

function streamFile(policy: string, fromTag = '1.3.0'): string {
  return `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: stable
    from:
      kind: DockerImage
      name: ${REPO}:${fromTag}
    annotations:
      tagstream.io/tag-policy: ${JSON.stringify(policy)}
    importPolicy:
      scheduled: true
  - name: plain
    from:
      kind: DockerImage
      name: ${REPO}:plain
    importPolicy:
      scheduled: true
`;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:stable"},"fieldPath":"spec.template.spec.containers[0].image"}]'
spec:
  template:
    spec:
      containers:
      - name: app
        image: ${REPO}:1.3.0
`;

interface Counted extends FakeRegistry {
  lists: string[];
  inspected: string[];
}

function registryWith(tags: Record<string, string>, created: Record<string, string> = {}): Counted {
  const base = fakeRegistry({ ...Object.fromEntries(Object.entries(tags).map(([t, d]) => [`${REPO}:${t}`, d])), [`${REPO}:plain`]: D3 });
  setTags(base, REPO, [...Object.keys(tags), 'plain']);
  const lists: string[] = [];
  const inspected: string[] = [];
  // The contract fake underneath, with its listings and inspections counted
  return Object.assign(Object.create(base) as FakeRegistry, {
    lists,
    inspected,
    async listTags(repository: ImageReference, options?: AccessOptions) {
      lists.push(repository.repository);
      return base.listTags(repository, options);
    },
    async inspect(reference: ImageReference) {
      inspected.push(referenceText(reference));
      const digest = reference.digest ?? '';
      return { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', created: created[digest] };
    },
  });
}

function setup(files: Record<string, string>, registry: RegistryLike) {
  const workspace = memoryWorkspace(files);
  const ctx: AppContext = { workspace, settings: DEFAULT_REPO_SETTINGS, registry, clock: fixedClock('2026-12-05T08:00:00Z'), log: silentLog };
  const read = (path: string) => workspace.files.get(path)!.toString('utf8');
  return { workspace, ctx, read };
}
type RegistryLike = AppContext['registry'];

const D14 = D4;
const D20 = D5;

describe('reconcile with tag policies', () => {
  it('follows the newest matching tag: from.name rewritten as a spec update, imported, recorded, workloads pinned', async () => {
    const registry = registryWith({ '1.3.0': D1, '1.4.0': D14, '2.0.0': D20, latest: D20 });
    const before = streamFile('semver:^1.0.0');
    const values = `image:\n  tag: "1.3.0"   # {"$imagestream": "shop/app:stable:tag"}\n  digest: ""    # {"$imagestream": "shop/app:stable:digest"}\n`;
    const { ctx, read } = setup({ 'is/app.yaml': before, 'apps/app.yaml': DEPLOYMENT, 'chart/values.yaml': values }, registry);
    const r = await reconcile(ctx);
    expect(r.exitCode).toBe(0);
    const stable = r.changeSet.moves.find((m) => m.tag === 'stable')!;
    expect(stable.followed).toEqual({ policy: 'semver:^1.0.0', from: '1.3.0', to: '1.4.0' });
    expect(stable.to.image).toBe(D14);
    const stream = parse(read('is/app.yaml'));
    expect(stream.spec.tags[0].from.name).toBe(`${REPO}:1.4.0`);
    expect(stream.status.tags.find((t: { tag: string }) => t.tag === 'stable').items[0]).toMatchObject({ image: D14, dockerImageReference: `${REPO}@${D14}` });
    // the annotation and the rest of the tag are left as written
    expect(read('is/app.yaml')).toContain('tagstream.io/tag-policy: "semver:^1.0.0"');
    expect(read('apps/app.yaml')).toContain(`image: ${REPO}@${D14}`);
    // markers: `:tag` gives the winning tag
    expect(read('chart/values.yaml')).toBe(values.replace('"1.3.0"', '"1.4.0"').replace('""', `"${D14}"`));
    const message = renderCommitMessage(r.changeSet);
    expect(message).toContain(`Tagstream-Policy: shop/app:stable 1.3.0 -> 1.4.0 ${D14}`);
    expect(message).toContain('tag 1.3.0 -> 1.4.0 by semver:^1.0.0');
    expect(renderPullRequest(r.changeSet, { base: 'main' }).body).toContain('`shop/app:stable` (`1.3.0` → `1.4.0`, `semver:^1.0.0`)');
  });

  it('a spec edit bumps generations as a spec update does', async () => {
    const registry = registryWith({ '1.3.0': D1, '1.4.0': D14 });
    const { ctx, read } = setup({ 'is/app.yaml': streamFile('semver:^1.0.0') }, registry);
    await reconcile(ctx);
    const first = parse(read('is/app.yaml'));
    tagImage(registry, `${REPO}:1.5.0`, D2);
    setTags(registry, REPO, ['1.3.0', '1.4.0', '1.5.0', 'plain']);
    await reconcile(ctx);
    const second = parse(read('is/app.yaml'));
    expect(second.spec.tags[0].from.name).toBe(`${REPO}:1.5.0`);
    expect(second.metadata.generation).toBeGreaterThan(first.metadata.generation);
    expect(second.spec.tags[0].generation).toBeGreaterThan(first.spec.tags[0].generation);
    // the plain tag did not change: its generation stays
    expect(second.spec.tags[1].generation).toBe(first.spec.tags[1].generation);
    const items = second.status.tags.find((t: { tag: string }) => t.tag === 'stable').items;
    expect(items.map((i: { image: string }) => i.image)).toEqual([D2, D14]);
    expect(items[0].generation).toBe(second.spec.tags[0].generation);
  });

  it('an unchanged winner with an unchanged digest costs one tag list and one resolve, and writes nothing', async () => {
    const registry = registryWith({ '1.3.0': D1, '1.4.0': D14, '2.0.0': D20 });
    const { ctx, workspace } = setup({ 'is/app.yaml': streamFile('semver:^1.0.0') }, registry);
    await reconcile(ctx);
    const writes = workspace.writes.length;
    registry.lists.length = 0;
    registry.resolved.length = 0;
    const r = await reconcile(ctx);
    expect(r.changeSet.files).toEqual([]);
    expect(workspace.writes.length).toBe(writes);
    expect(registry.lists).toEqual([REPO]);
    expect(registry.resolved.map((c) => c.reference).sort()).toEqual([`${REPO}:1.4.0`, `${REPO}:plain`]);
  });

  it('pushing 2.0.0 does not move a semver:^1.0.0 tag', async () => {
    const registry = registryWith({ '1.3.0': D1, '2.0.0': D20 });
    const { ctx, read } = setup({ 'is/app.yaml': streamFile('semver:^1.0.0') }, registry);
    const r = await reconcile(ctx);
    const stable = r.changeSet.moves.find((m) => m.tag === 'stable')!;
    expect(stable.to.image).toBe(D1);
    expect(stable.followed).toBeUndefined();
    expect(parse(read('is/app.yaml')).spec.tags[0].from.name).toBe(`${REPO}:1.3.0`);
  });

  it('numerical: build-11 beats build-10 (and build-9)', async () => {
    const registry = registryWith({ 'build-9': D1, 'build-10': D2, 'build-11': D14 });
    const { ctx, read } = setup({ 'is/app.yaml': streamFile('numerical:^build-(\\d+)$', 'build-10') }, registry);
    const r = await reconcile(ctx);
    expect(r.changeSet.moves.find((m) => m.tag === 'stable')!.followed).toEqual({ policy: 'numerical:^build-(\\d+)$', from: 'build-10', to: 'build-11' });
    expect(parse(read('is/app.yaml')).spec.tags[0].from.name).toBe(`${REPO}:build-11`);
  });

  it('created: newest image config wins; one config read per digest', async () => {
    const registry = registryWith(
      { 'main-a': D1, 'main-b': D2, 'main-c': D2, other: D20 },
      { [D1]: '2026-12-01T00:00:00Z', [D2]: '2026-12-03T00:00:00Z', [D20]: '2027-01-01T00:00:00Z' },
    );
    const { ctx, read } = setup({ 'is/app.yaml': streamFile('created:^main-', 'main-a') }, registry);
    const r = await reconcile(ctx, { imageCreated: true });
    // main-b and main-c are the same image: equal times, the greater text wins
    expect(r.changeSet.moves.find((m) => m.tag === 'stable')!.followed?.to).toBe('main-c');
    expect(parse(read('is/app.yaml')).spec.tags[0].from.name).toBe(`${REPO}:main-c`);
    expect(r.changeSet.moves.find((m) => m.tag === 'stable')!.to.image).toBe(D2);
    // one config read per digest (the moves' report reuses them); `other` is no candidate and never read
    expect(registry.inspected.sort()).toEqual([`${REPO}@${D1}`, `${REPO}@${D2}`, `${REPO}@${D3}`]);
  });

  it('created: build times known from an earlier run are not read again; the same winner either way', async () => {
    const times = { [D1]: '2026-12-01T00:00:00Z', [D2]: '2026-12-03T00:00:00Z', [D3]: '2026-11-01T00:00:00Z' };
    const stored = new Map<string, string>();
    let saves = 0;
    const known: ImageCreatedCache = { get: (k) => stored.get(k), set: (k, v) => void stored.set(k, v), save: async () => void saves++ };
    const git = { imageCreatedCache: async () => known } as unknown as GitRepository;
    const files = { 'is/app.yaml': streamFile('created:^main-', 'main-a') };
    const winner = (r: Awaited<ReturnType<typeof planReconcile>>) => r.changeSet.moves.find((m) => m.tag === 'stable');

    const without = registryWith({ 'main-a': D1, 'main-b': D2 }, times);
    const plain = await planReconcile(setup(files, without).ctx, { imageCreated: true }, new Map());
    const first = registryWith({ 'main-a': D1, 'main-b': D2 }, times);
    const a = await planReconcile({ ...setup(files, first).ctx, git }, { imageCreated: true }, new Map());
    expect(first.inspected.sort()).toEqual([`${REPO}@${D1}`, `${REPO}@${D2}`, `${REPO}@${D3}`]);
    expect([...stored.keys()].sort()).toEqual([`${REPO}@${D1}`, `${REPO}@${D2}`, `${REPO}@${D3}`]);
    expect(saves).toBe(1);

    const second = registryWith({ 'main-a': D1, 'main-b': D2 }, times);
    const b = await planReconcile({ ...setup(files, second).ctx, git }, { imageCreated: true }, new Map());
    expect(second.inspected).toEqual([]);
    expect(winner(b)?.followed?.to).toBe('main-b');
    expect(winner(b)?.imageCreated).toBe(times[D2]);
    expect(b.changeSet).toEqual(a.changeSet);
    expect(a.changeSet).toEqual(plain.changeSet);
  });

  it('an invalid policy is a located diagnostic; the tag keeps its image, the rest proceeds', async () => {
    const registry = registryWith({ '1.3.0': D1, '1.4.0': D14 });
    const { ctx } = setup({ 'is/app.yaml': streamFile('semver:not a range') }, registry);
    const r = await reconcile(ctx);
    expect(r.exitCode).toBe(1);
    const d = r.changeSet.diagnostics.find((x) => x.message.includes('tag-policy'))!;
    expect(d).toMatchObject({ severity: 'error', file: 'is/app.yaml', line: 13, col: 32 });
    expect(d.message).toContain('spec.tags[0].annotations[tagstream.io/tag-policy]: Invalid value: "semver:not a range"');
    expect(r.changeSet.moves.map((m) => m.tag)).toEqual(['plain']);
    expect(registry.resolved.map((c) => c.reference)).toEqual([`${REPO}:plain`]);
  });

  it('no matching tag: a warning, the tag keeps its image', async () => {
    const registry = registryWith({ '1.3.0': D1 });
    const { ctx } = setup({ 'is/app.yaml': streamFile('semver:^7') }, registry);
    const r = await reconcile(ctx);
    expect(r.changeSet.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('no tag of registry.example.com/team/app matches tag policy "semver:^7"') }));
    expect(r.changeSet.moves.map((m) => m.tag)).toEqual(['plain']);
  });

  it('a failed listing fails the tag only (transient: nothing recorded)', async () => {
    const failing: RegistryLike = Object.assign(Object.create(registryWith({ '1.3.0': D1 })) as FakeRegistry, {
      listTags: async () => {
        throw new RegistryError('RegistryTransient', 'tags/list: 503 Service Unavailable', { registry: 'fake', status: 503, retryable: true });
      },
    });
    const { ctx, read } = setup({ 'is/app.yaml': streamFile('semver:^1') }, failing);
    const r = await reconcile(ctx);
    expect(r.changeSet.failures.map((f) => f.tag)).toEqual(['stable']);
    expect(r.changeSet.failures[0]!.message).toContain('choosing a tag of registry.example.com/team/app by policy "semver:^1" failed');
    expect(r.changeSet.moves.map((m) => m.tag)).toEqual(['plain']);
    expect(parse(read('is/app.yaml')).status.tags.map((t: { tag: string }) => t.tag)).toEqual(['plain']);
  });

  it('revert holds: a reverted policy bump stays reverted until a newer winner appears', async () => {
    const registry = registryWith({ '1.3.0': D1, '1.4.0': D14 });
    const { ctx, workspace, read } = setup({ 'is/app.yaml': streamFile('semver:^1.0.0') }, registry);
    await reconcile(ctx);
    expect(parse(read('is/app.yaml')).spec.tags[0].from.name).toBe(`${REPO}:1.4.0`);
    // the file as `git revert` of that bump leaves it: the stream imported at 1.3.0 / D1
    const fresh = setup({ 'is/app.yaml': streamFile('semver:^1.0.0') }, registryWith({ '1.3.0': D1 }));
    await reconcile(fresh.ctx);
    await workspace.writeFile('is/app.yaml', fresh.read('is/app.yaml'));
    const holds = new Map([['shop/app:stable', [{ key: 'shop/app:stable', image: D14, heldBy: 'r'.repeat(40), reverted: 'c'.repeat(40) }]]]);
    const held = await planReconcile(ctx, {}, holds);
    expect(held.changeSet.held).toEqual([{ stream: 'shop/app', tag: 'stable', image: D14, heldBy: 'r'.repeat(40), reason: 'reverted' }]);
    expect(held.changeSet.files).toEqual([]);
    // a newer winner is not held
    tagImage(registry, `${REPO}:1.5.0`, D2);
    setTags(registry, REPO, ['1.3.0', '1.4.0', '1.5.0', 'plain']);
    const moved = await planReconcile(ctx, {}, holds);
    expect(moved.changeSet.moves.find((m) => m.tag === 'stable')).toMatchObject({ to: { image: D2 }, followed: { from: '1.3.0', to: '1.5.0' } });
  });
});
