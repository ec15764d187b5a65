// Nothing is read or written outside the repository root, symlinks included: the verbs as users run
// them (the CLI in-process) against the real registry, with folders and files of the repository
// that are symbolic links to places outside it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from '../../fakes/capture-stream.js';
import { run } from '../../../src/cli/run.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';

let registry: TestRegistry;
let tmp: string;
let n = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-symlink-'));
  registry = await startRegistry();
  await pushImage(registry, 'esc/app', '1.0', makeImage({ labels: { v: '1' } }));
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function tagstream(cwd: string, ...argv: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: join(tmp, 'home') }, cwd, clock: fixedClock('2026-12-01T00:00:00Z') });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A repository whose `imagestreams` folder is a link to an empty folder outside it. */
async function linkedRepo(): Promise<{ repo: string; outside: string }> {
  const repo = join(tmp, `repo-${++n}`);
  const outside = join(tmp, `outside-${n}`);
  await mkdir(repo, { recursive: true });
  await mkdir(outside, { recursive: true });
  await symlink(outside, join(repo, 'imagestreams'));
  return { repo, outside };
}

describe('symbolic links out of the repository', () => {
  it('create istag refuses to write through imagestreams -> outside, and creates nothing there', async () => {
    const { repo, outside } = await linkedRepo();
    const r = await tagstream(repo, 'create', 'istag', 'app:1.0', `--from-image=${registry.host}/esc/app:1.0`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('refusing to read or write outside the repository: imagestreams is a symbolic link');
    expect(await readdir(outside, { recursive: true })).toEqual([]);
  });

  it('a path configured in .tagstream.yaml (imageStreamPath) through a link out is refused the same way', async () => {
    const repo = join(tmp, `repo-${++n}`);
    const outside = join(tmp, `outside-${n}`);
    await mkdir(repo, { recursive: true });
    await mkdir(outside, { recursive: true });
    await symlink(outside, join(repo, 'deploy'));
    await writeFile(join(repo, '.tagstream.yaml'), 'imageStreamPath: deploy/streams/{name}.yaml\n');
    for (const argv of [
      ['create', 'istag', 'app:1.0', `--from-image=${registry.host}/esc/app:1.0`],
      ['import-image', 'app', `--from=${registry.host}/esc/app:1.0`, '--confirm'],
    ]) {
      const r = await tagstream(repo, ...argv);
      expect(r.code, argv[0]).not.toBe(0);
      expect(r.stderr).toContain('refusing to read or write outside the repository: deploy is a symbolic link');
      expect(await readdir(outside, { recursive: true })).toEqual([]);
    }
  });

  it('import-image --confirm refuses the same way', async () => {
    const { repo, outside } = await linkedRepo();
    const r = await tagstream(repo, 'import-image', 'app', `--from=${registry.host}/esc/app:1.0`, '--confirm');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('outside the repository');
    expect(await readdir(outside, { recursive: true })).toEqual([]);
  });

  it('a dangling link is not followed either', async () => {
    const repo = join(tmp, `repo-${++n}`);
    await mkdir(repo, { recursive: true });
    const target = join(tmp, `nowhere-${n}`);
    await symlink(target, join(repo, 'imagestreams'));
    const r = await tagstream(repo, 'create', 'istag', 'app:1.0', `--from-image=${registry.host}/esc/app:1.0`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('symbolic link');
    expect(existsSync(target)).toBe(false);
  });

  it('.tagstream.yaml linked to a file outside is refused, not read', async () => {
    const repo = join(tmp, `repo-${++n}`);
    await mkdir(repo, { recursive: true });
    const secret = join(tmp, `secret-${n}.yaml`);
    await writeFile(secret, 'defaultNamespace: leaked-secret-value\n');
    await symlink(secret, join(repo, '.tagstream.yaml'));
    const r = await tagstream(repo, 'get', 'is');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('outside the repository');
    expect(r.stdout + r.stderr).not.toContain('leaked-secret-value');
  });
});
