// Golden trees for every update-target kind: reconcile over test/fixtures/targets/<case>/input (plus
// the shared web stream) with a fake registry, compared with <case>/expected byte for byte; then a
// second run writes nothing. UPDATE_GOLDEN=1 rewrites the expected trees (review the diff).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { renderCommitMessage } from '../../../src/planning/commit-message.js';
import { planToJson, renderPlanTable } from '../../../src/cli/render/render-plan.js';
import { D1, D2, fakeRegistry } from './tag-verb-fakes.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/targets');
const CASES = readdirSync(ROOT).filter((d) => d !== 'common' && existsSync(join(ROOT, d, 'input')));

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

async function run(files: Record<string, string>, digest = D1) {
  const workspace = memoryWorkspace(files);
  const ctx: AppContext = {
    workspace,
    settings: await loadRepoSettings(workspace),
    registry: fakeRegistry({ 'registry.example.com/web:1.4.2': digest }),
    clock: fixedClock('2026-11-21T06:00:00Z'),
    log: silentLog,
  };
  const result = await reconcile(ctx);
  const tree: Record<string, string> = {};
  for (const [p, b] of workspace.files) tree[p] = b.toString('utf8');
  return { result, tree, workspace };
}

describe('update targets: golden trees', () => {
  it.each(CASES)('%s', async (name) => {
    const input: Record<string, string> = { 'imagestreams/web.yaml': readFileSync(join(ROOT, 'common/web-stream.yaml'), 'utf8'), ...readTree(join(ROOT, name, 'input')) };
    const { result, tree } = await run(input);
    expect(result.changeSet.diagnostics).toEqual([]);
    const changed = Object.fromEntries(Object.entries(tree).filter(([p]) => p !== 'imagestreams/web.yaml' && tree[p] !== input[p]));
    const expectedDir = join(ROOT, name, 'expected');
    if (process.env['UPDATE_GOLDEN'] === '1') {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [p, t] of Object.entries(changed)) {
        mkdirSync(dirname(join(expectedDir, p)), { recursive: true });
        writeFileSync(join(expectedDir, p), t);
      }
    }
    expect(changed).toEqual(readTree(expectedDir));
    expect(result.changeSet.targets.length + result.changeSet.workloads.length).toBeGreaterThan(0);
    // every target and workload change is in a changed file; the plan names them
    const table = renderPlanTable(result.changeSet);
    for (const t of result.changeSet.targets) expect(table).toContain(`${t.file}:${t.line}`);
    expect(renderCommitMessage(result.changeSet)).toMatch(name === 'rollout' ? /Tagstream-Workload: Rollout\/shop\/web/ : /Tagstream-Target: /);
    expect(JSON.stringify(planToJson(result.changeSet))).toContain('"targets"');

    // idempotent: a second run over the result writes nothing
    const again = await run(tree);
    expect(again.result.changeSet.files).toEqual([]);
  });

  it('an OpenKruise CloneSet and a made-up CRD (spec.template.spec, spec.jobTemplate...) are pinned through their trigger annotation', async () => {
    const stream = readFileSync(join(ROOT, 'common/web-stream.yaml'), 'utf8');
    const trigger = (path: string) => `'[{"from":{"kind":"ImageStreamTag","name":"web:1"},"fieldPath":"${path}.containers[?(@.name==\\"web\\")].image"}]'`;
    const crd = (apiVersion: string, kind: string, podSpec: string, indent: string) => `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: ${trigger(podSpec)}
spec:
${podSpec.split('.').slice(1).map((k, i) => `${'  '.repeat(i + 1)}${k}:`).join('\n')}
${indent}containers:
${indent}- name: web
${indent}  image: registry.example.com/web:1.4.1
`;
    const files = {
      'imagestreams/web.yaml': stream,
      'cloneset.yaml': crd('apps.kruise.io/v1alpha1', 'CloneSet', 'spec.template.spec', '      '),
      'widget.yaml': crd('example.com/v1', 'Widget', 'spec.template.spec', '      '),
      'nightly.yaml': crd('batch.example.org/v1', 'NightlyTask', 'spec.jobTemplate.spec.template.spec', '          '),
    };
    const { result, tree } = await run(files);
    expect(result.changeSet.diagnostics).toEqual([]);
    for (const file of ['cloneset.yaml', 'widget.yaml', 'nightly.yaml']) {
      expect(tree[file], file).toBe(files[file as keyof typeof files].replace('registry.example.com/web:1.4.1', `registry.example.com/web@${D1}`));
    }
    expect(result.changeSet.workloads.map((w) => `${w.kind}/${w.name} ${w.field}`).sort()).toEqual([
      'CloneSet/web spec.template.spec.containers[0].image',
      'NightlyTask/web spec.jobTemplate.spec.template.spec.containers[0].image',
      'Widget/web spec.template.spec.containers[0].image',
    ]);
  });

  it('a Rollout trigger path that does not resolve and a CRD without a pod template are warnings', async () => {
    const stream = readFileSync(join(ROOT, 'common/web-stream.yaml'), 'utf8');
    const rollout = readTree(join(ROOT, 'rollout/input'))['rollout.yaml']!.replace('fieldPath":"spec.template.spec.containers[0]', 'fieldPath":"spec.podSpec.containers[0]');
    const task = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:1"},"fieldPath":"spec.steps[0].image"}]'
spec:
  steps:
  - image: registry.example.com/web:1.4.1
`;
    const { result } = await run({ 'imagestreams/web.yaml': stream, 'rollout.yaml': rollout, 'task.yaml': task });
    expect(result.changeSet.diagnostics.map((d) => [d.severity, d.file, d.message])).toEqual([
      ['warning', 'rollout.yaml', 'trigger fieldPath spec.podSpec.containers[0].image of Service shop/web-knative does not resolve: fieldPath does not start with spec.template.spec.'],
      ['warning', 'task.yaml', 'image.openshift.io/triggers is not applied: Task shop/build has no pod template (looked for spec.template.spec.containers)'],
    ]);
  });

  it('revert holds: a held digest keeps every target kind where it is', async () => {
    const input = { 'imagestreams/web.yaml': readFileSync(join(ROOT, 'common/web-stream.yaml'), 'utf8'), ...readTree(join(ROOT, 'helm/input')), ...readTree(join(ROOT, 'dockerfile/input')) };
    const first = await run(input, D1);
    expect(first.result.changeSet.targets.length).toBeGreaterThan(0);
    // the registry moves to D2, but the move to D2 was reverted in Git: planReconcile receives the hold
    const { planReconcile } = await import('../../../src/app/reconcile-plan.js');
    const workspace = memoryWorkspace(first.tree);
    const ctx: AppContext = {
      workspace,
      settings: await loadRepoSettings(workspace),
      registry: fakeRegistry({ 'registry.example.com/web:1.4.2': D2 }),
      clock: fixedClock('2026-11-22T06:00:00Z'),
      log: silentLog,
    };
    const held = await planReconcile(ctx, { importNow: ['shop/web:1'] }, new Map([['shop/web:1', [{ key: 'shop/web:1', image: D2, heldBy: 'abc123', reverted: 'def456' }]]]));
    expect(held.changeSet.held.map((h) => h.image)).toEqual([D2]);
    expect(held.changeSet.targets).toEqual([]);
    expect(held.changeSet.files.filter((f) => f.path !== 'imagestreams/web.yaml')).toEqual([]);
    const moved = await planReconcile(ctx, { importNow: ['shop/web:1'] }, new Map());
    expect(moved.changeSet.targets.map((t) => t.to).some((v) => v.includes(D2))).toBe(true);
  });
});
