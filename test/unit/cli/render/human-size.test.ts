import { describe, expect, it } from 'vitest';
import { humanSize } from '../../../../src/cli/render/human-size.js';

describe('humanSize (docker/go-units HumanSize)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1234, '1.234kB'],
    [1500, '1.5kB'],
    [72_850_000, '72.85MB'],
    [72_854_321, '72.85MB'],
    [999_999, '1000kB'],
    [1_000_000, '1MB'],
    [3_400_000_000, '3.4GB'],
    [1e27, '1000YB'],
  ])('%d -> %s', (bytes, want) => {
    expect(humanSize(bytes)).toBe(want);
  });
});
