/** Writing verbs report every object they changed, as lines for people and as data for `-o` (#13.1). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { D1, fakeRegistry } from '../app/tag-verb-fakes.js';
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
      files: ['deploy.yaml', 'imagestreams/shop/app.yaml'],
    });
  });

  it('-o name names the changed objects', async () => {
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop', '-o', 'name'], { cwd: repo(), registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.stdout).toBe('imagestream.image.openshift.io/app\ndeployment.apps/web\n');
  });
});
