// reconcile over an in-memory repository and a fake registry: what it writes, and what it never does.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { D1, D2, fakeRegistry, type FakeRegistry } from './tag-verb-fakes.js';

const STREAM = `# the web stream
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
spec:
  tags:
  - name: "1.0"
    from:
      kind: DockerImage
      name: quay.example.com/team/web:1.0
    importPolicy:
      scheduled: true
  - name: prod
    from:
      kind: ImageStreamTag
      name: "1.0"
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:prod"},"fieldPath":"spec.template.spec.containers[0].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: quay.example.com/team/web:1.0   # keep me
`;

function setup(files: Record<string, string>, registry: FakeRegistry) {
  const workspace = memoryWorkspace(files);
  const at = (when: string): AppContext => ({
    workspace,
    settings: DEFAULT_REPO_SETTINGS,
    registry,
    clock: fixedClock(when),
    log: silentLog,
  });
  const read = (path: string) => workspace.files.get(path)!.toString('utf8');
  return { workspace, at, read };
}

describe('reconcile (in memory)', () => {
  it('inspects moved images (manifest + config) only when asked to show when they were built (#16.4)', async () => {
    const inspected: string[] = [];
    const run = async (imageCreated: boolean | undefined) => {
      const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
      const { at } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
      const ctx = at('2026-11-21T06:00:00Z');
      const inspect: AppContext['registry']['inspect'] = async (ref, o) => {
        inspected.push(ref.repository);
        return ctx.registry.inspect(ref, o);
      };
      return reconcile({ ...ctx, registry: { ...ctx.registry, inspect } }, { dryRun: true, imageCreated });
    };
    const plain = await run(undefined);
    expect(plain.changeSet.moves).toHaveLength(2);
    expect(plain.changeSet.moves.map((m) => m.imageCreated)).toEqual([undefined, undefined]);
    expect(inspected).toEqual([]);
    const shown = await run(true);
    expect(shown.changeSet.moves.map((m) => m.imageCreated)).toEqual(['2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z']);
    // one inspect per moved digest (the alias moved to the same one)
    expect(inspected).toHaveLength(1);
    expect(shown.changeSet.moves.map(({ imageCreated: _, ...m }) => m)).toEqual(plain.changeSet.moves);
  });

  it('imports, records history, follows the alias and pins the workload; the stream file keeps relying on the default namespace', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { at, read } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    const r = await reconcile(at('2026-11-21T06:00:00Z'), { imageCreated: true });
    expect(r.exitCode).toBe(0);
    expect(r.changeSet.moves.map((m) => `${m.stream}:${m.tag} ${m.reason}`)).toEqual(['default/web:1.0 new-tag', 'default/web:prod tracking']);
    expect(r.changeSet.moves[0]!.imageCreated).toBe('2026-11-01T00:00:00Z');
    expect(read('apps/web.yaml')).toBe(DEPLOYMENT.replace('web:1.0   # keep me', `web@${D1}   # keep me`));
    const stream = parse(read('is/web.yaml'));
    expect(stream.metadata.namespace).toBeUndefined();
    expect(read('is/web.yaml').startsWith('# the web stream\n')).toBe(true);
    expect(stream.status.tags.map((t: { tag: string; items: { image: string }[] }) => [t.tag, t.items[0]!.image])).toEqual([
      ['1.0', D1],
      ['prod', D1],
    ]);
  });

  it('is idempotent: a second run with nothing new writes nothing', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { workspace, at } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    await reconcile(at('2026-11-21T06:00:00Z'));
    const writes = workspace.writes.length;
    const again = await reconcile(at('2026-11-21T06:05:00Z'));
    expect(again.changeSet.files).toEqual([]);
    expect(workspace.writes.length).toBe(writes);
  });

  it('--dry-run plans the same change and writes nothing', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { workspace, at } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    const r = await reconcile(at('2026-11-21T06:00:00Z'), { dryRun: true });
    expect(r.changeSet.files.map((f) => f.path)).toEqual(['apps/web.yaml', 'is/web.yaml']);
    expect(workspace.writes).toEqual([]);
  });

  it('honours a hand edit of a spec tag in a namespace-less stream (re-pointed alias) as a spec update', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1, 'quay.example.com/team/web:2.0': D2 });
    const withTwo = STREAM.replace('  - name: prod', '  - name: "2.0"\n    from:\n      kind: DockerImage\n      name: quay.example.com/team/web:2.0\n  - name: prod');
    const { workspace, at, read } = setup({ 'is/web.yaml': withTwo, 'apps/web.yaml': DEPLOYMENT }, registry);
    await reconcile(at('2026-11-21T06:00:00Z'));
    // a reviewer merges a commit that re-points prod at 2.0 (generation untouched)
    await workspace.writeFile('is/web.yaml', read('is/web.yaml').replace('      kind: ImageStreamTag\n      name: "1.0"', '      kind: ImageStreamTag\n      name: "2.0"'));
    const r = await reconcile(at('2026-11-21T07:00:00Z'));
    expect(r.changeSet.moves.map((m) => `${m.stream}:${m.tag}`)).toEqual(['default/web:prod']);
    const prod = parse(read('is/web.yaml')).status.tags.find((t: { tag: string }) => t.tag === 'prod');
    expect(prod.items.map((i: { image: string }) => i.image)).toEqual([D2, D1]);
    expect(read('apps/web.yaml')).toContain(`web@${D2}   # keep me`);
  });

  it('a failing registry becomes a condition on that tag; the other tags and files still move; exit 1', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const other = STREAM.replace(/web/g, 'api');
    const { at, read } = setup({ 'is/web.yaml': STREAM, 'is/api.yaml': other, 'apps/web.yaml': DEPLOYMENT }, registry);
    const r = await reconcile(at('2026-11-21T06:00:00Z'));
    expect(r.exitCode).toBe(1);
    expect(r.changeSet.failures).toEqual([
      { stream: 'default/api', tag: '1.0', reason: 'NotFound', message: 'dockerimage.image.openshift.io "quay.example.com/team/api:1.0" not found' },
    ]);
    expect(parse(read('is/api.yaml')).status.tags[0].conditions[0]).toMatchObject({ type: 'ImportSuccess', status: 'False', reason: 'NotFound' });
    expect(read('apps/web.yaml')).toContain(`web@${D1}`);
  });

  it('a transient registry failure is reported but not written, so a flaky network makes no commit', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    registry.unavailable.add('quay.example.com/team/web:1.0');
    const { workspace, at } = setup({ 'is/web.yaml': STREAM }, registry);
    const r = await reconcile(at('2026-11-21T06:00:00Z'));
    expect(r.exitCode).toBe(1);
    expect(r.changeSet.failures[0]!.reason).toBe('InternalError');
    expect(workspace.writes.filter((p) => p.startsWith('is/'))).toEqual(r.changeSet.files.map((f) => f.path).filter((p) => p.startsWith('is/')));
    expect(r.changeSet.moves).toEqual([]);
  });

  it('a broken trigger annotation blocks only its object, with a located error', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const broken = DEPLOYMENT.replace('name: web\n  annotations', 'name: broken\n  annotations').replace('"fieldPath"', '"paused":"true","fieldPath"');
    const { at, read } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT, 'apps/broken.yaml': broken }, registry);
    const r = await reconcile(at('2026-11-21T06:00:00Z'));
    expect(r.exitCode).toBe(1);
    const d = r.changeSet.diagnostics.find((x) => x.file === 'apps/broken.yaml')!;
    expect(d).toMatchObject({ severity: 'error', object: 'Deployment/default/broken' });
    expect(d.line).toBeGreaterThan(0);
    expect(read('apps/broken.yaml')).toBe(broken);
    expect(read('apps/web.yaml')).toContain(`web@${D1}`);
  });
});

describe('reconcile writes all or nothing', () => {
  it('a failing write puts back the files already written, and the error surfaces', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { workspace, at, read } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    const write = workspace.writeFile.bind(workspace);
    let calls = 0;
    workspace.writeFile = async (path, data) => {
      calls++;
      if (calls === 2) throw new Error('ENOSPC: no space left on device');
      return write(path, data);
    };
    await expect(reconcile(at('2026-11-21T06:00:00Z'))).rejects.toThrow('ENOSPC');
    expect(read('apps/web.yaml')).toBe(DEPLOYMENT);
    expect(read('is/web.yaml')).toBe(STREAM);
  });

  it('--commit outside a Git working copy fails before writing anything', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { workspace, at } = setup({ 'is/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    await expect(reconcile(at('2026-11-21T06:00:00Z'), { commit: { author: { name: 'a', email: 'a@example.com' } } })).rejects.toThrow(/not a Git working copy/);
    expect(workspace.writes).toEqual([]);
  });
});

describe('set image-lookup leaves nothing for reconcile (#13.3)', () => {
  it('the verb records the spec update (generation, observed spec); the next reconcile plans no file', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { at, workspace } = setup({ 'imagestreams/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    await reconcile(at('2026-11-20T10:00:00Z'));
    const { setImageLookup } = await import('../../../src/app/set-image-lookup.js');
    const ctx = at('2026-11-20T11:00:00Z');
    const out = await setImageLookup({ workspace, settings: ctx.settings, clock: ctx.clock }, { targets: ['web'] });
    expect(out.errors).toEqual([]);
    expect(out.files.map((f) => f.path)).toEqual(['imagestreams/web.yaml']);
    const stream = parse(workspace.files.get('imagestreams/web.yaml')!.toString('utf8')) as { metadata: { generation: number }; spec: { lookupPolicy: { local: boolean } } };
    expect(stream.spec.lookupPolicy.local).toBe(true);
    const dry = await reconcile(at('2026-11-20T12:00:00Z'), { dryRun: true, scheduledDue: false });
    expect(dry.changeSet.files).toEqual([]);
  });

  it('the stream is written as its new state (#11.1): -o yaml shows what the file now holds, still without metadata.namespace', async () => {
    const registry = fakeRegistry({ 'quay.example.com/team/web:1.0': D1 });
    const { at, workspace, read } = setup({ 'imagestreams/web.yaml': STREAM, 'apps/web.yaml': DEPLOYMENT }, registry);
    await reconcile(at('2026-11-20T10:00:00Z'));
    const before = parse(read('imagestreams/web.yaml')) as { metadata: { generation: number; annotations: Record<string, string> } };
    const { setImageLookup } = await import('../../../src/app/set-image-lookup.js');
    const ctx = at('2026-11-20T11:00:00Z');
    const { setOutput } = await import('../../../src/cli/render/set-output.js');
    const out = await setImageLookup({ workspace, settings: ctx.settings, clock: ctx.clock }, { targets: ['web'] });
    expect(out.errors).toEqual([]);
    const written = parse(read('imagestreams/web.yaml')) as typeof before & { metadata: { namespace?: string } };
    const printed = parse(setOutput(out, 'yaml').stdout) as { changed: unknown[]; files: string[]; items: unknown[] };
    expect(printed.items).toEqual([written]);
    expect(printed.files).toEqual(['imagestreams/web.yaml']);
    expect(printed.changed).toEqual([{ kind: 'ImageStream', namespace: 'default', name: 'web', file: 'imagestreams/web.yaml', change: 'updated' }]);
    expect(written.metadata.namespace).toBeUndefined();
    expect(written.metadata.generation).toBe(before.metadata.generation + 1);
    expect(written.metadata.annotations['tagstream.io/observed-spec']).not.toBe(before.metadata.annotations['tagstream.io/observed-spec']);
  });
});
