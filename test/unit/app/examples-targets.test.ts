// The examples of update targets (examples/helm, examples/kustomize, the quickstart's Dockerfile):
// a reconcile with a fake registry changes exactly the marked lines, reports no diagnostics about
// them, and a second run changes nothing. The chart template and the Kustomization keep the shapes
// `helm template` / `kubectl kustomize` read (values paths, images: entries).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { D1, fakeRegistry } from './tag-verb-fakes.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

function tree(dir: string): Record<string, string> {
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

async function reconcileExample(name: string) {
  const files = tree(join(EXAMPLES, name));
  const workspace = memoryWorkspace(files);
  const images = { 'registry.example.com/shop/web:1.4.2': D1, 'registry.example.com/shop/frontend:1.4': D1 };
  const ctx: AppContext = {
    workspace,
    settings: await loadRepoSettings(workspace),
    registry: fakeRegistry(images),
    clock: fixedClock('2026-11-21T06:00:00Z'),
    log: silentLog,
  };
  const result = await reconcile(ctx);
  const after = (p: string) => workspace.files.get(p)!.toString('utf8');
  const changedLines = (p: string) => {
    const a = files[p]!.split('\n');
    const b = after(p).split('\n');
    expect(b.length).toBe(a.length);
    return b.map((line, i) => (line === a[i] ? undefined : `${i + 1}: ${line}`)).filter((x) => x !== undefined);
  };
  return { files, result, after, changedLines, ctx };
}

describe('examples with update targets', () => {
  it('examples/helm: the chart values and the HelmRelease values move; the template reads those values', async () => {
    const { result, changedLines, ctx } = await reconcileExample('helm');
    expect(result.changeSet.diagnostics).toEqual([]);
    expect(changedLines('charts/web/values.yaml')).toEqual([
      '5:   tag: "1.4.2"                                # {"$imagestream": "shop/web:1:tag"}',
      `6:   digest: "${D1}"                                  # {"$imagestream": "shop/web:1:digest"}`,
    ]);
    expect(changedLines('flux/helmrelease.yaml')).toEqual([
      '18:       tag: "1.4.2"   # {"$imagestream": "web:1:tag"}',
      `19:       digest: "${D1}"     # {"$imagestream": "web:1:digest"}`,
    ]);
    const template = readFileSync(join(EXAMPLES, 'helm/charts/web/templates/deployment.yaml'), 'utf8');
    for (const v of ['.Values.image.repository', '.Values.image.digest', '.Values.image.tag']) expect(template).toContain(v);
    expect((await reconcile(ctx)).changeSet.files).toEqual([]);
  });

  it('examples/kustomize: newName and digest of the images: entry move', async () => {
    const { result, changedLines, after, ctx } = await reconcileExample('kustomize');
    expect(result.changeSet.diagnostics).toEqual([]);
    expect(changedLines('overlays/prod/kustomization.yaml')).toEqual([`9:     digest: ${D1}  # {"$imagestream": "web:1:digest"}`]);
    const k = parse(after('overlays/prod/kustomization.yaml'));
    expect(k.images).toEqual([{ name: 'web', newName: 'registry.example.com/shop/web', digest: D1 }]);
    expect(parse(after('base/deployment.yaml')).spec.template.spec.containers[0].image).toBe('web');
    expect((await reconcile(ctx)).changeSet.files).toEqual([]);
  });

  it('examples/quickstart: the Dockerfile FROM follows shop/frontend:1.4, keeping --platform and AS', async () => {
    const { result, changedLines } = await reconcileExample('quickstart');
    expect(result.changeSet.diagnostics.filter((d) => d.file === 'Dockerfile')).toEqual([]);
    expect(changedLines('Dockerfile')).toEqual([`5: FROM --platform=$BUILDPLATFORM registry.example.com/shop/frontend@${D1} AS edge`]);
    expect(result.changeSet.targets.find((t) => t.file === 'Dockerfile')).toMatchObject({ kind: 'dockerfile', line: 5, trigger: 'shop/frontend:1.4' });
  });
});
