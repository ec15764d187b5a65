// userinfo in an image reference (`user:pass@host/repo:tag`) is invalid input: every verb refuses it
// with a redacted message, and nothing that holds it is written to the repository.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactReference } from '../../../src/domain/image-reference.js';
import { captureStream } from '../../fakes/capture-stream.js';
import { run } from '../../../src/cli/run.js';
import { fixedClock } from '../../../src/ports/clock.js';

const SECRET = 's3cr3t-pa55';
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-refcreds-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function tagstream(...argv: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: join(tmp, 'home') }, cwd: tmp, clock: fixedClock('2026-12-01T00:00:00Z') });
  return { code, text: stdout.text() + stderr.text() };
}

describe('credentials in an image reference', () => {
  it.each([
    ['user:pass@host:5000/repo:tag', '***@host:5000/repo:tag'],
    ['https://user:pa/ss@host/repo:tag', 'https://***@host/repo:tag'],
    ['host/repo@sha256:0123', 'host/repo@sha256:0123'],
    ['busybox@sha256:0123', 'busybox@sha256:0123'],
    ['user@host/repo@sha256:0123', '***@host/repo@sha256:0123'],
  ])('redactReference(%s) = %s', (input, expected) => {
    expect(redactReference(input)).toBe(expected);
  });

  const ref = `deploy:${SECRET}@127.0.0.1:1/team/app:1.0`;
  it.each([
    ['import-image --from', ['import-image', 'app', `--from=${ref}`, '--confirm']],
    ['import-image SOURCE', ['import-image', ref, '--confirm']],
    ['image info', ['image', 'info', ref]],
    ['tag', ['tag', ref, 'app:x', '--source=docker']],
    ['create istag --from-image', ['create', 'istag', 'app:1', `--from-image=${ref}`]],
    ['create istag --from-image with a scheme', ['create', 'istag', 'app:1', `--from-image=https://${ref}`]],
  ])('%s refuses it without echoing the secret and writes nothing', async (_name, argv) => {
    const r = await tagstream(...argv);
    expect(r.code).not.toBe(0);
    expect(r.text).toContain('contains credentials');
    expect(r.text).toContain('***@127.0.0.1:1/team/app:1.0');
    expect(r.text).not.toContain(SECRET);
    expect((await readdir(tmp)).filter((n) => n !== 'home')).toEqual([]);
  });

  it('a repository file holding one is diagnosed (located, redacted) by every reader, never echoed', async () => {
    const repo = join(tmp, 'repo');
    await mkdir(join(repo, 'imagestreams'), { recursive: true });
    await writeFile(
      join(repo, 'imagestreams', 'app.yaml'),
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: default\nspec:\n  dockerImageRepository: robot:${SECRET}@127.0.0.1:1/team/app\n  tags:\n  - name: v1\n    from:\n      kind: DockerImage\n      name: ${ref}\n`,
    );
    for (const argv of [['reconcile', '--dry-run'], ['reconcile'], ['get', 'is'], ['get', 'istag'], ['describe', 'is', 'app']]) {
      const r = await tagstream(...argv, '--repo', repo);
      expect(r.text, argv.join(' ')).toContain('imagestreams/app.yaml:12:13: The ImageStream "app" is invalid: spec.tags[v1].from.name: Invalid value: "***@127.0.0.1:1/team/app:1.0": invalid reference format: it contains credentials');
      expect(r.text, argv.join(' ')).toContain('spec.dockerImageRepository: Invalid value: "***@127.0.0.1:1/team/app"');
      expect(r.text, argv.join(' ')).not.toContain(SECRET);
    }
  });
});
