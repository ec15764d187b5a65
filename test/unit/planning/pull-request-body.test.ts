import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';
import { cell, closedBody, code, isTagstreamBody, parsePullRequestTrailers, renderPullRequest } from '../../../src/planning/pull-request-body.js';
import { A, B, C, PLAN } from '../../fixtures/pull-request-plan.js';

const GOLDEN = `<!-- tagstream:pull-request -->
Tagstream found 2 image stream tags pointing at new images and proposes pinning them on \`main\`.

| Tag | Digest | Image created | Workloads |
|---|---|---|---|
| \`shop/frontend:1.4\` | \`sha256:aaaaaaaaaaaa\` → \`sha256:bbbbbbbbbbbb\` | 2026-11-20T10:00:00Z | Deployment shop/frontend |
| \`shop/worker:latest\` | _new tag_ → \`sha256:cccccccccccc\` | — | — |

| Workload | Container | Field | Tag |
|---|---|---|---|
| Deployment shop/frontend ([apps/frontend.yaml:21](https://github.example.com/octo/gitops/blob/tagstream%2Fmain/apps/frontend.yaml#L21)) | \`web\` | \`spec.template.spec.containers[0].image\` | \`shop/frontend:1.4\` |

**Held** (not proposed again):

- \`shop/api:2.0\` \`sha256:aaaaaaaaaaaa\`: proposed in #7, closed without merging

**Failed** (left unchanged):

- \`shop/db:16\`: manifest unknown \\| gone

---

Merge to apply; close without merging and these digests will not be proposed again for their tags.

\`\`\`
Tagstream-Move: shop/frontend:1.4 ${A} -> ${B}
Tagstream-Move: shop/worker:latest - -> ${C}
Tagstream-Base: main
\`\`\`
`;

describe('renderPullRequest', () => {
  const links = { serverUrl: 'https://github.example.com/', repository: 'octo/gitops' };

  it('renders the golden body', () => {
    const { title, body } = renderPullRequest(PLAN, { base: 'main', branch: 'tagstream/main', links });
    expect(body).toBe(GOLDEN);
    expect(title).toBe('tagstream: move 2 image stream tags on main (shop/frontend:1.4, shop/worker:latest)');
  });

  it.each([
    { template: '', moves: PLAN.moves.slice(0, 1), title: 'tagstream: pin shop/frontend:1.4 to sha256:bbbbbbbbbbbb' },
    { template: 'chore(images): {tags} on {base}', moves: PLAN.moves, title: 'chore(images): shop/frontend:1.4, shop/worker:latest on main' },
    { template: '  Update images  ', moves: PLAN.moves, title: 'Update images' },
    { template: '', moves: [], title: 'tagstream: update workload images on main' },
  ])('title from template "$template"', ({ template, moves, title }) => {
    expect(renderPullRequest({ ...PLAN, moves }, { base: 'main', titleTemplate: template }).title).toBe(title);
  });

  it('writes trailers the parser reads back, also after GitHub turned newlines into CRLF', () => {
    const { body } = renderPullRequest(PLAN, { base: 'release-1' });
    for (const text of [body, body.replace(/\n/g, '\r\n')]) {
      const t = parsePullRequestTrailers(text);
      expect(t.base).toBe('release-1');
      expect(t.closedByTool).toBeUndefined();
      expect(t.moves).toEqual([
        { stream: 'shop/frontend', tag: '1.4', from: A, to: B },
        { stream: 'shop/worker', tag: 'latest', from: undefined, to: C },
      ]);
    }
    expect(isTagstreamBody(body)).toBe(true);
    expect(isTagstreamBody('Bump frontend\n\nTagstream-Move: a/b:c - -> sha256:x')).toBe(false);
  });

  it('marks a PR the tool closed itself', () => {
    const body = closedBody(renderPullRequest(PLAN, { base: 'main' }).body, 'nothing left\nto propose');
    expect(parsePullRequestTrailers(body).closedByTool).toBe('nothing left to propose');
    expect(parsePullRequestTrailers(body).moves).toHaveLength(2);
  });

  it('stays under GitHub’s body limit with thousands of moves and counts the trailers it had to leave out', () => {
    const moves = Array.from({ length: 2000 }, (_, i) => ({ ...PLAN.moves[0]!, tag: `v${i}` }));
    const { body } = renderPullRequest({ ...EMPTY_CHANGE_SET, moves }, { base: 'main' });
    expect(body.length).toBeLessThanOrEqual(65_536);
    const t = parsePullRequestTrailers(body);
    expect(t.moves.length + t.truncated).toBe(2000);
    expect(t.truncated).toBeGreaterThan(0);
    expect(t.base).toBe('main');
    const small = parsePullRequestTrailers(renderPullRequest(PLAN, { base: 'main' }).body);
    expect(small.truncated).toBe(0);
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['line\nbreak', 'line break'],
    ['back\\slash', 'back\\\\slash'],
  ])('cell(%j)', (input, out) => expect(cell(input)).toBe(out));

  it.each([
    ['plain', '`plain`'],
    ['has`tick', '``has`tick``'],
    ['`edge', '`` `edge ``'],
  ])('code(%j)', (input, out) => expect(code(input)).toBe(out));
});
