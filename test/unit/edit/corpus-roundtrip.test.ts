import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { applyEdits } from '../../../src/edit/yaml-edit.js';
import { CORPUS, HAS_CORPUS, corpusFiles } from './corpus-helpers.js';

// Property (1): loading and saving any corpus file without edits gives identical bytes, also with a BOM.
describe.skipIf(!HAS_CORPUS)('corpus round trip without edits', () => {
  const files = corpusFiles();
  it('finds corpus files', () => {
    expect(files.length).toBeGreaterThan(100);
  });
  it.each(files.map((f) => [relative(CORPUS, f), f]))('%s', (_name, abs) => {
    const bytes = readFileSync(abs);
    const file = loadSourceFile(_name, bytes);
    expect(Buffer.from(applyEdits(file, []), 'utf8').equals(bytes)).toBe(true);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    expect(Buffer.from(applyEdits(loadSourceFile(_name, withBom), []), 'utf8').equals(withBom)).toBe(true);
  });
});
