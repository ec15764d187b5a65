/**
 * #16 daemon webhook: a reconcile pass scoped to the streams a registry push moves
 * (ReconcileOptions.scope) gives the whole pass's result on a reconciled working copy — streams
 * in several namespaces, same-stream tracking, annotation triggers, a DeploymentConfig, local lookup
 * and a Helm values marker — and still settles hand edits and imports what is due elsewhere.
 */
import { describe, expect, it } from 'vitest';
import type { AppContext, ReconcileOptions } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { workloadsNaming } from '../../../src/app/reconcile-plan.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';
import { buildInventory } from '../../../src/inventory/inventory.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { MemoryGitRemote } from '../../fakes/memory-git.js';
import { memoryWorkspace, type MemoryWorkspace } from '../../fakes/memory-workspace.js';
import { D1, D2, D3, fakeRegistry, tagImage, type FakeRegistry } from './tag-verb-fakes.js';

const stream = (namespace: string, name: string, tags: string, extra = '') => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${extra}  tags:
${tags}`;

const dockerTag = (name: string, from: string) => `  - name: "${name}"
    from:
      kind: DockerImage
      name: ${from}
    importPolicy:
      scheduled: true
`;

const annotated = (namespace: string, name: string, triggers: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
  annotations:
    image.openshift.io/triggers: '${triggers}'
spec:
  template:
    spec:
      containers:
      - name: main
        image: ${image}
`;

const trigger = (from: string, namespace?: string) =>
  `[{"from":{"kind":"ImageStreamTag","name":"${from}"${namespace ? `,"namespace":"${namespace}"` : ''}},"fieldPath":"spec.template.spec.containers[?(@.name==\\"main\\")].image"}]`;

const FILES: Record<string, string> = {
  'is/web.yaml': stream('shop', 'web', `${dockerTag('1.0', 'quay.example.com/team/web:1.0')}  - name: latest
    from:
      kind: ImageStreamTag
      name: web:1.0
`),
  'is/api.yaml': stream('shop', 'api', dockerTag('2', 'quay.example.com/team/api:2'), '  lookupPolicy:\n    local: true\n'),
  'is/db.yaml': stream('data', 'db', dockerTag('16', 'quay.example.com/team/db:16')),
  'is/webhooks.yaml': stream('shop', 'webhooks', dockerTag('1', 'quay.example.com/team/webhooks:1')),
  'deploy/shop.yaml': [
    annotated('shop', 'web', trigger('web:latest'), 'web'),
    annotated('shop', 'worker', trigger('api:2'), 'api'),
    annotated('shop', 'hooks', trigger('webhooks:1'), 'webhooks'),
    annotated('shop', 'reports', trigger('db:16', 'data'), 'db'),
  ].join('---\n'),
  'deploy/lookup.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cli
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: main
        image: api:2
`,
  'deploy/dc.yaml': `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: db-admin
  namespace: data
spec:
  triggers:
  - type: ImageChange
    imageChangeParams:
      automatic: true
      containerNames: [main]
      from:
        kind: ImageStreamTag
        name: db:16
  template:
    spec:
      containers:
      - name: main
        image: db
`,
  'charts/web/values.yaml': `image:
  repository: quay.example.com/team/web   # {"$imagestream": "shop/web:1.0:name"}
  digest: ""                              # {"$imagestream": "shop/web:1.0:digest"}
`,
};

const REFS = ['quay.example.com/team/web:1.0', 'quay.example.com/team/api:2', 'quay.example.com/team/db:16', 'quay.example.com/team/webhooks:1'];

function context(workspace: MemoryWorkspace | AppContext['workspace'], registry: FakeRegistry, at = '2026-11-21T06:00:00Z'): AppContext {
  return { workspace, settings: DEFAULT_REPO_SETTINGS, registry, clock: fixedClock(at), log: silentLog };
}

/** The files after a whole reconcile: every tag imported, every workload pinned (a reconciled head). */
async function reconciled(): Promise<{ files: Record<string, string>; registry: FakeRegistry }> {
  const registry = fakeRegistry(Object.fromEntries(REFS.map((r) => [r, D1])));
  const workspace = memoryWorkspace(FILES);
  const first = await reconcile(context(workspace, registry));
  expect(first.changeSet.diagnostics).toEqual([]);
  expect(first.changeSet.moves).toHaveLength(5);
  expect(first.changeSet.targets).toHaveLength(1);
  const files = Object.fromEntries([...workspace.files].map(([p, b]) => [p, b.toString('utf8')]));
  const again = await reconcile(context(memoryWorkspace(files), registry), { dryRun: true });
  expect(again.changeSet.files).toEqual([]);
  return { files, registry };
}

/** The same hinted pass, whole and scoped, on copies of `files`. */
async function bothWays(files: Record<string, string>, registry: FakeRegistry, importNow: string[], scope: string[], extra: ReconcileOptions = {}) {
  const options: ReconcileOptions = { dryRun: true, importNow, scheduledDue: false, ...extra };
  const whole = await reconcile(context(memoryWorkspace(files), registry, '2026-11-21T07:00:00Z'), options);
  const scoped = await reconcile(context(memoryWorkspace(files), registry, '2026-11-21T07:00:00Z'), { ...options, scope: new Set(scope) });
  return { whole: whole.changeSet, scoped: scoped.changeSet };
}

describe('a reconcile pass scoped to the streams a push moves', () => {
  it.each([
    ['shop/web:1.0', 'quay.example.com/team/web:1.0', 3],
    ['shop/api:2', 'quay.example.com/team/api:2', 3],
    ['data/db:16', 'quay.example.com/team/db:16', 3],
    ['shop/webhooks:1', 'quay.example.com/team/webhooks:1', 2],
  ])('%s moved: the same changes as the whole pass', async (key, ref, changedFiles) => {
    const { files, registry } = await reconciled();
    tagImage(registry, ref, D2);
    const { whole, scoped } = await bothWays(files, registry, [key], [key.slice(0, key.indexOf(':'))]);
    expect(whole.files).toHaveLength(changedFiles);
    expect(scoped.files).toEqual(whole.files);
    expect(scoped.moves).toEqual(whole.moves);
    expect(scoped.workloads).toEqual(whole.workloads);
    expect(scoped.targets).toEqual(whole.targets);
    expect(scoped.failures).toEqual(whole.failures);
  });

  it('still settles a hand edit and imports what is due in a stream outside the scope', async () => {
    const { files, registry } = await reconciled();
    tagImage(registry, 'quay.example.com/team/api:2', D2);
    tagImage(registry, 'quay.example.com/team/db:17', D3);
    // someone pointed db's tag at another image by hand: its generation moves and it is due
    const edited = { ...files, 'is/db.yaml': files['is/db.yaml']!.replace('team/db:16', 'team/db:17') };
    const { whole, scoped } = await bothWays(edited, registry, ['shop/api:2'], ['shop/api']);
    expect(whole.moves.map((m) => `${m.stream}:${m.tag}`).sort()).toEqual(['data/db:16', 'shop/api:2']);
    expect(scoped.files).toEqual(whole.files);
    expect(scoped.moves).toEqual(whole.moves);
    expect(scoped.workloads).toEqual(whole.workloads);
  });

  it('plans only what the scope names: a workload changed by hand elsewhere is left to the next whole pass', async () => {
    const { files, registry } = await reconciled();
    tagImage(registry, 'quay.example.com/team/api:2', D2);
    const pinned = files['deploy/shop.yaml']!;
    const drifted = { ...files, 'deploy/shop.yaml': pinned.replace(/image: quay\.example\.com\/team\/webhooks@sha256:[0-9a-f]+/, 'image: quay.example.com/team/webhooks:by-hand') };
    expect(drifted['deploy/shop.yaml']).not.toBe(pinned);
    const { whole, scoped } = await bothWays(drifted, registry, ['shop/api:2'], ['shop/api']);
    const names = (cs: typeof whole) => cs.workloads.map((w) => w.name).sort();
    expect(names(whole)).toEqual(['cli', 'hooks', 'worker']);
    expect(names(scoped)).toEqual(['cli', 'worker']);
  });

  it('picks the workloads whose triggers or image names can mention a stream in scope', async () => {
    // before the first reconcile every container names its image locally (`web`): all are lookup candidates
    const raw = await buildInventory(memoryWorkspace(FILES), DEFAULT_REPO_SETTINGS);
    expect(workloadsNaming(raw.workloads, new Set(['shop/api'])).map((w) => w.name).sort()).toEqual(['cli', 'db-admin', 'hooks', 'reports', 'web', 'worker']);
    // pinned, only the triggers tell
    const { files } = await reconciled();
    const inventory = await buildInventory(memoryWorkspace(files), DEFAULT_REPO_SETTINGS);
    const names = (scope: string[]) => workloadsNaming(inventory.workloads, new Set(scope)).map((w) => w.name).sort();
    // `web` is part of `webhooks`: a superset is fine, a missed workload is not; local lookup left
    // `cli` a trigger annotation that names api
    expect(names(['shop/web'])).toEqual(['hooks', 'web']);
    expect(names(['data/db'])).toEqual(['db-admin', 'reports']);
    expect(names(['shop/api'])).toEqual(['cli', 'worker']);
    expect(names(['shop/nothing'])).toEqual([]);
  });
});

describe('the scope of a reconcile with Git', () => {
  it('serves the first pass only when no interrupted run was finished first (files put back are not the reconciled state)', async () => {
    const registry = fakeRegistry(Object.fromEntries(REFS.map((r) => [r, D1])));
    const git = new MemoryGitRemote(FILES).clone();
    const ctx: AppContext = { ...context(git.workspace, registry), git };
    const author = { name: 'T', email: 't@x' };
    expect((await reconcile(ctx, { commit: { author } })).commit).toBeDefined();
    const pinned = new TextDecoder().decode(await git.workspace.readFile('deploy/shop.yaml'));
    const drifted = pinned.replace(/image: quay\.example\.com\/team\/webhooks@sha256:[0-9a-f]+/, 'image: quay.example.com/team/webhooks:by-hand');
    await git.workspace.writeFile('deploy/shop.yaml', drifted);
    const scope = new Set(['shop/api']);
    const scoped = await reconcile(ctx, { dryRun: true, scheduledDue: false, scope });
    expect(scoped.changeSet.workloads).toEqual([]);
    // a run killed while writing left its journal: the next run finishes it and plans everything
    await git.writeJournal(JSON.stringify({ version: 1, phase: 'writing', commit: false, files: [] }));
    const after = await reconcile(ctx, { scheduledDue: false, scope });
    expect(after.changeSet.workloads.map((w) => w.name)).toEqual(['hooks']);
  });
});
