// `get` and `describe` read every document, so they report every file they could not use, even
// a broken file that reconcile would skip because it cannot hold anything Tagstream indexes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagstream-read-diag-'));
  await writeFile(join(dir, 'stream.yaml'), 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\nspec: {}\n');
  await writeFile(join(dir, 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: [unclosed\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('read commands report every unusable file', () => {
  it('get is lists the stream and warns about the broken ConfigMap file', async () => {
    const r = await runCli(['get', 'is', '-o', 'name'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('imagestream.image.openshift.io/web\n');
    expect(r.stderr).toMatch(/^warning: config\.yaml:\d+:\d+: invalid YAML: /m);
  });
});

describe('outside a repository, and many broken files', () => {
  let many: string;
  beforeAll(async () => {
    many = await mkdtemp(join(tmpdir(), 'tagstream-many-broken-'));
    for (let i = 0; i < 45; i++) await writeFile(join(many, `bad${String(i).padStart(2, '0')}.yaml`), 'kind: ImageStream\nmetadata: {name: [x\n');
  });
  afterAll(async () => {
    if (many) await rm(many, { recursive: true, force: true });
  });

  it('--repo that does not exist: one clear line, exit 1', async () => {
    const r = await runCli(['get', 'is', '--repo', join(dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot use ${join(dir, 'nope')} as the repository: no such directory\n`);
  });

  it('--repo naming a file: not a directory', async () => {
    const r = await runCli(['tag', '-d', 'a:b', '--repo', join(dir, 'stream.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot use ${join(dir, 'stream.yaml')} as the repository: not a directory\n`);
  });

  it('a directory that is not a Git working copy reads fine', async () => {
    const r = await runCli(['get', 'is'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME +IMAGE REPOSITORY/);
  });

  it('human output bounds the warnings with a summary; -v and -o json show all', async () => {
    const all = countWarnings((await runCli(['get', 'is', '-v'], { cwd: many })).stderr);
    expect(all).toBeGreaterThanOrEqual(45);
    expect(countWarnings((await runCli(['get', 'is', '-o', 'json'], { cwd: many })).stderr)).toBe(all);
    const human = await runCli(['get', 'is'], { cwd: many });
    expect(countWarnings(human.stderr)).toBe(20);
    expect(human.stderr).toContain(`\nwarning: … and ${all - 20} more (-v or -o json shows all)\n`);
  });
});

function countWarnings(stderr: string): number {
  return stderr.split('\n').filter((l) => /^warning: bad\d+\.yaml:/.test(l)).length;
}

describe('describe hides Tagstream bookkeeping', () => {
  it('tagstream.io/observed-spec only with --show-managed', async () => {
    const d = await mkdtemp(join(tmpdir(), 'tagstream-managed-'));
    try {
      await writeFile(
        join(d, 'web.yaml'),
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\n  annotations:\n    team: shop\n    tagstream.io/observed-spec: '{}'\nspec: {}\n",
      );
      const plain = await runCli(['describe', 'is/web'], { cwd: d });
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toContain('Annotations:\t\tteam=shop\n');
      expect(plain.stdout).not.toContain('observed-spec');
      const managed = await runCli(['describe', 'is/web', '--show-managed'], { cwd: d });
      expect(managed.stdout).toContain('tagstream.io/observed-spec={}');
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
