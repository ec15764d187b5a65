import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { setTriggers, type SetResult, type SetTriggersOptions } from '../../../src/app/set-triggers.js';
import type { ReadOutput } from '../../../src/cli/render/read-output.js';
import { setOutput, type SetOutputFormat } from '../../../src/cli/render/set-output.js';
import { UsageError, type TagstreamError } from '../../../src/errors.js';
import { copyRepo, expectTree, removeCopies, SET_FIXTURES as FIXTURES } from '../../fixtures/set/set-repo.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { loadRepoSettings } from '../../../src/config/repo-settings.js';

const D1 = `sha256:${'1'.repeat(64)}`;

afterEach(removeCopies);

/** The verb's result with what the CLI prints for it (`-o` as `output`). */
type SetOutput = SetResult & ReadOutput;

async function run(opts: SetTriggersOptions & { readonly output?: SetOutputFormat }): Promise<{ dir: string; out: SetOutput }> {
  const { dir, ctx } = await copyRepo();
  const { output, ...request } = opts;
  const result = await setTriggers(ctx, request);
  return { dir, out: { ...result, ...setOutput(result, output) } };
}

function messages(out: SetResult): string[] {
  return out.errors.map((e) => e.message);
}

describe('set triggers: listing', () => {
  it('prints oc\'s NAME TYPE VALUE AUTO table for one object and writes nothing', async () => {
    const { dir, out } = await run({ objects: ['deploy/web'], flags: {} });
    expect(out.stdout).toBe(
      ['NAME             TYPE    VALUE        AUTO', 'deployments/web  config               true', 'deployments/web  image   ubi:8 (web)  true', ''].join('\n'),
    );
    expect(out.errors).toEqual([]);
    expect(out.files).toEqual([]);
    expectTree(dir, undefined);
  });

  it('accepts oc\'s resource spellings: deployment/, deployments/, deployment.apps/, TYPE NAME', async () => {
    for (const objects of [['deployment/web'], ['deployments/web'], ['deployment.apps/web'], ['deploy', 'web']]) {
      const { out } = await run({ objects, flags: {} });
      expect(out.stdout.split('\n')[1], objects.join(' ')).toBe('deployments/web  config               true');
    }
  });

  it('--all lists every object of the kinds in the namespace, sorted by name; cross-namespace and DC rows', async () => {
    const { out } = await run({ objects: ['deployments,dc,cronjobs'], all: true, flags: {} });
    expect(out.stdout).toBe(
      [
        'NAME                      TYPE     VALUE        AUTO',
        'deployments/broken        <error>               false',
        'deployments/myapp         config                true',
        'deployments/web           config                true',
        'deployments/web           image    ubi:8 (web)  true',
        'deploymentconfigs/legacy  config                true',
        'cronjobs/nightly          config                true',
        '',
      ].join('\n'),
    );
  });

  it('an object defined twice: a listing of all skips it with a warning, a change of all refuses', async () => {
    const warning =
      'warning: statefulsets/twin in namespace other is defined more than once (other/twin-a.yaml:1:1, other/twin-b.yaml:1:1); keep one definition';
    const list = await run({ objects: ['statefulsets'], all: true, namespace: 'other', flags: {} });
    expect(list.out.errors).toEqual([]);
    expect(list.out.stderr).toEqual([warning]);
    expect(list.out.stdout).toBe('NAME  TYPE  VALUE  AUTO\n');
    const change = await run({ objects: ['statefulsets'], all: true, namespace: 'other', flags: { manual: true } });
    expect(change.out.errors.map((e) => e.code)).toEqual(['DuplicateObject']);
    expectTree(change.dir, undefined);
  });

  it('-n selects the namespace; -o json prints the rows as data', async () => {
    const { out } = await run({ objects: ['deploy/web'], namespace: 'other', flags: {}, output: 'json' });
    expect(JSON.parse(out.stdout)).toEqual({ items: [{ name: 'deployments/web', type: 'config', value: '', auto: true }] });
  });
});

describe('set triggers: changes, byte-exact (golden files)', () => {
  it('--from-image on a plain Deployment writes oc\'s annotation and pins the container at once', async () => {
    const { dir, out } = await run({ objects: ['deployment/myapp'], flags: { fromImage: 'ubi:8', containers: 'myapp' } });
    expect(out.errors).toEqual([]);
    expect(out.stdout).toBe('deployment.apps/myapp triggers updated\n');
    expect(out.written).toBe(true);
    expect(out.files.map((f) => f.path)).toEqual(['apps/myapp.yaml']);
    expect(out.workloads).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'myapp',
        container: 'myapp',
        field: 'spec.template.spec.containers[0].image',
        from: 'registry.example.com/ubi:8',
        to: `registry.example.com/ubi@${D1}`,
        trigger: 'apps/ubi:8',
      }),
    ]);
    expectTree(dir, 'from-image');
  });

  it('--manual on a CRLF file: paused trigger and spec.paused, line endings and comments kept', async () => {
    const { dir, out } = await run({ objects: ['deployments/web'], flags: { manual: true } });
    expect(out.stdout).toBe('deployment.apps/web triggers updated\n');
    const text = readFileSync(join(dir, 'apps/web-crlf.yaml'), 'latin1');
    expect(text.split('\r\n').length).toBe(text.split('\n').length);
    expectTree(dir, 'manual');
  });

  it('--remove-all writes the annotation null (quoted) and pauses the Deployment', async () => {
    const { dir, out } = await run({ objects: ['deploy/web'], flags: { removeAll: true } });
    expect(out.errors).toEqual([]);
    expectTree(dir, 'remove-all');
  });

  it('--remove --from-image drops the trigger and keeps the pinned image', async () => {
    const { dir, out } = await run({ objects: ['deploy/web'], flags: { remove: true, fromImage: 'ubi:8' } });
    expect(out.stdout).toBe('deployment.apps/web triggers updated\n');
    expect(readFileSync(join(dir, 'apps/web-crlf.yaml'), 'utf8')).toContain("image.openshift.io/triggers: 'null'\r\n");
    expect(readFileSync(join(dir, 'apps/web-crlf.yaml'), 'utf8')).toContain('  paused: false\r\n');
  });

  it('a DeploymentConfig gets a native ImageChange trigger, fired at once (lastTriggeredImage + container)', async () => {
    const { dir, out } = await run({ objects: ['dc/legacy'], flags: { fromImage: 'ubi:8', containers: 'app' } });
    expect(out.stdout).toBe('deploymentconfig.apps.openshift.io/legacy triggers updated\n');
    expect(out.workloads.map((w) => w.container)).toEqual(['lastTriggeredImage', 'app']);
    expectTree(dir, 'dc-from-image');
  });

  it('a CronJob inside a List; a tag without an image yet is recorded and reported, nothing pinned', async () => {
    const { dir, out } = await run({ objects: ['cronjob/nightly'], flags: { fromImage: 'ruby:3.3', containers: 'task', manual: false } });
    expect(out.stdout).toBe('cronjob.batch/nightly triggers updated\n');
    expect(out.workloads).toEqual([]);
    expect(out.stderr).toContain('info: cronjobs/nightly: ImageStreamTag apps/ruby:3.3 has no image yet; the image is set when the tag is imported');
    expectTree(dir, 'cronjob-in-list');
  });

  it('a cross-namespace --from-image keeps the namespace in the trigger', async () => {
    const { dir } = await run({ objects: ['deploy/myapp'], flags: { fromImage: 'shared/base:1', containers: 'myapp,migrate', manual: true } });
    const text = readFileSync(join(dir, 'apps/myapp.yaml'), 'utf8');
    expect(text).toContain(
      `image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"shared"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"myapp\\")].image","paused":true},{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"shared"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"migrate\\")].image","paused":true}]'\n`,
    );
  });

  it('nothing to change: oc\'s info line, no file rewritten', async () => {
    const { dir, out } = await run({ objects: ['deploy/web'], flags: { auto: true } });
    expect(out.stdout).toBe('');
    expect(out.stderr).toEqual(['info: deployments/web was not changed']);
    expect(out.files).toEqual([]);
    expect(out.written).toBe(false);
    expectTree(dir, undefined);
  });

  it('--dry-run plans the same bytes but writes nothing; -o name / -o yaml print the object', async () => {
    const { dir, out } = await run({ objects: ['deploy/myapp'], flags: { fromImage: 'ubi:8', containers: 'myapp' }, dryRun: true });
    expect(out.stdout).toBe('deployment.apps/myapp triggers updated (dry run)\n');
    expect(out.files[0]?.after).toBe(readFileSync(join(FIXTURES, 'expected/from-image/apps/myapp.yaml'), 'utf8'));
    expect(out.written).toBe(false);
    expectTree(dir, undefined);

    const named = await run({ objects: ['deploy/myapp'], flags: { fromImage: 'ubi:8', containers: 'myapp' }, output: 'name' });
    expect(named.out.stdout).toBe('deployment.apps/myapp\n');
    // -o json|yaml: the writing verbs' one shape (#13.1): changed objects with their files, the files, the objects
    const yaml = await run({ objects: ['deploy/myapp'], flags: { fromImage: 'ubi:8', containers: 'myapp' }, output: 'yaml', dryRun: true });
    const printed = parseYaml(yaml.out.stdout) as { changed: unknown[]; files: string[]; items: { apiVersion: string; spec: { template: { spec: { containers: { name: string; image: string }[] } } } }[] };
    expect(printed.changed).toEqual([{ kind: 'Deployment', namespace: 'apps', name: 'myapp', file: 'apps/myapp.yaml', change: 'updated' }]);
    expect(printed.files).toEqual(['apps/myapp.yaml']);
    expect(printed.items).toHaveLength(1);
    expect(printed.items[0]!.apiVersion).toBe('apps/v1');
    expect(printed.items[0]!.spec.template.spec.containers.find((c) => c.name === 'myapp')?.image).toBe(`registry.example.com/ubi@${D1}`);
    const json = await run({ objects: ['deploy/myapp'], flags: { fromImage: 'ubi:8', containers: 'myapp' }, output: 'json', dryRun: true });
    expect(JSON.parse(json.out.stdout)).toEqual(printed);
  });
});

describe('set triggers: errors (located, nothing written)', () => {
  it.each<[string, SetTriggersOptions, string, string]>([
    ['no --containers', { objects: ['deploy/myapp'], flags: { fromImage: 'ubi:8' } }, 'Usage', 'deployments/myapp: you must specify --containers when setting --from-image (apps/myapp.yaml:2:1)'],
    [
      'unknown container',
      { objects: ['deploy/myapp'], flags: { fromImage: 'ubi:8', containers: 'myapp,nope' } },
      'Usage',
      'deployments/myapp: not all container names exist: nope (accepts: migrate, myapp, sidecar) (apps/myapp.yaml:2:1)',
    ],
    [
      'container already triggered',
      { objects: ['deploy/web'], flags: { fromImage: 'ubi:9', containers: 'web' } },
      'Usage',
      'deployments/web: only one trigger may reference each container: web (apps/web-crlf.yaml:1:1)',
    ],
    ['unsupported kind', { objects: ['job/once'], flags: { fromImage: 'ruby:3.3', containers: 'task' } }, 'Usage', 'jobs/once does not support triggers (apps/batch.yaml:20:3)'],
    ['bad annotation', { objects: ['deploy/broken'], flags: { auto: true } }, 'Usage', 'deployments/broken: '],
    ['not found', { objects: ['deploy/nope'], flags: { auto: true } }, 'NotFound', 'deployments.apps "nope" not found'],
    ['not found (DC)', { objects: ['dc/nope'], flags: {} }, 'NotFound', 'deploymentconfigs.apps.openshift.io "nope" not found'],
    ['wrong namespace', { objects: ['deploy/myapp'], namespace: 'other', flags: { auto: true } }, 'NotFound', 'deployments.apps "myapp" not found'],
    [
      'defined twice',
      { objects: ['statefulset/twin'], namespace: 'other', flags: { fromImage: 'mysql:8', containers: 'db' } },
      'DuplicateObject',
      'statefulsets/twin in namespace other is defined more than once (other/twin-a.yaml:1:1, other/twin-b.yaml:1:1); keep one definition',
    ],
  ])('%s', async (_name, opts, code, message) => {
    const { dir, out } = await run(opts);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]?.code).toBe(code);
    expect(out.errors[0]?.message.slice(0, message.length)).toBe(message);
    expect(out.stdout).toBe('');
    expect(out.files).toEqual([]);
    expectTree(dir, undefined);
  });

  it('the bad annotation error says what JSON was expected and where', async () => {
    const { out } = await run({ objects: ['deploy/broken'], flags: { auto: true } });
    // located at the annotation's value (line 6), not at the object's first line
    expect(out.errors[0]?.message).toMatch(/^deployments\/broken: .+ \(apps\/broken-annotation\.yaml:6:34\)$/);
  });

  it('one failing object blocks every write of the run', async () => {
    const { dir, out } = await run({ objects: ['deploy/myapp', 'deploy/nope'], flags: { fromImage: 'ubi:8', containers: 'myapp' } });
    expect(messages(out)).toEqual(['deployments.apps "nope" not found']);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('info: no file was changed');
    expectTree(dir, undefined);
  });

  it.each<[string, SetTriggersOptions, string]>([
    ['auto + manual', { objects: ['deploy/web'], flags: { auto: true, manual: true } }, 'you must specify at most one of --auto or --manual'],
    ['digest source', { objects: ['deploy/web'], flags: { fromImage: `ubi@${D1}`, containers: 'web' } }, 'the value of --from-image must point to an image stream tag on this server'],
    ['unknown type', { objects: ['foo/x'], flags: {} }, 'the server doesn\'t have a resource type "foo"'],
    ['no object', { objects: [], flags: {} }, 'you must provide one or more resources by argument or filename'],
    ['type without name', { objects: ['deploy'], flags: {} }, 'resource(s) were provided, but no name was specified'],
    ['two slashes', { objects: ['deploy/a/b'], flags: {} }, 'arguments in resource/name form must have a single resource and name: "deploy/a/b"'],
  ])('usage: %s', async (_name, opts, message) => {
    const { dir, ctx } = await copyRepo();
    const err = await setTriggers(ctx, opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as TagstreamError).message).toBe(message);
    expectTree(dir, undefined);
  });
});

describe('set triggers: any kind with a pod template (CRDs), resolved as kubectl resolves resource names', () => {
  const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ubi
spec:
  tags:
  - name: "8"
    from: {kind: DockerImage, name: registry.example.com/ubi:8}
status:
  tags:
  - tag: "8"
    items:
    - created: "2026-11-20T09:00:00Z"
      dockerImageReference: registry.example.com/ubi@${D1}
      image: ${D1}
      generation: 1
`;
  const podTemplate = (indent: string) => `${indent}containers:\n${indent}- name: app\n${indent}  image: registry.example.com/ubi:8\n`;
  const FILES: Record<string, string> = {
    'streams.yaml': STREAM,
    'widget.yaml': `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n${podTemplate('      ')}`,
    'nightly.yaml': `apiVersion: batch.example.org/v1\nkind: NightlyTask\nmetadata:\n  name: report\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podTemplate('          ')}`,
    'cloneset.yaml': `apiVersion: apps.kruise.io/v1alpha1\nkind: CloneSet\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n${podTemplate('      ')}`,
    'gizmo.yaml': `apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: plain\nspec:\n  size: 3\n`,
  };

  async function runOn(objects: string[], flags: SetTriggersOptions['flags'] = { fromImage: 'ubi:8', containers: 'app' }) {
    const workspace = memoryWorkspace(FILES);
    const ctx = { workspace, settings: await loadRepoSettings(workspace) };
    const result = await setTriggers(ctx, { objects, flags });
    const out = { ...result, ...setOutput(result, undefined) };
    const tree: Record<string, string> = {};
    for (const [p, b] of workspace.files) tree[p] = b.toString('utf8');
    return { out, tree };
  }

  it.each<[string[], string, string]>([
    [['widget/web'], 'widget.yaml', 'widget.example.com/web'],
    [['Widgets.Example.com/web'], 'widget.yaml', 'widget.example.com/web'],
    [['widgets.v1.example.com', 'web'], 'widget.yaml', 'widget.example.com/web'],
    [['nightlytasks/report'], 'nightly.yaml', 'nightlytask.batch.example.org/report'],
    [['cloneset/shop'], 'cloneset.yaml', 'cloneset.apps.kruise.io/shop'],
    [['clonesets.apps.kruise.io/shop'], 'cloneset.yaml', 'cloneset.apps.kruise.io/shop'],
  ])('%j: writes the annotation and pins the container', async (objects, file, qualified) => {
    const { out, tree } = await runOn(objects);
    expect(out.errors).toEqual([]);
    expect(out.stdout).toBe(`${qualified} triggers updated\n`);
    expect(out.files.map((f) => f.path)).toEqual([file]);
    expect(tree[file]).toContain(`image: registry.example.com/ubi@${D1}`);
    expect(tree[file]).toMatch(/image\.openshift\.io\/triggers: '\[\{"from":\{"kind":"ImageStreamTag","name":"ubi:8"\},"fieldPath":"spec\.(jobTemplate\.spec\.)?template\.spec\.containers\[\?\(@\.name==\\"app\\"\)\]\.image"\}\]'/);
    for (const other of Object.keys(FILES).filter((p) => p !== file)) expect(tree[other], other).toBe(FILES[other]);
  });

  it('lists the triggers of a CRD object', async () => {
    const { out } = await runOn(['widget/web'], {});
    expect(out.errors).toEqual([]);
    expect(out.stdout).toBe('NAME         TYPE    VALUE  AUTO\nwidgets/web  config         true\n');
  });

  it.each<[string[], string, string]>([
    [['sprocket/web'], 'Usage', 'the server doesn\'t have a resource type "sprocket"'],
    [['widgets.other.io/web'], 'Usage', 'the server doesn\'t have a resource type "widgets.other.io"'],
    [['widget/nope'], 'NotFound', 'widgets.example.com "nope" not found'],
    [['gizmo/plain'], 'Usage', 'gizmos/plain has no pod template (spec.template.spec or spec.jobTemplate.spec.template.spec with a containers list), so it cannot have image triggers (gizmo.yaml:1:1)'],
  ])('%j: %s error, nothing written', async (objects, code, message) => {
    const run = runOn(objects);
    if (code === 'Usage' && !objects[0]!.startsWith('gizmo')) {
      await expect(run).rejects.toThrow(new UsageError(message));
      return;
    }
    const { out, tree } = await run;
    expect(out.errors.map((e) => e.message)).toEqual([message]);
    expect(out.files).toEqual([]);
    expect(tree).toEqual(FILES);
  });
});
