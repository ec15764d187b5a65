/**
 * A writing verb's `-o json|yaml` lists each update target's old value; an old value holding userinfo
 * (`robot:secret@host/repo:tag`, read from the user's file) is shown redacted there too (#12.7).
 * The renderers of reconcile are covered by test/unit/cli/render/old-values-redacted.test.ts; this is the
 * verbs' own output path (printVerbResult, src/cli/write-helpers.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { D1, fakeRegistry } from '../app/tag-verb-fakes.js';
import { runCli } from './helpers.js';

const SECRET = 'Verb-Old-Value-S3cret-19';
const FILES: Record<string, string> = {
  'config/app.json': `{\n  "image": {\n    "ref": "robot:${SECRET}@quay.io/o/app:1"\n  }\n}\n`,
  '.tagstream.yaml': `targets:\n  - files: "config/*.json"\n    from: shop/app:1\n    set:\n      "$.image.ref": reference\n`,
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function repo(): string {
  dir = mkdtempSync(join(tmpdir(), 'tagstream-verb-redaction-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('verbs never echo userinfo of an old target value', () => {
  it.each(['json', 'yaml'])('tag -o %s shows the old value redacted; the file no longer holds it', async (format) => {
    const cwd = repo();
    const r = await runCli(['tag', 'quay.io/o/app:1', 'app:1', '-n', 'shop', '-o', format], { cwd, registry: fakeRegistry({ 'quay.io/o/app:1': D1 }) });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).toContain('***@quay.io/o/app:1');
    expect(readFileSync(join(cwd, 'config/app.json'), 'utf8')).toBe(`{\n  "image": {\n    "ref": "quay.io/o/app@${D1}"\n  }\n}\n`);
  });
});
