import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';
import { renderCommitMessage } from '../../../src/planning/commit-message.js';

describe('commit summary', () => {
  it('a commit of stream records only says so, never "update 0 image fields" (#13.3)', () => {
    const cs = { ...EMPTY_CHANGE_SET, files: [{ path: 'imagestreams/ruby.yaml', before: 'a', after: 'b' }] };
    expect(renderCommitMessage(cs).split('\n')[0]).toBe('tagstream: record image stream updates (1 file)');
  });
});
