// A broken or dangling trigger annotation, as a user meets it: reported once, at the annotation's
// value (not the object's first line), and shown in the `set triggers` listing instead of dropped.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const BROKEN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
  annotations:
    image.openshift.io/triggers: '[{"from":'
spec:
  template:
    spec:
      containers:
      - name: app
        image: ubi:8
`;
const DANGLING = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"nope\\")].image"},{"from":{"kind":"ImageStreamTag","name":"app:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image","paused":true}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: app
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagstream-trigger-diag-'));
  await writeFile(join(dir, 'broken.yaml'), BROKEN);
  await writeFile(join(dir, 'web.yaml'), DANGLING);
  await writeFile(join(dir, 'bc.yaml'), 'apiVersion: build.openshift.io/v1\nkind: BuildConfig\nmetadata:\n  name: builder\nspec: {}\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('trigger annotation problems', () => {
  it('reconcile reports a broken annotation once, at its value', async () => {
    const r = await runCli(['reconcile', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l.includes('invalid image.openshift.io/triggers annotation'));
    expect(lines).toEqual([
      'error: broken.yaml:6:34: invalid image.openshift.io/triggers annotation: expected a JSON array, Unexpected end of JSON input; OpenShift ignores every trigger of this object',
    ]);
  });

  it('set triggers on the object locates the error at the annotation', async () => {
    const r = await runCli(['set', 'triggers', 'deploy/broken', '--auto'], { cwd: dir });
    expect(r.stderr).toMatch(/^error: deployments\/broken: invalid image\.openshift\.io\/triggers annotation: .* \(broken\.yaml:6:34\)\n$/);
  });

  it('the listing shows a trigger naming a missing container as an <error> row', async () => {
    const r = await runCli(['set', 'triggers', 'deploy/web'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'NAME             TYPE     VALUE                            AUTO',
        'deployments/web  config                                    true',
        'deployments/web  image    app:1 (web)                      false',
        'deployments/web  <error>  app:1 (nope: no such container)  true',
        '',
      ].join('\n'),
    );
  });

  it('a BuildConfig is refused in oc\'s words (Tagstream runs no builds), webhook flags too', async () => {
    const bc = await runCli(['set', 'triggers', 'bc/builder', '--from-github'], { cwd: dir });
    expect(bc.code).toBe(2);
    expect(bc.stderr).toBe('error: buildconfigs/builder does not support triggers (bc.yaml:1:1)\n');
    const listed = await runCli(['set', 'triggers', 'buildconfig/builder'], { cwd: dir });
    expect(listed.stdout).toContain('buildconfigs/builder  <error>');
  });
});
