import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';
import { renderCommitMessage } from '../../../src/planning/commit-message.js';

describe('commit summary', () => {
  it('a commit of stream records only says so, never "update 0 image fields" (#13.3)', () => {
    const cs = { ...EMPTY_CHANGE_SET, files: [{ path: 'imagestreams/ruby.yaml', before: 'a', after: 'b' }] };
    expect(renderCommitMessage(cs).split('\n')[0]).toBe('tagstream: record image stream updates (1 file)');
  });
});

describe('commit of earlier writes (#13.2)', () => {
  it('names the files Tagstream wrote earlier, in the summary when nothing else changed and in trailers', () => {
    const message = renderCommitMessage(EMPTY_CHANGE_SET, ['apps/web.yaml', 'imagestreams/web.yaml']);
    const lines = message.split('\n');
    expect(lines[0]).toBe('tagstream: commit what tagstream wrote earlier (2 files)');
    expect(message).toContain('Written earlier by tagstream: apps/web.yaml, imagestreams/web.yaml\n');
    expect(lines.filter((l) => l.startsWith('Tagstream-Earlier-Write: '))).toEqual([
      'Tagstream-Earlier-Write: apps/web.yaml',
      'Tagstream-Earlier-Write: imagestreams/web.yaml',
    ]);
  });

  it('keeps the plan summary when the run changed files too', () => {
    const cs = { ...EMPTY_CHANGE_SET, files: [{ path: 'imagestreams/ruby.yaml', before: 'a', after: 'b' }] };
    expect(renderCommitMessage(cs, ['apps/web.yaml']).split('\n')[0]).toBe('tagstream: record image stream updates (1 file)');
  });
});
