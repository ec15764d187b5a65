import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatCliError } from '../../../src/cli/cli-error.js';
import { TagstreamError, UsageError } from '../../../src/errors.js';

describe('formatCliError / exitCodeFor', () => {
  it.each([
    [new TagstreamError('NotFound', 'imagestreams.image.openshift.io "x" not found'), 'Error from server (NotFound): imagestreams.image.openshift.io "x" not found\n', 1],
    [new UsageError('bad flag'), 'error: bad flag\n', 2],
    [new Error('boom https://u:p4ss@host/x'), 'error: boom https://***@host/x\n', 1],
  ])('%s', (e, text, code) => {
    expect(formatCliError(e)).toBe(text);
    expect(exitCodeFor(e)).toBe(code);
  });
});
