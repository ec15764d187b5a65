// The README is documentation generated partly from the source of truth: keep it true.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS_DOC } from '../../src/config/repo-settings.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('shows the settings table generated from the settings schema', () => {
    expect(readme).toContain(SETTINGS_DOC.trim());
  });

  it('gives the two commands, and .ci/run runs the same test command', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\b/m);
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm test$/m);
  });

  it('names every CLI verb', () => {
    for (const verb of ['get is', 'describe is/', 'image info', 'tag [', 'import-image', 'create istag', 'set triggers', 'set image-lookup', 'reconcile', 'serve']) {
      expect(readme).toContain(verb);
    }
  });
});

describe('README daemon section', () => {
  it('shows the daemon settings table generated from the flag list', async () => {
    const { DAEMON_SETTINGS_DOC } = await import('../../src/config/daemon-settings.js');
    expect(readme).toContain(DAEMON_SETTINGS_DOC.trim());
  });
});

describe('README reliability section', () => {
  it('points at tests that exist', async () => {
    const { existsSync } = await import('node:fs');
    const section = readme.slice(readme.indexOf('## Reliability'), readme.indexOf('## How the code is organised'));
    const tests = [...section.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1] as string);
    expect(tests.length).toBeGreaterThanOrEqual(10);
    for (const t of tests) expect(existsSync(join(root, t)), t).toBe(true);
  });
});
