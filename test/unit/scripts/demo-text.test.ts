import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { HISTORY_NOTE, INTRO, WHY_LEGEND, headingStyle } from '../../../scripts/demo-text.mjs';

describe('npm run demo text', () => {
  it('headings are bold only on a terminal without NO_COLOR', () => {
    expect(headingStyle({ isTTY: true, env: {} })('Reconcile')).toBe('\x1b[1m== Reconcile\x1b[0m');
    expect(headingStyle({ isTTY: false, env: {} })('Reconcile')).toBe('== Reconcile');
    expect(headingStyle({ isTTY: true, env: { NO_COLOR: '1' } })('Reconcile')).toBe('== Reconcile');
    expect(headingStyle({ isTTY: true, env: { TERM: 'dumb' } })('Reconcile')).toBe('== Reconcile');
  });

  it('explains every WHY value the plan can show (each MoveReason of the ChangeSet)', () => {
    const source = readFileSync(new URL('../../../src/domain/change-set.ts', import.meta.url), 'utf8');
    const union = /export type MoveReason =([^;]+);/.exec(source)?.[1] ?? '';
    const reasons = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(reasons.length).toBeGreaterThan(4);
    for (const r of reasons) expect((WHY_LEGEND as string[]).some((l) => l.startsWith(`  ${r} `)), r).toBe(true);
  });

  it('says what an ImageStream and a trigger are, and how to read the history, without escape codes', () => {
    const text = [...(INTRO as string[]), ...(WHY_LEGEND as string[]), ...(HISTORY_NOTE as string[])].join('\n');
    expect(text).toMatch(/ImageStream/);
    expect(text).toMatch(/image\.openshift\.io\/triggers/);
    expect(text).toMatch(/git revert/);
    expect(text).not.toContain('\x1b');
  });

  it('the demo prints no raw escape codes of its own', () => {
    const demo = readFileSync(new URL('../../../scripts/demo.mjs', import.meta.url), 'utf8');
    expect(demo).not.toContain('\\x1b');
    expect(demo).toContain('...WHY_LEGEND');
  });
});
