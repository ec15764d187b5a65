import { describe, expect, it } from 'vitest';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { applyEdits } from '../../../src/edit/yaml-edit.js';
import { planTargets, type TargetPlanInput } from '../../../src/targets/plan-targets.js';
import type { TargetRule } from '../../../src/targets/target-rule.js';
import { NEW, OLD, STREAMS } from './streams.js';

const REF = `registry.example.com/web@${NEW}`;

function run(files: Record<string, string>, rules: TargetRule[] = [], extra: Partial<TargetPlanInput> = {}) {
  const parsed = Object.entries(files)
    .filter(([p]) => /\.(ya?ml|json)$/.test(p))
    .map(([p, t]) => loadSourceFile(p, t));
  const dockerfiles = Object.entries(files)
    .filter(([p]) => p.endsWith('Dockerfile'))
    .map(([path, text]) => ({ path, text, bom: false }));
  const plan = planTargets({ files: parsed, dockerfiles, rules, streams: STREAMS, defaultNamespace: 'shop', ...extra });
  const out: Record<string, string> = {};
  for (const e of plan.edits) out[e.file.path] = applyEdits(e.file, e.edits);
  for (const f of plan.files) out[f.path] = f.after;
  return { plan, out };
}

const rule = (files: string, from: string, set: Record<string, TargetRule['set'][number]['field']>): TargetRule => ({
  files,
  from: { namespace: undefined, stream: from.split(':')[0]!, tag: from.split(':')[1]! },
  set: Object.entries(set).map(([path, field], i) => ({ path, field, location: { file: '.tagstream.yaml', line: 4 + i, col: 7 } })),
  location: { file: '.tagstream.yaml', line: 2, col: 5 },
});

describe('planTargets', () => {
  it('Helm values: only the marked scalars change, quoting kept, markers stay', () => {
    const values = [
      'image:',
      '  repository: registry.example.com/web   # {"$imagestream": "web:1:name"}',
      '  tag: "1.0.0"                           # {"$imagestream": "web:1:tag"}',
      "  digest: ''                             # {\"$imagestream\": \"web:1:digest\"}",
      'other: 1.0.0',
      '',
    ].join('\n');
    const { plan, out } = run({ 'charts/web/values.yaml': values });
    expect(plan.diagnostics).toEqual([]);
    expect(out['charts/web/values.yaml']).toBe(values.replace('"1.0.0"', '"1.4.2"').replace("''", `'${NEW}'`));
    expect(plan.changes.map((c) => [c.line, c.field, c.value, c.from, c.to, c.trigger, c.kind])).toEqual([
      [3, 'image.tag', 'tag', '1.0.0', '1.4.2', 'shop/web:1', 'marker'],
      [4, 'image.digest', 'digest', '', NEW, 'shop/web:1', 'marker'],
    ]);
  });

  it('a plain scalar is quoted only when needed to stay a string', () => {
    const { out } = run({ 'v.yaml': 'tag: 1.0   # {"$imagestream": "python:3.11:tag"}\nref: x  # {"$imagestream": "web:1"}\n' });
    expect(out['v.yaml']).toBe(`tag: 3.11-slim   # {"$imagestream": "python:3.11:tag"}\nref: ${REF}  # {"$imagestream": "web:1"}\n`);
  });

  it('Kustomization images: newName/newTag/digest', () => {
    const k = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'images:',
      '  - name: web',
      '    newName: registry.example.com/web  # {"$imagestream": "web:1:name"}',
      `    digest: ${OLD}  # {"$imagestream": "web:1:digest"}`,
      '',
    ].join('\n');
    const { out, plan } = run({ 'kustomization.yaml': k });
    expect(out['kustomization.yaml']).toBe(k.replace(OLD, NEW));
    expect(plan.changes).toHaveLength(1);
  });

  it('JSON by rule keeps tabs and the missing final newline', () => {
    const json = '{\n\t"image": {\n\t\t"ref": "old"\n\t},\n\t"deploy": [\n\t\t{ "name": "web", "digest": "" },\n\t\t{ "name": "db", "digest": "x" }\n\t]\n}';
    const { out, plan } = run({ 'config/app.json': json }, [rule('config/*.json', 'web:1', { '$.image.ref': 'reference', "$.deploy[?(@.name=='web')].digest": 'digest' })]);
    expect(plan.diagnostics).toEqual([]);
    expect(out['config/app.json']).toBe(json.replace('"old"', `"${REF}"`).replace('"digest": ""', `"digest": "${NEW}"`));
    expect(plan.changes.map((c) => [c.kind, c.field, c.line])).toEqual([
      ['rule', 'image.ref', 3],
      ['rule', 'deploy[0].digest', 6],
    ]);
  });

  it('Dockerfile FROM keeps --platform and AS; tag-digest keeps the name', () => {
    const df = '# {"$imagestream": "python:3.11"}\nFROM --platform=$BUILDPLATFORM python:3.11-slim AS build\n# {"$imagestream": "web:1:tag-digest"}\nFROM registry.example.com/web:1.0\n';
    const { out, plan } = run({ Dockerfile: df });
    expect(out['Dockerfile']).toBe(
      `# {"$imagestream": "python:3.11"}\nFROM --platform=$BUILDPLATFORM docker.io/library/python@${NEW} AS build\n# {"$imagestream": "web:1:tag-digest"}\nFROM registry.example.com/web:1.4.2@${NEW}\n`,
    );
    expect(plan.changes.map((c) => [c.kind, c.line, c.col, c.field])).toEqual([
      ['dockerfile', 2, 32, 'FROM'],
      ['dockerfile', 4, 6, 'FROM'],
    ]);
  });

  it('is idempotent: a second plan over the result changes nothing', () => {
    const files = {
      'v.yaml': 'tag: "1.0"  # {"$imagestream": "web:1:tag"}\n',
      'c.json': '{"image": "x"}\n',
      Dockerfile: '# {"$imagestream": "web:1"}\nFROM web:1\n',
    };
    const rules = [rule('*.json', 'web:1', { '$.image': 'reference' })];
    const first = run(files, rules);
    expect(Object.keys(first.out).sort()).toEqual(['Dockerfile', 'c.json', 'v.yaml']);
    const second = run({ ...files, ...first.out }, rules);
    expect(second.plan.changes).toEqual([]);
    expect(second.out).toEqual({});
  });

  it('unknown stream, unknown tag and blocked tags', () => {
    const { plan, out } = run(
      { 'v.yaml': 'a: x  # {"$imagestream": "nope:1"}\nb: x  # {"$imagestream": "web:9"}\nc: x  # {"$imagestream": "other/web:1"}\nd: x  # {"$imagestream": "python:3.11"}\n' },
      [],
      { blocked: new Set(['shop/python:3.11']) },
    );
    expect(out).toEqual({});
    expect(plan.diagnostics.map((d) => [d.severity, d.line, d.col, d.message])).toEqual([
      ['error', 1, 7, 'imagestream shop/nope not found (target wants shop/nope:1)'],
      ['error', 2, 7, 'imagestream shop/web has no tag "9"'],
      ['error', 3, 7, 'imagestream other/web not found (target wants other/web:1)'],
    ]);
  });

  it('a field targeted twice with different values is an error for that field only', () => {
    const { plan, out } = run({ 'v.yaml': 'image: x  # {"$imagestream": "web:1"}\ntag: y  # {"$imagestream": "web:1:tag"}\n' }, [rule('v.yaml', 'python:3.11', { '$.image': 'reference', '$.tag': 'tag' })]);
    expect(plan.diagnostics.map((d) => [d.line, d.message.split(' (')[0]])).toEqual([
      [1, 'image is targeted with different values'],
      [2, 'tag is targeted with different values'],
    ]);
    expect(out).toEqual({});
  });

  it('a marker and a rule agreeing on a field make one change', () => {
    const { plan } = run({ 'v.yaml': 'image: x  # {"$imagestream": "web:1"}\n' }, [rule('v.yaml', 'web:1', { '$.image': 'reference' })]);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.changes).toHaveLength(1);
  });

  it('rule paths matching nothing warn; non-scalars are errors', () => {
    const { plan } = run({ 'c.json': '{"image": {"a": 1}}' }, [rule('*.json', 'web:1', { '$.missing': 'reference', '$.image': 'reference' })]);
    expect(plan.diagnostics.map((d) => [d.severity, d.file, d.line])).toEqual([
      ['warning', '.tagstream.yaml', 4],
      ['error', 'c.json', 1],
    ]);
    expect(plan.diagnostics[1]?.message).toContain('selects image, which is not a scalar');
  });
});
