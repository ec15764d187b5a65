import { describe, expect, it } from 'vitest';
import { parseGitIdentity } from '../../../src/config/git-identity.js';

describe('parseGitIdentity: Name <email>', () => {
  it.each([
    ['Bot <bot@example.com>', { name: 'Bot', email: 'bot@example.com' }],
    ['  Jane Doe   <jane@x.io>  ', { name: 'Jane Doe', email: 'jane@x.io' }],
    ['github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>', { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }],
    ['<bot@example.com>', undefined],
    ['Bot bot@example.com', undefined],
    ['Bot <not-an-email>', undefined],
    ['A <b> <c@d.e>', undefined],
  ])('%j', (text, expected) => {
    expect(parseGitIdentity(text)).toEqual(expected);
  });
});
