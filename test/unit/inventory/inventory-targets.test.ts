// The inventory's one walk also finds the update-target files (#14 leftovers, point 4): marked
// YAML, YAML/JSON a `.tagstream.yaml` rule names, marked Dockerfiles; a reconcile lists the
// repository once and reads each file once.
import { describe, expect, it } from 'vitest';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { reconcile } from '../../../src/app/reconcile.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';
import { buildInventory } from '../../../src/inventory/inventory.js';
import type { Workspace } from '../../../src/ports/workspace.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLog } from '../../../src/ports/log.js';
import { D1, fakeRegistry } from '../app/tag-verb-fakes.js';

const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
  namespace: shop
spec:
  tags:
  - name: "1"
    from:
      kind: DockerImage
      name: registry.example.com/web:1
`;

const FILES: Record<string, string> = {
  'imagestreams/web.yaml': STREAM,
  'charts/web/values.yaml': 'image:\n  digest: ""  # {"$imagestream": "shop/web:1:digest"}\n',
  'charts/web/plain.yaml': 'image:\n  digest: ""\n',
  'config/app.json': '{\n  "image": "registry.example.com/web:1"\n}\n',
  'config/other.json': '{\n  "image": "registry.example.com/web:1"\n}\n',
  'build/Dockerfile': '# {"$imagestream": "shop/web:1"}\nFROM registry.example.com/web:1\n',
  'build/tools.Containerfile': 'FROM docker.io/library/alpine:3\n',
  'notes/marker.json': '{"note": "$imagestream in JSON is no marker"}\n',
  '.tagstream.yaml': 'targets:\n  - files: "config/app.json"\n    from: shop/web:1\n    set:\n      "$.image": reference\n',
};

/** Counts what the core asks of the workspace. */
function counting(inner: Workspace): Workspace & { lists: number; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const w = {
    lists: 0,
    reads,
    root: inner.root,
    listFiles: async () => {
      w.lists++;
      return inner.listFiles();
    },
    readFile: async (p: string) => {
      reads.set(p, (reads.get(p) ?? 0) + 1);
      return inner.readFile(p);
    },
    exists: (p: string) => inner.exists(p),
    writeFile: (p: string, d: string | Buffer) => inner.writeFile(p, d),
    removeFile: (p: string) => inner.removeFile(p),
    removeTemporaries: (p: string) => inner.removeTemporaries(p),
    size: (p: string) => inner.size(p),
  };
  return w;
}

describe('inventory: update-target files in the same walk', () => {
  it('holds marked YAML, rule-named JSON and marked Dockerfiles, nothing else', async () => {
    const workspace = memoryWorkspace(FILES);
    const settings = await loadRepoSettings(workspace);
    const inv = await buildInventory(workspace, settings);
    expect(inv.targets?.files.map((f) => f.path)).toEqual(['charts/web/values.yaml', 'config/app.json']);
    expect(inv.targets?.dockerfiles.map((d) => d.path)).toEqual(['build/Dockerfile']);
    expect(inv.targets?.dockerfiles[0]).toEqual({ path: 'build/Dockerfile', text: FILES['build/Dockerfile'], bom: false });
    // Dockerfiles are not manifests: the manifest count is unchanged
    expect(inv.stats?.filesScanned).toBe(6);
  });

  it('a Dockerfile over limits.maxFileBytes is a located diagnostic', async () => {
    const workspace = memoryWorkspace({ ...FILES, '.tagstream.yaml': 'limits:\n  maxFileBytes: 50\n' });
    const inv = await buildInventory(workspace, await loadRepoSettings(workspace));
    expect(inv.diagnostics.map((d) => d.location?.file)).toContain('build/Dockerfile');
    expect(inv.targets?.dockerfiles).toEqual([]);
  });

  it('a reconcile lists the repository once and reads each file once, targets included', async () => {
    const workspace = counting(memoryWorkspace(FILES));
    const ctx: AppContext = {
      workspace,
      settings: await loadRepoSettings(memoryWorkspace(FILES)),
      registry: fakeRegistry({ 'registry.example.com/web:1': D1 }),
      clock: fixedClock('2026-11-21T06:00:00Z'),
      log: silentLog,
    };
    const result = await reconcile(ctx);
    expect(result.changeSet.targets.map((t) => `${t.file} ${t.field}`)).toEqual(['build/Dockerfile FROM', 'charts/web/values.yaml image.digest', 'config/app.json image']);
    expect(workspace.lists).toBe(1);
    expect([...workspace.reads].filter(([, n]) => n > 1)).toEqual([]);
    expect(workspace.reads.get('build/Dockerfile')).toBe(1);
  });
});
