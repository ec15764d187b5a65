/** The Action's job summary (moved with the renderer from test/unit/render/render-pr.test.ts). */
import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';
import { renderSummary } from '../../../src/action/step-summary.js';
import { PLAN } from '../../fixtures/pull-request-plan.js';

describe('renderSummary', () => {
  it('lists the outcome, the moves, held tags, failures and located diagnostics', () => {
    const md = renderSummary({
      mode: 'pull-request',
      base: 'main',
      changeSet: PLAN,
      pullRequests: [{ number: 3, url: 'https://github.example.com/octo/gitops/pull/3', action: 'opened', branch: 'tagstream/main' }],
    });
    expect(md).toContain('### Tagstream (pull-request) on `main`');
    expect(md).toContain('2 tag moves, 1 workload field, 1 file.');
    expect(md).toContain('- Pull request [#3](https://github.example.com/octo/gitops/pull/3) opened (branch `tagstream/main`)');
    expect(md).toContain('| `shop/frontend:1.4` | `sha256:aaaaaaaaaaaa` → `sha256:bbbbbbbbbbbb` |');
    expect(md).toContain('| error | `apps/bad.yaml:3:5` | expected a mapping |');
    expect(md).toContain('proposed in #7, closed without merging');
  });

  it.each([
    { mode: 'dry-run' as const, extra: {}, line: 'Dry run: nothing was written.' },
    { mode: 'commit' as const, extra: { commit: 'f'.repeat(40), pushed: true, links: { serverUrl: 'https://gh.test', repository: 'o/r' } }, line: `Committed [\`ffffffffffff\`](https://gh.test/o/r/commit/${'f'.repeat(40)}) and pushed to \`main\`.` },
    { mode: 'commit' as const, extra: {}, line: 'Nothing to commit.' },
  ])('$mode: $line', ({ mode, extra, line }) => {
    expect(renderSummary({ mode, base: 'main', changeSet: EMPTY_CHANGE_SET, ...extra })).toContain(line);
  });
});
