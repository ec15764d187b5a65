import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusNotice } from '../../harness/corpus-notice.js';

describe('corpus notice', () => {
  it('one summary line when ../shared/corpus is absent, nothing when it is there', () => {
    expect(corpusNotice(false)).toMatch(/^note: corpus tests skipped: \.\.\/shared\/corpus .* is absent/);
    expect(corpusNotice(false)).not.toContain('\n');
    expect(corpusNotice(true)).toBeUndefined();
  });

  it('is wired into the vitest run', () => {
    expect(readFileSync(new URL('../../../vitest.config.ts', import.meta.url), 'utf8')).toContain("globalSetup: ['test/harness/corpus-notice.ts']");
  });
});
