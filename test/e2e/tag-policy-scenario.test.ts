// Tag policies end to end (issue #15): the real CNCF registry, a real Git working copy, the CLI as
// users run it. A `semver:^1.0.0` tag moves with 1.4.0 (and its workload with it), not with 2.0.0;
// `numerical:^build-(\d+)$` prefers build-11 to build-10; a reverted policy bump stays reverted
// until a newer winner appears.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../src/cli/run.js';
import { captureStream } from '../fakes/capture-stream.js';
import { fixedClock } from '../../src/ports/clock.js';
import { gitCli, TEST_GIT_IDENTITY } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let tmp: string;
let repo: string;
const digests: Record<string, string> = {};
const log: string[] = [];

async function tagstream(when: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const env = { HOME: join(tmp, 'home'), PATH: process.env.PATH };
  const code = await run(argv, { stdout, stderr, env, cwd: repo, clock: fixedClock(when) });
  log.push(`$ tagstream ${argv.join(' ')}  [exit ${code}]\n${stdout.text()}${stderr.text()}`);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const image = (version: string) => makeImage({ layers: [{ VERSION: `${version}\n` }], created: '2026-12-01T10:00:00Z', labels: { version } });
const yamlAt = async (path: string) => parse(await readFile(join(repo, path), 'utf8'));
const git = (...args: string[]) => gitCli(repo, args);

const STREAM = (reg: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: stable
    from:
      kind: DockerImage
      name: ${reg}/team/app:1.3.0
    annotations:
      tagstream.io/tag-policy: "semver:^1.0.0"
    importPolicy:
      scheduled: true
  - name: nightly
    from:
      kind: DockerImage
      name: ${reg}/team/builds:build-10
    annotations:
      tagstream.io/tag-policy: 'numerical:^build-(\\d+)$'
    importPolicy:
      scheduled: true
`;

const DEPLOYMENT = (reg: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:stable"},"fieldPath":"spec.template.spec.containers[0].image"}]'
spec:
  template:
    spec:
      containers:
      - name: app
        image: ${reg}/team/app:1.3.0
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-e2e-policy-'));
  await mkdir(join(tmp, 'home'));
  repo = join(tmp, 'repo');
  await mkdir(join(repo, 'imagestreams'), { recursive: true });
  await mkdir(join(repo, 'apps'));
  registry = await startRegistry();
  await gitCli(tmp, ['init', '-q', '-b', 'main', repo]);
  await git('config', 'user.name', TEST_GIT_IDENTITY.name);
  await git('config', 'user.email', TEST_GIT_IDENTITY.email);
  await writeFile(join(repo, '.tagstream.yaml'), `git:\n  authorName: ${TEST_GIT_IDENTITY.name}\n  authorEmail: ${TEST_GIT_IDENTITY.email}\n`);
  await writeFile(join(repo, 'imagestreams/app.yaml'), STREAM(registry.host));
  await writeFile(join(repo, 'apps/app.yaml'), DEPLOYMENT(registry.host));
  digests['1.3.0'] = await pushImage(registry, 'team/app', '1.3.0', image('1.3.0'));
  digests['build-9'] = await pushImage(registry, 'team/builds', 'build-9', image('build-9'));
  digests['build-10'] = await pushImage(registry, 'team/builds', 'build-10', image('build-10'));
  await git('add', '-A');
  await git('commit', '-q', '-m', 'app stream with tag policies');
}, 120_000);

afterAll(async () => {
  if (process.env.TAGSTREAM_E2E_LOG) console.log(log.join('\n'));
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const stable = async () => (await yamlAt('imagestreams/app.yaml')).spec.tags.find((t: { name: string }) => t.name === 'stable');
const statusOf = async (tag: string) => (await yamlAt('imagestreams/app.yaml')).status.tags.find((t: { tag: string }) => t.tag === tag);
const workloadImage = async () => (await yamlAt('apps/app.yaml')).spec.template.spec.containers[0].image;

describe('tag policies (real registry, real Git working copy)', () => {
  let bump = '';

  it('1. the first reconcile imports the current winners: 1.3.0 and build-10 (build-9 is lower)', async () => {
    const r = await tagstream('2026-12-05T08:00:00Z', 'reconcile', '--commit');
    expect(r.code, r.stderr).toBe(0);
    expect((await stable()).from.name).toBe(`${registry.host}/team/app:1.3.0`);
    expect((await statusOf('stable')).items[0].image).toBe(digests['1.3.0']);
    expect((await statusOf('nightly')).items[0].image).toBe(digests['build-10']);
    expect(await workloadImage()).toBe(`${registry.host}/team/app@${digests['1.3.0']}`);
  });

  it('2. pushing 1.4.0 moves the semver:^1.0.0 tag and its workload; build-11 beats build-10', async () => {
    digests['1.4.0'] = await pushImage(registry, 'team/app', '1.4.0', image('1.4.0'));
    digests['build-11'] = await pushImage(registry, 'team/builds', 'build-11', image('build-11'));
    const r = await tagstream('2026-12-05T08:10:00Z', 'reconcile', '--commit');
    expect(r.code, r.stderr).toBe(0);
    bump = await git('rev-parse', 'HEAD');
    expect((await stable()).from.name).toBe(`${registry.host}/team/app:1.4.0`);
    expect((await statusOf('stable')).items.map((i: { image: string }) => i.image)).toEqual([digests['1.4.0'], digests['1.3.0']]);
    expect(await workloadImage()).toBe(`${registry.host}/team/app@${digests['1.4.0']}`);
    const nightly = (await yamlAt('imagestreams/app.yaml')).spec.tags.find((t: { name: string }) => t.name === 'nightly');
    expect(nightly.from.name).toBe(`${registry.host}/team/builds:build-11`);
    expect((await statusOf('nightly')).items[0].image).toBe(digests['build-11']);

    const message = await git('log', '-1', '--format=%B');
    expect(message).toContain(`Tagstream-Policy: shop/app:stable 1.3.0 -> 1.4.0 ${digests['1.4.0']}`);
    expect(message).toContain(`Tagstream-Policy: shop/app:nightly build-10 -> build-11 ${digests['build-11']}`);
    expect(message).toContain(`Tagstream-Move: shop/app:stable ${digests['1.3.0']} -> ${digests['1.4.0']}`);
    // the from.name edit is one line of the stream file
    const diff = await git('diff', '-U0', 'HEAD~1', 'HEAD', '--', 'imagestreams/app.yaml');
    expect(diff).toContain(`-      name: ${registry.host}/team/app:1.3.0\n+      name: ${registry.host}/team/app:1.4.0`);
  });

  it('3. pushing 2.0.0 does not move it: nothing to commit', async () => {
    digests['2.0.0'] = await pushImage(registry, 'team/app', '2.0.0', image('2.0.0'));
    const head = await git('rev-parse', 'HEAD');
    const r = await tagstream('2026-12-05T08:20:00Z', 'reconcile', '--commit');
    expect(r.code, r.stderr).toBe(0);
    expect(await git('rev-parse', 'HEAD')).toBe(head);
    expect((await stable()).from.name).toBe(`${registry.host}/team/app:1.4.0`);
    expect(await workloadImage()).toBe(`${registry.host}/team/app@${digests['1.4.0']}`);
    expect(await git('status', '--porcelain')).toBe('');
  });

  it('4. a reverted policy bump stays at the reverted tag until a newer winner appears', async () => {
    await git('revert', '--no-edit', bump);
    const held = await tagstream('2026-12-05T08:30:00Z', 'reconcile', '--commit');
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toContain('held: shop/app:stable');
    expect((await stable()).from.name).toBe(`${registry.host}/team/app:1.3.0`);
    expect(await workloadImage()).toBe(`${registry.host}/team/app@${digests['1.3.0']}`);

    digests['1.5.0'] = await pushImage(registry, 'team/app', '1.5.0', image('1.5.0'));
    const moved = await tagstream('2026-12-05T08:40:00Z', 'reconcile', '--commit');
    expect(moved.code, moved.stderr).toBe(0);
    expect((await stable()).from.name).toBe(`${registry.host}/team/app:1.5.0`);
    expect(await workloadImage()).toBe(`${registry.host}/team/app@${digests['1.5.0']}`);
    expect(await git('log', '-1', '--format=%B')).toContain(`Tagstream-Policy: shop/app:stable 1.3.0 -> 1.5.0 ${digests['1.5.0']}`);
  });

  it('5. an invalid policy is a located error; the tag keeps its image', async () => {
    const text = await readFile(join(repo, 'imagestreams/app.yaml'), 'utf8');
    await writeFile(join(repo, 'imagestreams/app.yaml'), text.replace('"semver:^1.0.0"', '"semver:one"'));
    digests['1.6.0'] = await pushImage(registry, 'team/app', '1.6.0', image('1.6.0'));
    const r = await tagstream('2026-12-05T08:50:00Z', 'reconcile');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/error: imagestreams\/app\.yaml:\d+:32: spec\.tags\[0\]\.annotations\[tagstream\.io\/tag-policy\]: Invalid value: "semver:one": "one" is not a semver range/);
    expect((await stable()).from.name).toBe(`${registry.host}/team/app:1.5.0`);
    expect((await statusOf('stable')).items[0].image).toBe(digests['1.5.0']);
    expect(await workloadImage()).toBe(`${registry.host}/team/app@${digests['1.5.0']}`);
  });

  it('6. the verbs through the CLI: tag --policy, get istag -o wide, describe istag, import-image, --policy=\'\'', async () => {
    const set = await tagstream('2026-12-05T09:00:00Z', 'tag', '-n', 'shop', '--policy', 'semver:^1', `${registry.host}/team/app`, 'fresh:stable');
    expect(set.code, set.stdout + set.stderr).toBe(0);
    const file = 'imagestreams/shop/fresh.yaml';
    const tagOf = async () => (await yamlAt(file)).spec.tags[0];
    expect((await tagOf()).annotations).toEqual({ 'tagstream.io/tag-policy': 'semver:^1' });
    expect((await tagOf()).from.name).toBe(`${registry.host}/team/app:1.6.0`);
    const wide = await tagstream('2026-12-05T09:01:00Z', 'get', 'istag', '-n', 'shop', '-o', 'wide');
    expect(wide.stdout).toMatch(/^fresh:stable .* semver:\^1 +1\.6\.0$/m);

    const described = await tagstream('2026-12-05T09:02:00Z', 'describe', 'istag', '-n', 'shop', 'fresh:stable');
    expect(described.stdout).toContain('Tag Policy:\tsemver:^1 (following 1.6.0)');
    digests['1.7.0'] = await pushImage(registry, 'team/app', '1.7.0', image('1.7.0'));
    const imported = await tagstream('2026-12-05T09:03:00Z', 'import-image', '-n', 'shop', 'fresh:stable');
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect((await tagOf()).from.name).toBe(`${registry.host}/team/app:1.7.0`);
    expect((await yamlAt(file)).status.tags[0].items[0].image).toBe(digests['1.7.0']);
    const removed = await tagstream('2026-12-05T09:04:00Z', 'tag', '-n', 'shop', '--policy=', `${registry.host}/team/app:1.3.0`, 'fresh:stable');
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect((await tagOf()).annotations ?? null).toBeNull();
    expect((await tagOf()).from.name).toBe(`${registry.host}/team/app:1.3.0`);
  });
});
