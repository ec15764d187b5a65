import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET, type ChangeSet } from '../../../../src/domain/change-set.js';
import { planToJson, renderPlanTable } from '../../../../src/cli/render/render-plan.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const moved: ChangeSet = {
  ...EMPTY_CHANGE_SET,
  moves: [{ stream: 'shop/web', tag: '1', from: { image: d('1'), reference: `q/web@${d('1')}` }, to: { image: d('2'), reference: `q/web@${d('2')}` }, reason: 'scheduled' }],
  workloads: [{ file: 'apps/web.yaml', line: 3, kind: 'Deployment', namespace: 'shop', name: 'web', container: 'web', field: 'spec.template.spec.containers[0].image', from: `q/web@${d('1')}`, to: `q/web@${d('2')}`, trigger: 'shop/web:1' }],
  files: [{ path: 'apps/web.yaml', before: 'a', after: 'b' }],
};

describe('renderPlanTable', () => {
  it('does not say "No changes" when files change without image moves (#13.3: dry run and commit agree)', () => {
    const recorded: ChangeSet = { ...EMPTY_CHANGE_SET, files: [{ path: 'imagestreams/ruby.yaml', before: 'a', after: 'b' }] };
    expect(renderPlanTable(recorded)).toBe('No image changes; ImageStream records change in imagestreams/ruby.yaml.\n');
  });

  it('says there is nothing to do', () => {
    expect(renderPlanTable(EMPTY_CHANGE_SET)).toBe('No changes: every tag and workload is up to date.\n');
  });

  it('lists moves with short digests, the workloads they touch and why', () => {
    const text = renderPlanTable(moved);
    expect(text.split('\n')[0]).toMatch(/^STREAM:TAG\s+OLD\s+NEW\s+WORKLOADS\s+WHY$/);
    expect(text).toMatch(/shop\/web:1\s+sha256:111111111111\s+sha256:222222222222\s+deployment\/web\s+scheduled/);
    expect(text).toContain(`apps/web.yaml:3`);
    expect(renderPlanTable(moved, { wide: true })).toContain(d('2'));
  });

  it('does not call a held or failed tag "up to date"', () => {
    const held: ChangeSet = { ...EMPTY_CHANGE_SET, held: [{ stream: 'shop/web', tag: '1', image: d('2'), heldBy: 'f'.repeat(40), reason: 'reverted' }] };
    expect(renderPlanTable(held)).toBe(`No changes.\n\nheld: shop/web:1 stays put; the registry still serves sha256:222222222222, reverted in ${'f'.repeat(12)}\n`);
    const failed: ChangeSet = { ...EMPTY_CHANGE_SET, failures: [{ stream: 'shop/web', tag: '1', reason: 'NotFound', message: 'x not found' }] };
    expect(renderPlanTable(failed)).toContain('error: tag shop/web:1 failed (NotFound): x not found');
  });

  it('bounds the diagnostics for people when asked to ("… and N more")', () => {
    const diagnostics = Array.from({ length: 25 }, (_, i) => ({ severity: 'error' as const, message: 'expected a mapping', file: `bad${i}.yaml`, line: 1, col: 1 }));
    const cs: ChangeSet = { ...EMPTY_CHANGE_SET, diagnostics };
    const bounded = renderPlanTable(cs, { diagnosticLimit: 20 }).trimEnd().split('\n');
    expect(bounded.filter((l) => l.startsWith('error: bad'))).toHaveLength(20);
    expect(bounded[bounded.length - 1]).toBe('warning: … and 5 more (-v or -o json shows all)');
    expect(renderPlanTable(cs).trimEnd().split('\n').filter((l) => l.startsWith('error: bad'))).toHaveLength(25);
  });

  it('prints diagnostics with their location when they have one', () => {
    const cs: ChangeSet = {
      ...EMPTY_CHANGE_SET,
      diagnostics: [
        { severity: 'error', message: 'expected a mapping', file: 'apps/bad.yaml', line: 3, col: 5 },
        { severity: 'warning', message: 'odd', file: 'apps/odd.yaml', line: 7 },
        { severity: 'warning', message: 'no file' },
      ],
    };
    expect(renderPlanTable(cs)).toBe('No changes.\nerror: apps/bad.yaml:3:5: expected a mapping\nwarning: apps/odd.yaml:7: odd\nwarning: no file\n');
  });

  it('JSON keeps paths, not file contents', () => {
    expect(planToJson(moved)['files']).toEqual([{ path: 'apps/web.yaml', created: false }]);
  });
});
