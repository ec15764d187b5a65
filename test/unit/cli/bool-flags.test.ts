import { describe, expect, it } from 'vitest';
import { normalizeBoolFlags } from '../../../src/cli/bool-flags.js';

describe('normalizeBoolFlags', () => {
  const booleans = new Set(['enabled', 'confirm']);
  it.each([
    [['--enabled=false', 'ruby'], ['--no-enabled', 'ruby']],
    [['--enabled=true'], ['--enabled']],
    [['--enabled=0', '--confirm=T'], ['--no-enabled', '--confirm']],
    [['--from=x:1', '--enabled'], ['--from=x:1', '--enabled']],
    [['--', '--enabled=false'], ['--', '--enabled=false']],
  ])('%j -> %j', (argv, want) => {
    expect(normalizeBoolFlags(argv, booleans)).toEqual(want);
  });
  it('rejects values ParseBool rejects', () => {
    expect(() => normalizeBoolFlags(['--confirm=yes'], booleans)).toThrow('invalid argument "yes" for "--confirm" flag');
  });
});
