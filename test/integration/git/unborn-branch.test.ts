// A repository with no commits yet (`git init` and some manifests) reconciles, and `--commit`
// makes its first commit: the real registry, the real git CLI for the repository, the CLI in-process.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from '../../fakes/capture-stream.js';
import { run } from '../../../src/cli/run.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { gitCli } from '../../harness/git-server.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';

let registry: TestRegistry;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-unborn-'));
  registry = await startRegistry();
  await pushImage(registry, 'fresh/app', 'v1', makeImage({ labels: { v: '1' } }));
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function tagstream(cwd: string, ...argv: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: join(tmp, 'home'), PATH: process.env['PATH'] }, cwd, clock: fixedClock('2026-12-01T00:00:00Z') });
  return { code, out: stdout.text() + stderr.text() };
}

describe('a repository with no commits', () => {
  it('reconciles, and --commit makes the first commit', async () => {
    const dir = join(tmp, 'repo');
    await mkdir(join(dir, 'imagestreams'), { recursive: true });
    await gitCli(tmp, ['init', '-q', '-b', 'main', dir]);
    await writeFile(
      join(dir, 'imagestreams', 'app.yaml'),
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: default\nspec:\n  tags:\n  - name: v1\n    from:\n      kind: DockerImage\n      name: ${registry.host}/fresh/app:v1\n`,
    );
    const dry = await tagstream(dir, 'reconcile', '--dry-run');
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain('default/app:v1');

    const committed = await tagstream(dir, 'reconcile', '--commit');
    expect(committed.code, committed.out).toBe(0);
    expect(committed.out).toMatch(/committed [0-9a-f]{12}/);
    expect(await gitCli(dir, ['rev-list', '--count', 'HEAD'])).toBe('1');
    expect(await gitCli(dir, ['show', 'HEAD:imagestreams/app.yaml'])).toContain('fresh/app@sha256:');
    expect(await gitCli(dir, ['status', '--porcelain'])).toBe('');
  });
});
