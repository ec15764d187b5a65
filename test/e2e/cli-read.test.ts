/**
 * The built `tagstream` bin, spawned as users run it: `npm run build:ts`, then `node dist/cli/main.js`.
 * Read verbs only (no registry): help, get/describe on a fixture repo, exit codes, and the
 * acceptance run over the shared corpus when it is present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/cli/basic', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/imagestreams', import.meta.url));

function tagstream(args: string[], cwd = FIXTURE): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: '/nonexistent' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // `npm test` compiles first; build here only when run on its own without dist/ (never while
  // other test files may be spawning the bin).
  if (existsSync(BIN)) return;
  const build = spawnSync('npm', ['run', 'build:ts'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build:ts failed:\n${build.stdout}\n${build.stderr}`);
}, 200_000);

describe('tagstream bin', () => {
  it('has a shebang and prints help', () => {
    const r = tagstream(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tagstream [options] [command]');
    expect(r.stdout).toContain('import-image');
  });

  it('get is on a fixture repository', () => {
    const r = tagstream(['get', 'is', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('imagestream.image.openshift.io/empty\nimagestream.image.openshift.io/ruby\nimagestream.image.openshift.io/web\n');
    expect(r.stderr).toContain('warning: broken.yaml:6:1: invalid YAML');
  });

  it('describe is and the stable exit codes', () => {
    const d = tagstream(['describe', 'is/web', '--repo', FIXTURE], '/');
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('stable\n  reference to registry registry.example.com/web:1.2\n');
    expect(tagstream(['get', 'is', 'nope']).code).toBe(1);
    expect(tagstream(['get', 'is', '--nope']).code).toBe(2);
  });

  it.skipIf(!existsSync(CORPUS))('acceptance: get is -A -o name over the shared corpus reports and continues', () => {
    const r = tagstream(['get', 'is', '-A', '-o', 'name'], CORPUS);
    expect(r.code).toBe(0);
    const names = r.stdout.split('\n').filter((l) => l !== '');
    expect(names.length).toBeGreaterThan(20);
    expect(names.every((n) => n.startsWith('imagestream.image.openshift.io/'))).toBe(true);
    expect(r.stderr).toMatch(/^warning: imagestream default\/ruby is defined in more than one file: .+\.json:1:1, /m);
    expect(r.stderr).toMatch(/^warning: openshift__oc\/\S+\.yaml:\d+:\d+: The ImageStream "ruby-20-centos7" is invalid: spec\.tags\[prod\]\.importPolicy\.scheduled: /m);
    // a stream that only exists in conflicting copies is not listed
    expect(names).not.toContain('imagestream.image.openshift.io/ruby');
  });
});
