import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver, prioritizeTags } from '../../../src/domain/prioritize-tags.js';

// library-go imageutil TestPrioritizeTags and §3.5.
describe('prioritizeTags', () => {
  it.each([
    { tags: ['other', 'latest', 'v5.5', '5.2.3', 'v5.3.6-bother', '5.3.6-abba', '5.6'], expected: ['latest', '5.6', 'v5.5', 'v5.3.6-bother', '5.3.6-abba', '5.2.3', 'other'] },
    { tags: ['1.1', '1.0', '1.1-beta1', '1.1-alpha1'], expected: ['1.1', '1.1-beta1', '1.1-alpha1', '1.0'] },
    { tags: ['v1.0.0', '1.0.0'], expected: ['1.0.0', 'v1.0.0'] },
    { tags: ['b', 'a', 'C', '01.2'], expected: ['01.2', 'C', 'a', 'b'] },
    { tags: ['', 'x'], expected: ['latest', 'x'] },
    { tags: ['1.10.0', '1.9.0', '1.2'], expected: ['1.2', '1.10.0', '1.9.0'] },
    { tags: ['2.0.0-rc.1', '2.0.0', '2.0.0-rc.2', '2.0.0-beta'], expected: ['2.0.0', '2.0.0-rc.2', '2.0.0-rc.1', '2.0.0-beta'] },
  ])('$tags', ({ tags, expected }) => {
    const input = Object.freeze([...tags]);
    expect(prioritizeTags(input)).toEqual(expected);
  });
});

describe('semver', () => {
  it.each(['1.2.3', '0.0.0', '1.2.3-alpha.1', '1.2.3+build.5', '10.20.30-rc-1'])('parses %s', (v) => {
    expect(parseSemver(v)).toBeDefined();
  });
  it.each(['1.2', '01.2.3', '1.2.3-01', 'v1.2.3', '1.2.3-', 'a.b.c'])('rejects %s', (v) => {
    expect(parseSemver(v)).toBeUndefined();
  });
  it('orders prereleases per semver', () => {
    const p = (v: string) => parseSemver(v) ?? (() => { throw new Error(v); })();
    expect(compareSemver(p('1.0.0-alpha'), p('1.0.0-alpha.1'))).toBe(-1);
    expect(compareSemver(p('1.0.0-alpha.1'), p('1.0.0-alpha.beta'))).toBe(-1);
    expect(compareSemver(p('1.0.0-rc.1'), p('1.0.0'))).toBe(-1);
    expect(compareSemver(p('1.0.0+a'), p('1.0.0+b'))).toBe(0);
  });
});
