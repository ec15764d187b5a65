import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatCliError } from '../../../src/cli/cli-error.js';
import { TagstreamError, UsageError } from '../../../src/errors.js';
import { defaultDeps } from '../../../src/cli/composition.js';
import type { CliDeps } from '../../../src/cli/context.js';
import { run } from '../../../src/cli/run.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { captureStream } from '../../fakes/capture-stream.js';

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

describe('TAGSTREAM_DEBUG (read by config/environment.ts, passed to formatCliError)', () => {
  const unexpected = (): Error => {
    const e = new Error('boom https://u:p4ss@host/x');
    e.stack = 'Error: boom https://u:p4ss@host/x\n    at somewhere (file.js:1:1)';
    return e;
  };
  it('adds the redacted stack of an unexpected error only when asked', () => {
    expect(formatCliError(unexpected(), true)).toBe('error: boom https://***@host/x\nError: boom https://***@host/x\n    at somewhere (file.js:1:1)\n');
    expect(formatCliError(unexpected())).toBe('error: boom https://***@host/x\n');
    expect(formatCliError(new UsageError('bad flag'), true)).toBe('error: bad flag\n');
  });

  it.each([
    [{ TAGSTREAM_DEBUG: '1' }, true],
    [{ TAGSTREAM_DEBUG: '' }, false],
    [{}, false],
  ])('run() with %o in its environment prints the stack: %s', async (env, stack) => {
    const stdout = captureStream();
    const stderr = captureStream();
    const deps: CliDeps = {
      ...defaultDeps({}),
      openRepository: () => Promise.reject(unexpected()),
    };
    const code = await run(['get', 'is'], { stdout, stderr, env: { HOME: '/nonexistent', ...env }, cwd: '/', clock: fixedClock('2026-11-21T06:00:00Z') }, deps);
    expect(code).toBe(1);
    expect(stderr.text().startsWith('error: boom https://***@host/x\n')).toBe(true);
    expect(stderr.text().includes('at somewhere (file.js:1:1)')).toBe(stack);
  });
});
