import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { applyEdits, type Edit } from '../../../src/edit/yaml-edit.js';

// Golden before/after snippets: test/fixtures/edit/<case>/{before.<ext>, edits.json, after.<ext>}.
// The after files were reviewed by hand; UPDATE_GOLDEN=1 rewrites them (review the diff!).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/edit');

describe('golden edits', () => {
  const cases = readdirSync(ROOT).sort();
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });
  it.each(cases)('%s', (name) => {
    const dir = join(ROOT, name);
    const beforeName = readdirSync(dir).find((f) => f.startsWith('before.'));
    expect(beforeName).toBeDefined();
    const ext = (beforeName as string).slice('before.'.length);
    const before = readFileSync(join(dir, beforeName as string));
    const edits = JSON.parse(readFileSync(join(dir, 'edits.json'), 'utf8')) as Edit[];
    const out = Buffer.from(applyEdits(loadSourceFile(`${name}/${beforeName}`, before), edits), 'utf8');
    const afterPath = join(dir, `after.${ext}`);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(afterPath, out);
    expect(existsSync(afterPath)).toBe(true);
    expect(out.toString('utf8')).toBe(readFileSync(afterPath, 'utf8'));
    expect(out.equals(readFileSync(afterPath))).toBe(true);
  });
});
