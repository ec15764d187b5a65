/**
 * `image info` and `describe istag` against a real distribution registry on 127.0.0.1, through the
 * CLI's real composition (directory workspace, inventory, registry client). In-process run() with
 * a fixed clock; the registry is stopped by PID and temp dirs removed in afterAll.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { humanSize } from '../../src/cli/render/human-size.js';
import { fixedClock } from '../../src/ports/clock.js';
import { makeImage, makeIndex, type TestImage, type TestIndex } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let repoDir: string;
let app: TestImage;
let multi: TestIndex;
let arm: TestImage;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: repoDir }, cwd: repoDir, clock: fixedClock('2026-11-21T06:00:00Z') });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  registry = await startRegistry();
  repoDir = mkdtempSync(join(tmpdir(), 'tagstream-cli-read-'));
  app = makeImage({
    layers: [{ 'a.txt': 'a'.repeat(5000) }, { 'b.txt': 'b\n' }],
    created: '2026-11-20T06:00:00Z',
    author: 'Tagstream Tests',
    entrypoint: ['/entry'],
    env: ['PATH=/bin', 'MODE=test'],
    workingDir: '/srv',
    user: '1001',
    exposedPorts: ['8080/tcp'],
    labels: { 'org.opencontainers.image.title': 'app' },
  });
  await pushImage(registry, 'team/app', '1.0', app);
  const amd = makeImage({ architecture: 'amd64', created: '2026-11-19T06:00:00Z' });
  arm = makeImage({ architecture: 'arm64', variant: 'v8', created: '2026-11-19T06:00:00Z', layers: [{ 'arm.txt': 'arm\n' }] });
  multi = makeIndex([amd, arm]);
  await pushImage(registry, 'team/multi', 'latest', multi);
  const missing = `sha256:${'9'.repeat(64)}`;
  writeFileSync(
    join(repoDir, 'app.yaml'),
    `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: default
spec:
  tags:
  - name: "1.0"
    from: {kind: DockerImage, name: ${registry.host}/team/app:1.0}
    generation: 1
  - name: gone
    from: {kind: DockerImage, name: ${registry.host}/team/app:gone}
    generation: 1
status:
  tags:
  - tag: "1.0"
    items:
    - {created: "2026-11-21T05:00:00Z", dockerImageReference: "${registry.host}/team/app@${app.digest}", image: "${app.digest}", generation: 1}
  - tag: gone
    items:
    - {created: "2026-11-21T05:00:00Z", dockerImageReference: "${registry.host}/team/app@${missing}", image: "${missing}", generation: 1}
`,
  );
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  if (repoDir) rmSync(repoDir, { recursive: true, force: true });
});

describe('image info against a real registry', () => {
  it('a tagged image: every oc field, sizes as docker prints them', async () => {
    const r = await cli(['image', 'info', `${registry.host}/team/app:1.0`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Name:          ${registry.host}/team/app:1.0`);
    expect(lines[1]).toBe(`Digest:        ${app.digest}`);
    expect(r.stdout).toContain('Created:       1d ago\n');
    expect(r.stdout).toContain(`Image Size:    ${humanSize(app.size)} in 2 layers\n`);
    expect(r.stdout).toContain(`Layers:        ${humanSize(app.layers[0]?.size ?? 0)}`);
    expect(r.stdout).toContain('Environment:   PATH=/bin\n               MODE=test\n');
    expect(r.stdout).toContain('Entrypoint:    /entry\nCommand:       /hello.txt\nWorking Dir:   /srv\nUser:          1001\nExposes Ports: 8080/tcp\n');
    expect(r.stdout).toContain('Labels:        org.opencontainers.image.title=app\n');
  });

  it('an index lists platforms; --filter-by-os selects one', async () => {
    const list = await cli(['image', 'info', `${registry.host}/team/multi:latest`]);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('use --filter-by-os to select from:');
    expect(list.stderr).toContain(`  linux/arm64/v8 ${arm.digest}\n`);
    const one = await cli(['image', 'info', `${registry.host}/team/multi:latest`, '--filter-by-os=linux/arm64']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`Digest:        ${arm.digest}\nManifest List: ${multi.digest}\n`);
    expect(one.stdout).toContain('Arch:          arm64\n');
  });

  it('an unknown tag reads like oc', async () => {
    const r = await cli(['image', 'info', `${registry.host}/team/app:nope`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: image does not exist\n');
  });
});

describe('describe istag against a real registry', () => {
  it('adds the registry metadata to what the repository holds', async () => {
    const r = await cli(['describe', 'istag/app:1.0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Docker Image:\t${registry.host}/team/app@${app.digest}\n`);
    expect(r.stdout).toContain(`Image Size:\t${humanSize(app.size)} in 2 layers\n`);
    // each layer's size and digest
    expect(r.stdout).toContain(`Layers:\t\t${humanSize(app.layers[0]?.size ?? 0)}\t${app.layers[0]?.digest}\n\t\t${humanSize(app.layers[1]?.size ?? 0)}\t${app.layers[1]?.digest}\n`);
    expect(r.stdout).not.toContain('292 years');
    expect(r.stdout).toContain('Author:\t\tTagstream Tests\n');
    expect(r.stdout).toContain('Environment:\tPATH=/bin\n\t\tMODE=test\n');
  });

  it('an image the registry lost: repository facts plus a warning, exit 0', async () => {
    const r = await cli(['describe', 'istag', 'app:gone']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Image Name:\tsha256:${'9'.repeat(64)}\n`);
    expect(r.stdout).not.toContain('Image Size');
    expect(r.stderr).toMatch(/^warning: image metadata for app:gone could not be fetched from .+: /m);
  });
});
