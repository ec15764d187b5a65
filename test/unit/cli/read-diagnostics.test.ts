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
