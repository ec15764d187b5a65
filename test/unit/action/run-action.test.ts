/** runAction's commit and dry-run modes, annotations and fail-on-error, with a fake reconcile. */
import { describe, expect, it } from 'vitest';
import type { ReconcileOptions, ReconcileResult } from '../../../src/app/app-context.js';
import { inputEnvName } from '../../../src/config/action-inputs.js';
import type { ChangeSet } from '../../../src/domain/change-set.js';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';
import { ManifestError } from '../../../src/errors.js';
import { runAction } from '../../../src/action/run-action.js';
import { WorkflowRunner } from '../../../src/action/workflow-commands.js';
import { fakeCheckout, FakeRemote } from './fake-gitops.js';

const PLAN: ChangeSet = {
  ...EMPTY_CHANGE_SET,
  moves: [{ stream: 'shop/web', tag: '1', to: { image: `sha256:${'1'.repeat(64)}`, reference: 'r/web@sha256:1' }, reason: 'new-tag' }],
  failures: [{ stream: 'shop/db', tag: '16', reason: 'RegistryNotFound', message: 'manifest unknown' }],
  diagnostics: [
    { severity: 'error', message: 'spec.tags[0].from: expected a mapping', file: 'apps/is.yaml', line: 4, col: 9 },
    { severity: 'warning', message: 'no ImageStream for trigger', object: 'Deployment/shop/api' },
  ],
  files: [{ path: 'apps/is.yaml', before: 'a', after: 'b' }],
};

async function run(inputs: Record<string, string>, result: Partial<ReconcileResult> | Error, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  const calls: ReconcileOptions[] = [];
  const fullEnv = { GITHUB_OUTPUT: '/out', GITHUB_STEP_SUMMARY: '/sum', GITHUB_WORKSPACE: '/ws', ...env, ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v])) };
  const runner = new WorkflowRunner({ env: fullEnv, writeLine: (l) => lines.push(l), appendFile: (p, d) => void (files[p] = (files[p] ?? '') + d), delimiter: () => 'EOF' });
  const code = await runAction({
    env: fullEnv,
    runner,
    reconcile: async (_ctx, options) => {
      calls.push(options);
      if (result instanceof Error) throw result;
      return { changeSet: PLAN, pushed: false, exitCode: 0, ...result };
    },
    openCheckout: async () => fakeCheckout(new FakeRemote({})),
    cloneBase: async () => {
      throw new Error('not used');
    },
    changeRequests: () => undefined,
  });
  return { code, lines, files, calls };
}

describe('commit mode', () => {
  it('commits and pushes to the base branch with the token (reconcile\'s retry rules) and reports the commit', async () => {
    const r = await run({ mode: 'commit', token: 'ghs_commit_token_1234', 'fail-on-error': 'false', 'commit-author': 'Bot <bot@x.test>' }, { commit: 'c'.repeat(40), pushed: true, exitCode: 1 });
    expect(r.code).toBe(0);
    // imageCreated: the job summary and the plan output show when each moved image was built
    expect(r.calls).toEqual([{ commit: { author: { name: 'Bot', email: 'bot@x.test' } }, push: { branch: 'main', credentials: { token: 'ghs_commit_token_1234' } }, imageCreated: true }]);
    expect(r.files['/out']).toContain(`commit-sha<<EOF\n${'c'.repeat(40)}\nEOF\n`);
    expect(r.files['/out']).toContain('changed<<EOF\ntrue\nEOF\n');
    expect(r.files['/sum']).toContain('and pushed to `main`');
  });

  it('fails the step on failed tags when fail-on-error is true (the default)', async () => {
    const r = await run({ mode: 'commit' }, { commit: 'c'.repeat(40), pushed: true, exitCode: 1 });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe('::error::Tagstream: 1 tag(s) failed, 1 manifest error(s); the rest was applied');
  });
});

describe('dry-run mode', () => {
  it('annotates manifests relative to GITHUB_WORKSPACE, plus failed tags, and writes the plan', async () => {
    const r = await run({ mode: 'dry-run', path: 'deploy' }, {});
    expect(r.calls).toEqual([{ dryRun: true, extraHolds: new Map(), imageCreated: true }]);
    expect(r.lines).toContain('::error title=Tagstream,file=deploy/apps/is.yaml,line=4,col=9::spec.tags[0].from: expected a mapping');
    expect(r.lines).toContain('::warning::Deployment/shop/api: no ImageStream for trigger');
    expect(r.lines).toContain('::error title=Tagstream import failed::shop/db:16: manifest unknown');
    const plan = /plan<<EOF\n(.*)\nEOF/.exec(r.files['/out']!)![1]!;
    expect(JSON.parse(plan)).toMatchObject({ files: ['apps/is.yaml'], moves: [{ stream: 'shop/web', tag: '1' }] });
    expect(r.code).toBe(1);
  });

  it('turns a located error into a file:line:col annotation', async () => {
    const r = await run({ mode: 'dry-run' }, new ManifestError('ManifestParse', 'unexpected end of flow sequence', { file: 'apps/x.yaml', line: 7, col: 2 }));
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe('::error title=Tagstream,file=apps/x.yaml,line=7,col=2::unexpected end of flow sequence (apps/x.yaml:7:2)');
  });

  it('masks registry-auth and every credential inside it before running', async () => {
    const auth = Buffer.from('robot:hunter2-password').toString('base64');
    const r = await run({ mode: 'dry-run', 'registry-auth': JSON.stringify({ auths: { 'quay.io': { auth } } }) }, {});
    expect(r.lines.slice(0, 4)).toEqual([`::add-mask::{"auths":{"quay.io":{"auth":"${auth}"}}}`, `::add-mask::${auth}`, '::add-mask::hunter2-password', '::add-mask::robot:hunter2-password']);
  });

  it('base-branch overrides the checked-out branch (main in the fake)', async () => {
    const r = await run({ mode: 'dry-run', 'base-branch': 'release' }, {});
    expect(r.files['/sum']).toContain('on `release`');
  });
});
