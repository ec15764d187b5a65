import { describe, expect, it } from 'vitest';
import { compareNumbers, parseTagPolicy, selectTag } from '../../../src/domain/tag-policy.js';
import { compileTagPattern } from '../../../src/domain/tag-pattern.js';
import { TagstreamError } from '../../../src/errors.js';

// Every order, table-driven: [policy, tags, current, expected winner].
describe('selectTag', () => {
  it.each([
    // semver
    { policy: 'semver:^1.0.0', tags: ['1.3.0', '1.4.0', '2.0.0', 'latest'], want: '1.4.0' },
    { policy: 'semver:^1.0.0', tags: ['1.3.0', '2.0.0'], want: '1.3.0' },
    { policy: 'semver:^1', tags: ['1.9.0', '1.10.0', '1.2'], want: '1.10.0' },
    { policy: 'semver:>=1.0.0', tags: ['v1.2.3', '1.2.2'], want: 'v1.2.3' },
    { policy: 'semver:^1', tags: ['v1.2.3', '1.2.3'], want: 'v1.2.3', why: 'equal keys: the greater text wins' },
    { policy: 'semver:^1', tags: ['1.2.3', 'v1.2.3'], current: '1.2.3', want: '1.2.3', why: 'equal keys: the followed tag stays' },
    { policy: 'semver:^1', tags: ['1.2.3+b2', '1.2.3+b1'], current: '1.2.3+b1', want: '1.2.3+b1', why: 'build metadata does not order' },
    { policy: 'semver:^1', tags: ['1.2.3', '1.3.0-rc.1'], want: '1.2.3', why: 'pre-releases need a range that names one' },
    { policy: 'semver:>=1.3.0-0', tags: ['1.2.3', '1.3.0-rc.1', '1.3.0-rc.2'], want: '1.3.0-rc.2' },
    { policy: 'semver:>=1.0.0-0', tags: ['1.2.3', '1.4.0-rc.1', '1.3.0'], want: '1.4.0-rc.1', why: 'a named pre-release opens every pre-release' },
    { policy: 'semver:>=1.0.0-rc.1', tags: ['1.0.0-rc.1', '1.0.0'], want: '1.0.0' },
    { policy: 'semver:^3', tags: ['1.0.0', 'latest'], want: undefined, why: 'no match' },
    { policy: 'semver:*', tags: [], want: undefined },
    // numerical
    { policy: 'numerical:^build-(\\d+)$', tags: ['build-9', 'build-10', 'build-x'], want: 'build-10' },
    { policy: 'numerical:^build-(\\d+)$', tags: ['build-10', 'build-11'], want: 'build-11' },
    { policy: 'numerical:^\\d+$', tags: ['9', '10', '100', 'a1'], want: '100', why: 'whole match without a group' },
    { policy: 'numerical:^(\\d+)', tags: ['99999999999999999999-a', '99999999999999999998-b'], want: '99999999999999999999-a' },
    { policy: 'numerical:^v(\\d+\\.\\d+)$', tags: ['v1.5', 'v1.45', 'v1.10'], want: 'v1.5', why: 'decimal numbers' },
    { policy: 'numerical:^build-(\\d+)$', tags: ['build-010', 'build-10'], want: 'build-10', why: 'equal keys: greater text' },
    { policy: 'numerical:^build-(\\d+)$', tags: ['build-010', 'build-10'], current: 'build-010', want: 'build-010' },
    { policy: 'numerical:^build-(\\d+)$', tags: ['latest', 'main'], want: undefined },
    { policy: 'numerical:^(\\w+)$', tags: ['abc', '7'], want: '7', why: 'a non-numeric capture is no candidate' },
    // alphabetical
    { policy: 'alphabetical:^RELEASE\\.(.*)$', tags: ['RELEASE.2024-01-02', 'RELEASE.2024-11-01', 'RELEASE.2023-12-31'], want: 'RELEASE.2024-11-01' },
    { policy: 'alphabetical:^[a-z]+$', tags: ['alpha', 'beta', 'Gamma'], want: 'beta', why: 'code-unit order, case-sensitive' },
    { policy: 'alphabetical:^main-(.*)$', tags: ['main-b', 'other'], want: 'main-b' },
    { policy: 'alphabetical:-(x)$', tags: ['a-x', 'b-x'], want: 'b-x', why: 'equal captures: greater text' },
    { policy: 'alphabetical:^nomatch$', tags: ['a'], want: undefined },
  ])('$policy $tags -> $want', ({ policy, tags, current, want }) => {
    expect(selectTag(parseTagPolicy(policy), Object.freeze([...tags]), { current })).toBe(want);
    // the registry's listing order never matters
    expect(selectTag(parseTagPolicy(policy), [...tags].reverse(), { current })).toBe(want);
  });

  it.each([
    { created: { 'main-1': '2026-01-01T00:00:00Z', 'main-2': '2026-02-01T00:00:00Z', 'main-3': '2025-12-31T00:00:00Z' }, want: 'main-2' },
    { created: { 'main-1': '2026-01-01T00:00:00Z', 'main-2': '2026-01-01T00:00:00Z' }, want: 'main-2', why: 'equal times: greater text' },
    { created: { 'main-1': '2026-01-01T00:00:00Z', 'main-2': '2026-01-01T00:00:00Z' }, current: 'main-1', want: 'main-1' },
    { created: { 'main-1': '2026-01-01T00:00:00+02:00', 'main-2': '2025-12-31T23:30:00Z' }, want: 'main-2', why: 'times compare as instants' },
    { created: { 'main-1': 'not a time' }, want: undefined },
    { created: {}, want: undefined, why: 'no build time known: no candidate' },
  ])('created $created -> $want', ({ created, current, want }) => {
    const tags = ['main-1', 'main-2', 'main-3', 'other'];
    expect(selectTag(parseTagPolicy('created:^main-'), tags, { current, created: new Map(Object.entries(created)) })).toBe(want);
  });
});

describe('parseTagPolicy', () => {
  it.each([
    ['semver', 'semver:^1.0.0', '^1.0.0'],
    ['numerical', 'numerical:^build-(\\d+)$', '^build-(\\d+)$'],
    ['alphabetical', 'alphabetical:^a:b$', '^a:b$'],
    ['created', 'created:.*', '.*'],
  ])('%s', (order, text, argument) => {
    const p = parseTagPolicy(text);
    expect([p.order, p.argument, p.text]).toEqual([order, argument, text]);
  });

  it.each([
    ['', /expected semver:RANGE/],
    ['semver', /expected semver:RANGE/],
    ['newest:.*', /expected semver:RANGE/],
    ['Semver:^1', /expected semver:RANGE/],
    ['semver:', /is not a semver range/],
    ['semver:not-a-range', /is not a semver range/],
    ['numerical:', /needs a pattern/],
    ['numerical:(', /invalid pattern "\("/],
    ['alphabetical:(a)\\1', /no backreferences or lookaround/],
    ['created:(?=a)b', /no backreferences or lookaround/],
  ])('rejects %j', (text, message) => {
    let error: unknown;
    try {
      parseTagPolicy(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TagstreamError);
    expect((error as TagstreamError).code).toBe('Invalid');
    expect((error as Error).message).toMatch(message);
  });
});

describe('compareNumbers', () => {
  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['010', '10', 0],
    ['1.5', '1.45', 1],
    ['1.50', '1.5', 0],
    ['-2', '-10', 1],
    ['-0', '0', 0],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
  ])('%s vs %s', (a, b, want) => {
    expect(compareNumbers(a, b)).toBe(want);
  });
});

describe('tag patterns run in linear time', () => {
  it('a catastrophic pattern against a hostile tag list finishes', () => {
    // (a+)+$ backtracks exponentially in a backtracking engine: 2^40 steps for one of these tags.
    const hostile = Array.from({ length: 2000 }, (_, i) => `${'a'.repeat(40 + (i % 80))}!`);
    const policy = parseTagPolicy('numerical:^(a+)+$');
    // the same pattern in JavaScript's engine would not return from one tag; RE2 answers all of them
    expect(selectTag(policy, hostile)).toBeUndefined();
    expect(selectTag(parseTagPolicy('alphabetical:^(a|aa)+$'), [...hostile, 'aaaa'])).toBe('aaaa');
  });

  it('tags longer than 128 characters are never candidates', () => {
    const long = 'a'.repeat(129);
    expect(compileTagPattern('^a+$').capture(long)).toBeUndefined();
    expect(compileTagPattern('^a+$').capture('a'.repeat(128))).toBe('a'.repeat(128));
  });
});
