import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryWorkspace } from '../../../src/adapters/fs/directory-workspace.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';
import { buildInventory, memoryParseCache } from '../../../src/inventory/inventory.js';
import type { Inventory } from '../../../src/inventory/inventory-model.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/repos/mixed');
const NONE = { include: [], exclude: [] };

describe('buildInventory over the mixed fixture repo (directory workspace)', () => {
  let dir: string;
  let inv: Inventory;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tagstream-inventory-'));
    cpSync(fixture, dir, { recursive: true });
    // Written here, not committed: this repository's own git would honour them.
    const extra: Record<string, string> = {
      '.gitignore': 'build/\n*.tmp.yaml\n!keep.tmp.yaml\n',
      'build/ignored.yaml': stream('in-build'),
      'a.tmp.yaml': stream('tmp'),
      'keep.tmp.yaml': stream('kept'),
      'sub/.gitignore': '*.yaml\n!wanted.yaml\n',
      'sub/unwanted.yaml': stream('unwanted'),
      'sub/wanted.yaml': stream('wanted'),
      'scratch/x.yaml': stream('scratch'),
      'node_modules/pkg/is.yaml': stream('in-node-modules'),
      '.git/x.yaml': stream('in-git'),
    };
    for (const [p, text] of Object.entries(extra)) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), text);
    }
    const ws = directoryWorkspace(dir, { skipDirectories: ['.git'] });
    inv = await buildInventory(ws, await loadRepoSettings(ws));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes streams by namespace/name, applying the configured default namespace', () => {
    expect([...inv.streams.keys()].sort()).toEqual([
      'shared/base',
      'team-a/app',
      'team-a/kept',
      'team-a/tools',
      'team-a/wanted',
      'team-b/app',
    ]);
    const app = inv.streams.get('team-a/app');
    expect(app?.namespaceDefaulted).toBe(true);
    expect(app?.site).toMatchObject({ file: 'imagestreams/app.yaml', docIndex: 0, path: [], location: { line: 1, col: 1 } });
    // `- name: 2.0` keeps its text.
    expect(app?.stream.spec.tags?.map((t) => t.name)).toEqual(['1.0', '2.0']);
    expect(inv.streams.get('shared/base')).toMatchObject({ namespaceDefaulted: false, site: { file: 'imagestreams/list.json', path: ['items', 0], location: { line: 5, col: 3 } } });
    expect(inv.streams.get('shared/base')?.stream.kind).toBe('ImageStream');
  });

  it('skips .gitignored files (nested, negated), excluded globs, node_modules and .git', () => {
    const files = [...inv.files.keys()];
    for (const name of ['build/', 'a.tmp.yaml', 'sub/unwanted.yaml', 'scratch/', 'node_modules/', '.git/']) {
      expect(files.some((f) => f.startsWith(name))).toBe(false);
    }
    expect(inv.diagnostics.some((d) => /node_modules|scratch|build\//.test(d.location?.file ?? ''))).toBe(false);
  });

  it('lists workloads with why they are listed', () => {
    const byName = new Map(inv.workloads.map((w) => [w.name, w]));
    expect([...byName.keys()].sort()).toEqual(['legacy', 'local-names', 'nightly', 'web']);
    expect(byName.get('web')).toMatchObject({
      kind: 'Deployment',
      namespace: 'team-a',
      reasons: ['triggers-annotation'],
      hasImageChangeTriggers: false,
      site: { file: 'apps/web.yaml', docIndex: 1, location: { line: 9, col: 1 } },
    });
    expect(byName.get('web')?.triggersAnnotation).toContain('"name":"app:1.0"');
    expect(byName.get('legacy')).toMatchObject({ kind: 'DeploymentConfig', hasImageChangeTriggers: true, reasons: ['image-change-trigger'] });
    expect(byName.get('local-names')).toMatchObject({ namespace: 'team-b', reasons: ['lookup-candidate'], resolveNames: false });
    expect(byName.get('nightly')).toMatchObject({ kind: 'CronJob', reasons: ['lookup-candidate'], resolveNames: true });
  });

  it('reports Templates and keeps their objects out of streams and workloads', () => {
    expect(inv.templates).toHaveLength(1);
    expect(inv.templates[0]).toMatchObject({
      name: 'app-template',
      site: { file: 'templates/template.yaml' },
      objects: [
        { kind: 'ImageStream', name: '${NAME}' },
        { kind: 'Deployment', name: '${NAME}' },
      ],
    });
    expect(inv.workloads.some((w) => w.site.file.startsWith('templates/'))).toBe(false);
  });

  it('reports duplicates as conflicts naming every site, across files and within one file', () => {
    const conflicts = inv.conflicts.map((c) => ({ key: `${c.namespace}/${c.name}`, sites: c.sites.map((s) => `${s.file}:${s.location.line}`) }));
    expect(conflicts).toEqual([
      { key: 'team-a/shared', sites: ['dup/first.yaml:1', 'dup/second.yaml:2'] },
      { key: 'team-a/twice', sites: ['dup/second.yaml:8', 'dup/second.yaml:13'] },
    ]);
    const dup = inv.diagnostics.filter((d) => d.code === 'DuplicateObject').map((d) => d.message);
    expect(dup).toEqual([
      'ImageStream team-a/shared is defined more than once (dup/first.yaml:1:1, dup/second.yaml:2:1); expected one definition per namespace/name, so none of them is reconciled (dup/second.yaml:2:1)',
      'ImageStream team-a/twice is defined more than once (dup/second.yaml:8:1, dup/second.yaml:13:1); expected one definition per namespace/name, so none of them is reconciled (dup/second.yaml:13:1)',
    ]);
  });

  it('reports invalid JSON and schema errors with file:line:col, and indexes the rest', () => {
    const other = inv.diagnostics.filter((d) => d.code !== 'DuplicateObject');
    const byFile = new Map(other.map((d) => [d.location?.file, d]));
    expect(byFile.get('broken/not-json.json')?.message).toMatch(/^invalid JSON: .*\(broken\/not-json\.json:1:\d+\)$/);
    expect(byFile.get('broken/invalid-stream.yaml')?.message).toBe(
      `The ImageStream "invalid" is invalid: spec.tags[latest].from.kind: Unsupported value: "Foo": valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag' (broken/invalid-stream.yaml:9:13)`,
    );
    // broken/not-yaml.yaml is a ConfigMap: the pre-filter does not parse it, so its error is not reported.
    expect(new Set(other.map((d) => d.location?.file))).toEqual(new Set(['broken/not-json.json', 'broken/invalid-stream.yaml']));
  });

  it('with parseAll, also reports invalid YAML in documents that cannot hold indexed objects', async () => {
    const ws = directoryWorkspace(dir, { skipDirectories: ['.git'] });
    const all = await buildInventory(ws, await loadRepoSettings(ws), { parseAll: true });
    const notYaml = all.diagnostics.find((d) => d.location?.file === 'broken/not-yaml.yaml');
    expect(notYaml?.code).toBe('ManifestParse');
    expect(notYaml?.message).toMatch(/^invalid YAML: .*\(broken\/not-yaml\.yaml:\d+:\d+\)$/);
    // Everything else is the same as with the pre-filter.
    expect(all.diagnostics.filter((d) => d !== notYaml).map((d) => d.message)).toEqual(inv.diagnostics.map((d) => d.message));
    expect([...all.streams.values()].map((e) => e.site)).toEqual([...inv.streams.values()].map((e) => e.site));
    expect(all.workloads.map((w) => w.site)).toEqual(inv.workloads.map((w) => w.site));
    expect(all.templates).toEqual(inv.templates);
    expect([...all.files.keys()]).toEqual([...inv.files.keys()]);
  });

  it('ignores non-Kubernetes YAML silently and keeps only files that hold indexed objects', () => {
    const files = [...inv.files.keys()].sort();
    expect(files).not.toContain('helm/values.yaml');
    expect(files).not.toContain('kustomization.yaml');
    expect(files).not.toContain('.tagstream.yaml');
    expect(files).toContain('apps/web.yaml');
    expect(files).toContain('templates/template.yaml');
    expect(inv.files.get('imagestreams/list.json')?.format).toBe('json');
    expect(inv.stats).toMatchObject({ cacheHits: 0 });
    expect(inv.stats?.filesScanned).toBeLessThan(inv.stats?.filesListed ?? 0);
  });
});

function stream(name: string, extra = ''): string {
  return `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ${name}\n${extra}`;
}

describe('buildInventory rules (memory workspace)', () => {
  it('defaults the namespace to `default` without settings', async () => {
    const inv = await buildInventory(memoryWorkspace({ 'a.yaml': stream('a') }), NONE);
    expect([...inv.streams.keys()]).toEqual(['default/a']);
  });

  it('reads objects of kind List and of typed *List kinds, in YAML', async () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- ${stream('one').replace(/\n/g, '\n  ').trimEnd()}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d\n    annotations:\n      image.openshift.io/triggers: "[]"\n`;
    const inv = await buildInventory(memoryWorkspace({ 'l.yaml': text }), NONE);
    expect(inv.diagnostics).toEqual([]);
    expect(inv.streams.get('default/one')?.site).toMatchObject({ path: ['items', 0], location: { line: 4, col: 3 } });
    expect(inv.workloads.map((w) => w.site.path)).toEqual([['items', 1]]);
  });

  it('include globs narrow the scan; exclude wins over include', async () => {
    const ws = memoryWorkspace({ 'a/x.yaml': stream('x'), 'b/y.yaml': stream('y'), 'a/skip/z.yaml': stream('z') });
    const inv = await buildInventory(ws, { include: ['a/**'], exclude: ['**/skip/**'] });
    expect([...inv.streams.keys()]).toEqual(['default/x']);
  });

  it('refuses a file over limits.maxFileBytes without parsing it', async () => {
    const ws = memoryWorkspace({ 'big.yaml': stream('big', `spec:\n  tags: []\n# ${'x'.repeat(500)}\n`), 'ok.yaml': stream('ok') });
    const inv = await buildInventory(ws, { ...NONE, limits: { maxFileBytes: 200, maxAliasCount: 100 } });
    expect(inv.diagnostics.map((d) => d.message)).toEqual([`file too large: ${ws.files.get('big.yaml')?.length} bytes, expected at most 200 (big.yaml)`]);
    expect(inv.diagnostics[0]?.code).toBe('ManifestTooLarge');
    expect([...inv.streams.keys()]).toEqual(['default/ok']);
  });

  it('refuses an alias bomb quickly, with the configured limit', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    // An ImageStream document: the pre-filter parses it (a bomb in a ConfigMap is never expanded).
    const bomb = `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: bomb}\n${lines.join('\n')}\n`;
    const started = performance.now();
    const inv = await buildInventory(memoryWorkspace({ 'bomb.yaml': bomb, 'ok.yaml': stream('ok') }), { ...NONE, limits: { maxFileBytes: 1 << 20, maxAliasCount: 50 } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(inv.diagnostics).toHaveLength(1);
    expect(inv.diagnostics[0]?.code).toBe('ManifestTooLarge');
    expect(inv.diagnostics[0]?.message).toMatch(/expected at most 50 alias expansions \(bomb\.yaml:1:1\)$/);
    expect([...inv.streams.keys()]).toEqual(['default/ok']);
  });

  it('reports a non-string trigger annotation at its node', async () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations:\n    image.openshift.io/triggers:\n      - from: x\n';
    const inv = await buildInventory(memoryWorkspace({ 'd.yaml': text }), NONE);
    expect(inv.diagnostics.map((d) => d.message)).toEqual([
      'metadata.annotations["image.openshift.io/triggers"]: expected a string holding a JSON array (d.yaml:7:7)',
    ]);
  });

  it('does not list pod workloads whose images are all fully qualified and carry no annotation', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: quay.io/a/b:1\n  - name: d\n    image: busybox@sha256:' + 'a'.repeat(64) + '\n';
    const inv = await buildInventory(memoryWorkspace({ 'p.yaml': text }), NONE);
    expect(inv.workloads).toEqual([]);
    expect(inv.files.size).toBe(0);
  });

  it.each([
    ['PodTemplate (not rewritten by admission)', 'apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: t\ntemplate:\n  spec:\n    containers:\n    - {name: c, image: app}\n', false],
    ['ReplicaSet owned by a controller', 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: r\n  ownerReferences:\n  - {kind: Deployment, name: d, controller: true}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: app}\n', false],
    ['ReplicaSet without an owner', 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: r\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: app}\n', true],
    ['Pod with the resolve-names annotation on the object', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    alpha.image.policy.openshift.io/resolve-names: "*"\nspec:\n  containers:\n  - {name: c, image: quay.io/a/b:1}\n', true],
  ])('lookup candidates: %s -> %s', async (_name, text, listed) => {
    // Local names only matter next to a stream with lookupPolicy.local: true.
    const inv = await buildInventory(memoryWorkspace({ 'w.yaml': text, 's.yaml': stream('app', 'spec:\n  lookupPolicy: {local: true}\n') }), NONE);
    expect(inv.workloads.length > 0).toBe(listed);
  });

  it('lists workloads with local image names only when some stream has lookupPolicy.local: true', async () => {
    const workload = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: app:1\n';
    const files = (local: boolean) => ({
      'w.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n${workload}`,
      's.yaml': stream('app', `spec:\n  lookupPolicy:\n    local: ${local}\n`),
    });
    const off = await buildInventory(memoryWorkspace(files(false)), NONE);
    expect(off.workloads).toEqual([]);
    expect([...off.files.keys()]).toEqual(['s.yaml']);
    const on = await buildInventory(memoryWorkspace(files(true)), NONE);
    expect(on.workloads.map((w) => [w.name, w.reasons, w.site.docIndex, w.site.location.line])).toEqual([['d', ['lookup-candidate'], 1, 6]]);
    expect([...on.files.keys()]).toEqual(['s.yaml', 'w.yaml']);
  });

  it('keeps CRLF and BOM files usable', async () => {
    const text = `\uFEFF${stream('crlf', 'spec:\n  tags:\n  - name: a\n    from: {kind: DockerImage, name: busybox}\n').replace(/\n/g, '\r\n')}`;
    const inv = await buildInventory(memoryWorkspace({ 'c.yaml': text }), NONE);
    expect(inv.diagnostics).toEqual([]);
    expect(inv.files.get('c.yaml')).toMatchObject({ eol: '\r\n', bom: true });
  });
});

describe('parse cache', () => {
  it('reuses parses of unchanged files (content hash) and re-parses changed ones', async () => {
    const ws = memoryWorkspace({ 'a.yaml': stream('a'), 'b.yaml': stream('b') });
    const cache = memoryParseCache();
    const first = await buildInventory(ws, NONE, { parseCache: cache });
    expect(first.stats?.cacheHits).toBe(0);
    await ws.writeFile('b.yaml', stream('b2'));
    const second = await buildInventory(ws, NONE, { parseCache: cache });
    expect(second.stats?.cacheHits).toBe(1);
    expect([...second.streams.keys()].sort()).toEqual(['default/a', 'default/b2']);
    expect(second.files.get('a.yaml')).toBe(first.files.get('a.yaml'));
  });

  it('with a fileVersion hook, a hit skips reading the file', async () => {
    const ws = memoryWorkspace({ 'a.yaml': stream('a') });
    let reads = 0;
    const counting = { ...ws, readFile: (p: string) => ((reads += 1), ws.readFile(p)) };
    const cache = memoryParseCache();
    const fileVersion = async () => 'v1';
    await buildInventory(counting, NONE, { parseCache: cache, fileVersion });
    expect(reads).toBe(1);
    const again = await buildInventory(counting, NONE, { parseCache: cache, fileVersion });
    expect(reads).toBe(1);
    expect(again.stats?.cacheHits).toBe(1);
    expect(cache.hits).toBe(1);
  });

  it('does not reuse a parse made under other limits', async () => {
    const ws = memoryWorkspace({ 'a.yaml': stream('a') });
    const cache = memoryParseCache();
    await buildInventory(ws, NONE, { parseCache: cache });
    const other = await buildInventory(ws, { ...NONE, limits: { maxFileBytes: 1000, maxAliasCount: 1 } }, { parseCache: cache });
    expect(other.stats?.cacheHits).toBe(0);
  });
});
