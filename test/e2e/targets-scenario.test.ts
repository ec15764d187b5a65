// Update targets end to end: the real CNCF registry, a real Git remote over `git http-backend`, the
// CLI as users run it. One stream tag drives a Rollout (trigger annotation), a Helm values file
// (markers), a Kustomization (markers), a JSON file (.tagstream.yaml JSONPath rule) and a Dockerfile
// (FROM marker); a new image moves all five in ONE commit that changes exactly those lines.
// TAGSTREAM_E2E_DIFF=path writes that commit's diff (for the closing note).
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { captureStream } from '../fakes/capture-stream.js';
import { fixedClock } from '../../src/ports/clock.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let server: GitServer;
let tmp: string;
let clone: string;
const digests: Record<string, string> = {};

async function tagstream(cwd: string, when: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: join(tmp, 'home'), PATH: process.env.PATH }, cwd, clock: fixedClock(when) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const image = (version: string) => makeImage({ layers: [{ VERSION: `${version}\n` }], created: '2026-11-20T10:00:00Z', labels: { version } });

function repo(reg: string): Record<string, string> {
  return {
    'imagestreams/shop/web.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
  namespace: shop
spec:
  tags:
  - name: "1"
    from:
      kind: DockerImage
      name: ${reg}/web:1
    importPolicy:
      scheduled: true
`,
    'apps/rollout.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  strategy:
    canary:
      steps:
      - setWeight: 20
  template:
    spec:
      containers:
      - name: web
        image: ${reg}/web:1   # rolled by Tagstream
`,
    'charts/web/values.yaml': `replicaCount: 2
image:
  repository: ${reg}/web   # {"$imagestream": "shop/web:1:name"}
  tag: "1"                 # {"$imagestream": "shop/web:1:tag"}
  digest: ""               # {"$imagestream": "shop/web:1:digest"}
`,
    'kustomize/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
  - ../apps
images:
  - name: web
    newName: ${reg}/web  # {"$imagestream": "web:1:name"}
    digest: ""  # {"$imagestream": "web:1:digest"}
`,
    'config/app.json': `{\n\t"service": "web",\n\t"image": {\n\t\t"ref": "${reg}/web:1"\n\t}\n}`,
    '.tagstream.yaml': `targets:
  - files: "config/*.json"
    from: shop/web:1
    set:
      "$.image.ref": reference
`,
    Dockerfile: `# {"$imagestream": "shop/web:1"}
FROM --platform=$BUILDPLATFORM ${reg}/web:1 AS base
RUN echo build
`,
  };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-targets-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  server = await startGitServer();
  const remote = await server.createBareRepo('gitops.git', { initialFiles: { 'README.md': '# gitops\n' } });
  clone = await cloneWorkingCopy(remote, join(tmp, 'clone'));
});

afterAll(async () => {
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const remoteFile = (path: string) => gitCli(tmp, ['--git-dir', join(server.root, 'gitops.git'), 'show', `main:${path}`]);

describe('update targets (real registry, real Git remote)', () => {
  it('one reconcile moves a Rollout, Helm values, a Kustomization, a JSON file and a Dockerfile in one commit', async () => {
    digests.v1 = await pushImage(registry, 'web', '1', image('v1'));
    for (const [path, text] of Object.entries(repo(registry.host))) {
      await mkdir(dirname(join(clone, path)), { recursive: true });
      await writeFile(join(clone, path), text);
    }
    await gitCli(clone, ['add', '-A']);
    await gitCli(clone, ['commit', '-q', '-m', 'web app, chart, kustomization, config, Dockerfile']);
    await gitCli(clone, ['push', '-q', 'origin', 'main']);

    const first = await tagstream(clone, '2026-11-21T07:00:00Z', 'reconcile', '--commit', '--push');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(/warning|error/);
    const pinned = await readFile(join(clone, 'Dockerfile'), 'utf8');
    expect(pinned).toContain(`FROM --platform=$BUILDPLATFORM ${registry.host}/web@${digests.v1} AS base\n`);

    // a new image behind web:1; dry-run shows every target, then one reconcile moves them all
    digests.v2 = await pushImage(registry, 'web', '1', image('v2'));
    const dry = await tagstream(clone, '2026-11-21T07:10:00Z', 'reconcile', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    for (const where of ['charts/web/values.yaml:5', 'kustomize/kustomization.yaml:9', 'config/app.json:4', 'Dockerfile:2']) expect(dry.stdout).toContain(where);
    const asJson = await tagstream(clone, '2026-11-21T07:10:00Z', 'reconcile', '--dry-run', '-o', 'json');
    expect(JSON.parse(asJson.stdout).targets.map((t: { file: string; field: string }) => `${t.file} ${t.field}`)).toEqual([
      'charts/web/values.yaml image.digest',
      'config/app.json image.ref',
      'Dockerfile FROM',
      'kustomize/kustomization.yaml images[0].digest',
    ]);

    const before = await gitCli(clone, ['rev-parse', 'HEAD']);
    const moved = await tagstream(clone, '2026-11-21T07:10:00Z', 'reconcile', '--commit', '--push');
    expect(moved.code, moved.stderr).toBe(0);
    const after = await gitCli(clone, ['rev-parse', 'HEAD']);
    expect(await gitCli(clone, ['rev-list', '--count', `${before}..${after}`])).toBe('1');
    expect(await gitCli(tmp, ['--git-dir', join(server.root, 'gitops.git'), 'rev-parse', 'main'])).toBe(after);

    const diff = await gitCli(clone, ['show', '--format=%B', '-U0', after]);
    if (process.env.TAGSTREAM_E2E_DIFF) await writeFile(process.env.TAGSTREAM_E2E_DIFF, diff + '\n');
    const files = (await gitCli(clone, ['show', '--name-only', '--format=', after])).split('\n').sort();
    expect(files).toEqual(['Dockerfile', 'apps/rollout.yaml', 'charts/web/values.yaml', 'config/app.json', 'imagestreams/shop/web.yaml', 'kustomize/kustomization.yaml']);
    const targetLines = diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l) && !l.includes('imagestreams') && !/^[-+]\s+(- created|created|dockerImageReference|image|generation|items|- tag|tag):?/.test(l.replace(/^([-+])\s*-?\s*/, '$1 ')));
    const v1 = digests.v1!;
    const v2 = digests.v2!;
    const reg = registry.host;
    expect(diff).toContain(`-FROM --platform=$BUILDPLATFORM ${reg}/web@${v1} AS base\n+FROM --platform=$BUILDPLATFORM ${reg}/web@${v2} AS base`);
    expect(diff).toContain(`-        image: ${reg}/web@${v1}   # rolled by Tagstream\n+        image: ${reg}/web@${v2}   # rolled by Tagstream`);
    expect(diff).toContain(`-  digest: "${v1}"               # {"$imagestream": "shop/web:1:digest"}\n+  digest: "${v2}"               # {"$imagestream": "shop/web:1:digest"}`);
    expect(diff).toContain(`-    digest: "${v1}"  # {"$imagestream": "web:1:digest"}\n+    digest: "${v2}"  # {"$imagestream": "web:1:digest"}`);
    expect(diff).toContain(`-\t\t"ref": "${reg}/web@${v1}"\n+\t\t"ref": "${reg}/web@${v2}"`);
    expect(targetLines.length).toBeGreaterThan(0);
    const message = await gitCli(clone, ['log', '-1', '--format=%B']);
    expect(message).toContain(`Tagstream-Move: shop/web:1 ${v1} -> ${v2}`);
    expect(message).toContain('Tagstream-Target: Dockerfile:2 FROM reference shop/web:1');
    expect(message).toContain('Tagstream-Workload: Rollout/shop/web web shop/web:1');

    // the remote holds the new bytes; a second run changes nothing
    expect(await remoteFile('config/app.json')).toBe(`{\n\t"service": "web",\n\t"image": {\n\t\t"ref": "${reg}/web@${v2}"\n\t}\n}`);
    const again = await tagstream(clone, '2026-11-21T07:11:00Z', 'reconcile', '--commit', '--push');
    expect(again.code, again.stderr).toBe(0);
    expect(await gitCli(clone, ['rev-parse', 'HEAD'])).toBe(after);
  });

  it('git revert of the bump holds every target kind at the reverted image', async () => {
    const bump = await gitCli(clone, ['rev-parse', 'HEAD']);
    await gitCli(clone, ['revert', '--no-edit', bump]);
    const revert = await gitCli(clone, ['rev-parse', 'HEAD']);
    await gitCli(clone, ['push', '-q', 'origin', 'main']);
    const held = await tagstream(clone, '2026-11-21T07:20:00Z', 'reconcile', '--commit', '--push');
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout + held.stderr).toContain('held: shop/web:1');
    expect(await gitCli(clone, ['rev-parse', 'HEAD'])).toBe(revert);
    expect(await readFile(join(clone, 'Dockerfile'), 'utf8')).toContain(`web@${digests.v1} AS base`);
    expect(await readFile(join(clone, 'charts/web/values.yaml'), 'utf8')).toContain(`digest: "${digests.v1}"`);
  });
});
