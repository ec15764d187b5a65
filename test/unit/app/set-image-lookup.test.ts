import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setImageLookup, type SetImageLookupOptions } from '../../../src/app/set-image-lookup.js';
import type { SetContext, SetResult } from '../../../src/app/set-triggers.js';
import type { ReadOutput } from '../../../src/cli/render/read-output.js';
import { setOutput, type SetOutputFormat } from '../../../src/cli/render/set-output.js';
import { UsageError } from '../../../src/errors.js';
import { copyRepo, expectTree, removeCopies } from '../../fixtures/set/set-repo.js';

afterEach(removeCopies);

/** The verb's result with what the CLI prints for it (`-o` as `output`). */
async function run(opts: SetImageLookupOptions & { readonly output?: SetOutputFormat }): Promise<{ dir: string; ctx: SetContext; out: SetResult & ReadOutput }> {
  const { dir, ctx } = await copyRepo();
  const { output, ...request } = opts;
  const result = await setImageLookup(ctx, request);
  return { dir, ctx, out: { ...result, ...setOutput(result, output) } };
}

describe('set image-lookup: listing', () => {
  it('no argument: NAME LOCAL for every stream of the namespace', async () => {
    const { dir, out } = await run({ targets: [] });
    expect(out.stdout).toBe(['NAME   LOCAL', 'mysql  true', 'ruby   false', 'ubi    false', ''].join('\n'));
    expect(out.errors).toEqual([]);
    expectTree(dir, undefined);
  });

  it('--list on workloads: true when resolve-names is "*" on the template or the object', async () => {
    const { out } = await run({ targets: ['deploy/myapp', 'cronjob/nightly', 'pod/debug', 'ubi'], list: true });
    expect(out.stdout).toBe(
      ['NAME               LOCAL', 'deployments/myapp  false', 'cronjobs/nightly   true', 'pods/debug         false', 'ubi                false', ''].join('\n'),
    );
  });

  it('an empty namespace prints the header only; -o yaml prints the rows', async () => {
    const empty = await run({ targets: [], namespace: 'nothing-here' });
    expect(empty.out.stdout).toBe('NAME  LOCAL\n');
    const yaml = await run({ targets: [], output: 'yaml' });
    expect(yaml.out.stdout).toBe('items:\n- local: "true"\n  name: mysql\n- local: "false"\n  name: ruby\n- local: "false"\n  name: ubi\n');
  });
});

describe('set image-lookup: changes, byte-exact (golden files)', () => {
  it('streams: sets an existing local: false, inserts lookupPolicy where missing, skips one already on', async () => {
    const { dir, out } = await run({ targets: ['ubi', 'ruby', 'mysql'] });
    expect(out.stdout).toBe(['imagestream.image.openshift.io/ubi image lookup updated', 'imagestream.image.openshift.io/ruby image lookup updated', ''].join('\n'));
    expect(out.stderr).toEqual(['info: imagestreams/mysql was not changed']);
    expectTree(dir, 'lookup-streams');
  });

  it('--enabled=false on a flow mapping keeps its style', async () => {
    const { dir, out } = await run({ targets: ['mysql'], enabled: false });
    expect(out.stdout).toBe('imagestream.image.openshift.io/mysql image lookup updated\n');
    expect(readFileSync(join(dir, 'apps/streams.yaml'), 'utf8')).toContain('\n  lookupPolicy: {local: false}\n');
  });

  it('--all enables every stream of the namespace and touches only the stream file', async () => {
    const { dir, out } = await run({ targets: [], all: true });
    expect(out.files.map((f) => f.path)).toEqual(['apps/streams.yaml']);
    expectTree(dir, 'lookup-streams');
  });

  it('a Deployment gets resolve-names on its pod template and, as admission would, its images resolve at once', async () => {
    const { dir, out } = await run({ targets: ['deployment/myapp'] });
    expect(out.stdout).toBe('deployment.apps/myapp image lookup updated\n');
    // resolve-names treats every image as local: registry.example.com/ubi:8 is looked up as ubi:8
    expect(out.workloads.map((w) => [w.container, w.to, w.trigger])).toEqual([
      ['migrate', `registry.example.com/ubi@sha256:${'1'.repeat(64)}`, 'apps/ubi:8'],
      ['myapp', `registry.example.com/ubi@sha256:${'1'.repeat(64)}`, 'apps/ubi:8'],
    ]);
    expectTree(dir, 'lookup-deployment');
  });

  it('turning resolve-names off again restores the original bytes', async () => {
    const { dir, ctx, out } = await run({ targets: ['deployment/web'], namespace: 'other' });
    expect(out.workloads).toEqual([]);
    expect(readFileSync(join(dir, 'other/web.yaml'), 'utf8')).toContain('  template:\n    metadata:\n      annotations:\n        alpha.image.policy.openshift.io/resolve-names: "*"\n    spec:\n');
    const off = await setImageLookup(ctx, { targets: ['deployment/web'], namespace: 'other', enabled: false });
    expect(setOutput(off, undefined).stdout).toBe('deployment.apps/web image lookup updated\n');
    expectTree(dir, undefined);
  });

  it('a Pod (no template) gets the annotation on itself, in JSON', async () => {
    const { dir } = await run({ targets: ['pod/debug'] });
    expectTree(dir, 'lookup-pod');
    expect(JSON.parse(readFileSync(join(dir, 'apps/pod.json'), 'utf8'))).toMatchObject({
      metadata: { name: 'debug', annotations: { 'alpha.image.policy.openshift.io/resolve-names': '*' } },
    });
  });

  it('--enabled=false removes the annotation (and the template metadata it leaves empty)', async () => {
    const { dir, out } = await run({ targets: ['cronjob/nightly'], enabled: false });
    expect(out.stdout).toBe('cronjob.batch/nightly image lookup updated\n');
    expectTree(dir, 'lookup-off-cronjob');
  });

  it('--dry-run and -o name write nothing / print names', async () => {
    const dry = await run({ targets: ['ubi'], dryRun: true, output: 'name' });
    expect(dry.out.stdout).toBe('imagestream.image.openshift.io/ubi\n');
    expect(dry.out.files.map((f) => f.path)).toEqual(['apps/streams.yaml']);
    expect(dry.out.written).toBe(false);
    expectTree(dry.dir, undefined);
  });
});

describe('set image-lookup: errors', () => {
  it('a missing stream or workload is oc\'s NotFound and blocks the whole run', async () => {
    const { dir, out } = await run({ targets: ['ubi', 'nope', 'deploy/gone'] });
    expect(out.errors.map((e) => [e.code, e.message])).toEqual([
      ['NotFound', 'imagestreams.image.openshift.io "nope" not found'],
      ['NotFound', 'deployments.apps "gone" not found'],
    ]);
    expect(out.stdout).toBe('');
    expect(out.files).toEqual([]);
    expectTree(dir, undefined);
  });

  it('an object defined twice is refused with both places', async () => {
    const { out } = await run({ targets: ['statefulset/twin'], namespace: 'other' });
    expect(out.errors[0]?.message).toBe(
      'statefulsets/twin in namespace other is defined more than once (other/twin-a.yaml:1:1, other/twin-b.yaml:1:1); keep one definition',
    );
  });

  it('an unknown resource type is a usage error', async () => {
    const { ctx } = await copyRepo();
    await expect(setImageLookup(ctx, { targets: ['svc/web'] })).rejects.toThrow(new UsageError('the server doesn\'t have a resource type "svc"'));
  });
});
