// An old image value read from the user's file may hold userinfo (`robot:secret@host/repo:tag`):
// moving it removes it from the file, and no rendering of the change may copy it anywhere else
// (dry-run table, -o json, commit message, pull-request body) (#12.7).
import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET, type ChangeSet } from '../../../../src/domain/change-set.js';
import { renderCommitMessage } from '../../../../src/planning/commit-message.js';
import { planToJson, renderPlanTable } from '../../../../src/cli/render/render-plan.js';
import { renderPullRequest } from '../../../../src/planning/pull-request-body.js';

const SECRET = 'Old-Value-S3cret-77';
const D = `sha256:${'a'.repeat(64)}`;

const cs: ChangeSet = {
  ...EMPTY_CHANGE_SET,
  moves: [{ stream: 'shop/web', tag: '1', to: { image: D, reference: `registry.example.com/web@${D}` }, reason: 'scheduled' }],
  workloads: [{ file: 'deploy.yaml', line: 1, kind: 'Deployment', namespace: 'shop', name: 'web', container: 'web', field: 'spec.template.spec.containers[0].image', from: `robot:${SECRET}@registry.example.com/web:1.4.1`, to: `registry.example.com/web@${D}`, trigger: 'shop/web:1' }],
  targets: [
    { file: 'values.yaml', line: 3, kind: 'marker', field: 'image', value: 'reference', from: `robot:${SECRET}@registry.example.com/web:1.4.1`, to: `registry.example.com/web@${D}`, trigger: 'shop/web:1' },
    { file: 'values.yaml', line: 4, kind: 'marker', field: 'image.tag', value: 'tag-digest', from: `1.4.1@${D}`, to: `1.4.2@${D}`, trigger: 'shop/web:1' },
  ],
  files: [{ path: 'deploy.yaml', before: 'a', after: 'b' }],
};

describe('old values holding userinfo', () => {
  it.each([
    ['dry-run table', () => renderPlanTable(cs, { wide: true })],
    ['-o json', () => JSON.stringify(planToJson(cs))],
    ['commit message', () => renderCommitMessage(cs)],
    ['pull-request body', () => renderPullRequest(cs, { base: 'main' }).body],
  ])('%s shows them redacted', (_name, render) => {
    const text = render();
    expect(text).not.toContain(SECRET);
    expect(text).toContain('***@registry.example.com/web:1.4.1');
    // a value that is no reference stays as it is
    expect(text).toContain(`1.4.1@${D}`);
  });
});
