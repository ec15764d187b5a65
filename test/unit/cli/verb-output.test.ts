/** Writing verbs report every object they changed, as lines for people and as data for `-o` (#13.1). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { D1, D2, fakeRegistry, tagImage } from '../app/tag-verb-fakes.js';
import { runCli } from './helpers.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: placeholder
`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function repo(): string {
  dir = mkdtempSync(join(tmpdir(), 'tagstream-verb-output-'));
  writeFileSync(join(dir, 'deploy.yaml'), DEPLOY);
  return dir;
}

describe('tag reports the workloads it pinned', () => {
  it('prints one line per changed object besides the stream, naming its file', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop'], { cwd: repo(), registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Tag app:1 set to quay.io/o/app:1.\ndeployment.apps/web image updated (deploy.yaml)\n');
  });

  it('-o json lists the changed objects and the files', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop', '-o', 'json'], { cwd: repo(), registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      changed: [
        { kind: 'ImageStream', namespace: 'shop', name: 'app', file: 'imagestreams/shop/app.yaml', change: 'created' },
        { kind: 'Deployment', namespace: 'shop', name: 'web', file: 'deploy.yaml', change: 'image updated' },
      ],
      targets: [],
      files: ['deploy.yaml', 'imagestreams/shop/app.yaml'],
    });
  });

  it('-o name names the changed objects', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop', '-o', 'name'], { cwd: repo(), registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.stdout).toBe('imagestream.image.openshift.io/app\ndeployment.apps/web\n');
  });
});

describe('the set verbs list the changed objects and their files too', () => {
  it('set image-lookup -o json: changed, files, and the object as it now reads', async () => {
    const cwd = repo();
    expect((await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop'], { cwd, registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) })).code).toBe(0);
    const r = await runCli(['set', 'image-lookup', 'app', '-n', 'shop', '-o', 'json'], { cwd, registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { changed: unknown[]; files: string[]; items: { kind: string; spec: { lookupPolicy: { local: boolean } } }[] };
    expect(out.changed).toEqual([{ kind: 'ImageStream', namespace: 'shop', name: 'app', file: 'imagestreams/shop/app.yaml', change: 'updated' }]);
    expect(out.files).toEqual(['imagestreams/shop/app.yaml']);
    expect(out.items.map((o) => [o.kind, o.spec.lookupPolicy.local])).toEqual([['ImageStream', true]]);
    expect(readFileSync(join(cwd, 'imagestreams/shop/app.yaml'), 'utf8')).toContain('local: true');
  });
});

// The verbs that move a tag move every update target kind too (#14 leftovers, point 1): a marked
// Helm values file, a JSON file reached by a .tagstream.yaml rule and a marked Dockerfile FROM.
const TARGETS: Record<string, string> = {
  'charts/web/values.yaml': `image:
  repository: quay.io/o/app  # {"$imagestream": "shop/app:1:name"}
  digest: ""                 # {"$imagestream": "shop/app:1:digest"}
`,
  'config/app.json': '{\n  "image": {\n    "ref": "quay.io/o/app:1"\n  }\n}\n',
  '.tagstream.yaml': `targets:
  - files: "config/*.json"
    from: shop/app:1
    set:
      "$.image.ref": reference
`,
  Dockerfile: '# {"$imagestream": "shop/app:1:tag-digest"}\nFROM quay.io/o/app:1 AS base\n',
};

function targetsRepo(extra: Record<string, string> = {}): string {
  dir = mkdtempSync(join(tmpdir(), 'tagstream-verb-targets-'));
  for (const [path, text] of Object.entries({ ...TARGETS, ...extra })) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const read = (path: string) => readFileSync(join(dir!, path), 'utf8');

describe('verbs that move a tag move every update target', () => {
  it('tag: one line per changed target file; exactly the marked scalars, the rule path and the FROM change', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop'], { cwd: targetsRepo(), registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Tag app:1 set to quay.io/o/app:1.',
        'charts/web/values.yaml image updated (image.digest)',
        'config/app.json image updated (image.ref)',
        'Dockerfile image updated (FROM)',
        '',
      ].join('\n'),
    );
    expect(read('Dockerfile')).toBe(`# {"$imagestream": "shop/app:1:tag-digest"}\nFROM quay.io/o/app:1@${D1} AS base\n`);
    expect(read('charts/web/values.yaml')).toBe(TARGETS['charts/web/values.yaml']!.replace('digest: ""', `digest: "${D1}"`));
    expect(read('config/app.json')).toBe(`{\n  "image": {\n    "ref": "quay.io/o/app@${D1}"\n  }\n}\n`);
  });

  it('tag -o json lists each target (file, line, field, old and new value) beside the changed objects', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop', '-o', 'json'], { cwd: targetsRepo(), registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changed).toEqual([{ kind: 'ImageStream', namespace: 'shop', name: 'app', file: 'imagestreams/shop/app.yaml', change: 'created' }]);
    expect(out.targets).toEqual([
      { file: 'charts/web/values.yaml', line: 3, col: 11, kind: 'marker', field: 'image.digest', value: 'digest', from: '', to: D1, trigger: 'shop/app:1' },
      { file: 'config/app.json', line: 3, col: 12, kind: 'rule', field: 'image.ref', value: 'reference', from: 'quay.io/o/app:1', to: `quay.io/o/app@${D1}`, trigger: 'shop/app:1' },
      { file: 'Dockerfile', line: 2, col: 6, kind: 'dockerfile', field: 'FROM', value: 'tag-digest', from: 'quay.io/o/app:1', to: `quay.io/o/app:1@${D1}`, trigger: 'shop/app:1' },
    ]);
    expect(out.files).toEqual(['charts/web/values.yaml', 'config/app.json', 'Dockerfile', 'imagestreams/shop/app.yaml']);
  });

  it('import-image moves the targets of the imported tag; --dry-run reports them and writes nothing', async () => {
    const registry = fakeRegistry({ 'quay.io/o/app:1': D1 });
    const cwd = targetsRepo();
    const created = await runCli(['import-image', 'app:1', '--from', 'quay.io/o/app:1', '--confirm', '-n', 'shop'], { cwd, registry });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.split('\n').slice(0, 4)).toEqual([
      'imagestream.image.openshift.io/app imported',
      'charts/web/values.yaml image updated (image.digest)',
      'config/app.json image updated (image.ref)',
      'Dockerfile image updated (FROM)',
    ]);
    expect(read('Dockerfile')).toContain(`FROM quay.io/o/app:1@${D1} AS base`);

    tagImage(registry, 'quay.io/o/app:1', D2);
    const before = read('charts/web/values.yaml');
    const dry = await runCli(['import-image', 'app:1', '-n', 'shop', '--dry-run'], { cwd, registry });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n').slice(0, 4)).toEqual([
      'imagestream.image.openshift.io/app imported (dry run)',
      'charts/web/values.yaml image updated (dry run) (image.digest)',
      'config/app.json image updated (dry run) (image.ref)',
      'Dockerfile image updated (dry run) (FROM)',
    ]);
    expect(read('charts/web/values.yaml')).toBe(before);

    const moved = await runCli(['import-image', 'app:1', '-n', 'shop', '-o', 'json'], { cwd, registry });
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout).targets.map((t: { file: string; from: string; to: string }) => [t.file, t.from.includes(D1), t.to.includes(D2)])).toEqual([
      ['charts/web/values.yaml', true, true],
      ['config/app.json', true, true],
      ['Dockerfile', true, true],
    ]);
    expect(read('charts/web/values.yaml')).toContain(`digest: "${D2}"`);
  });

  it('create istag --from-image moves the targets of the new tag', async () => {
    const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  lookupPolicy:
    local: false
`;
    const r = await runCli(['create', 'istag', 'app:1', '--from-image', 'quay.io/o/app:1', '-n', 'shop'], {
      cwd: targetsRepo({ 'imagestreams/shop/app.yaml': stream }),
      registry: fakeRegistry({ 'quay.io/o/app:1': D1 }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'imagestreamtag.image.openshift.io/app:1 created',
        'charts/web/values.yaml image updated (image.digest)',
        'config/app.json image updated (image.ref)',
        'Dockerfile image updated (FROM)',
        '',
      ].join('\n'),
    );
    expect(read('config/app.json')).toContain(`"ref": "quay.io/o/app@${D1}"`);
  });

  it('a marker naming an unknown stream is a located warning; the verb and the other targets still run', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop'], {
      cwd: targetsRepo({ 'other/values.yaml': 'image: x  # {"$imagestream": "shop/nope:1"}\n' }),
      registry: fakeRegistry({ 'quay.io/o/app:1': D1 }),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: other/values.yaml:1:11: imagestream shop/nope not found (target wants shop/nope:1)\n');
    expect(read('other/values.yaml')).toBe('image: x  # {"$imagestream": "shop/nope:1"}\n');
    expect(read('Dockerfile')).toContain(D1);
  });
});

describe('writing verbs refuse -o formats they cannot print (#13.6)', () => {
  const refusal = (format: string) =>
    `error: unable to match a printer suitable for the output format "${format}", allowed formats are: json,name,yaml\n`;
  it.each<[string, string[]]>([
    ['tag', ['tag', 'registry.example.com/app:1', 'app:1']],
    ['import-image', ['import-image', 'app:1', '--from', 'registry.example.com/app:1', '--confirm']],
    ['create istag', ['create', 'istag', 'app:1', '--from-image', 'registry.example.com/app:1']],
    ['delete istag', ['delete', 'istag', 'app:1']],
    ['set triggers', ['set', 'triggers', 'deployment/web', '--from-image', 'app:1', '-c', 'web']],
    ['set image-lookup', ['set', 'image-lookup', 'app']],
  ])('%s -o wide / -o xml: oc\'s printer error, exit 2, nothing written', async (_verb, argv) => {
    for (const format of ['wide', 'xml']) {
      const repo = mkdtempSync(join(tmpdir(), 'tagstream-wide-'));
      try {
        writeFileSync(join(repo, 'deploy.yaml'), DEPLOY);
        const r = await runCli([...argv, '--repo', repo, '-n', 'shop', '-o', format], { registry: fakeRegistry({ 'registry.example.com/app:1': D1 }) });
        expect([r.code, r.stderr, r.stdout], format).toEqual([2, refusal(format), '']);
        expect(readFileSync(join(repo, 'deploy.yaml'), 'utf8')).toBe(DEPLOY);
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    }
  });
});
