import { describe, expect, it } from 'vitest';
import { deepEqual, valueAt } from '../../../src/domain/plain-value.js';

describe('valueAt', () => {
  const root = { spec: { containers: [{ name: 'a', image: 'x' }] }, 1: 'numeric key', list: ['p', 'q'] };
  it.each([
    [['spec', 'containers', 0, 'image'], 'x'],
    [['spec', 'containers', 1], undefined],
    [['spec', 'missing', 'deeper'], undefined],
    [[1], 'numeric key'],
    [['list', 1], 'q'],
    [[], root],
  ] as const)('%j', (path, expected) => {
    expect(valueAt(root, path)).toBe(expected);
  });

  it('finds own members only, and indexes arrays with numbers only', () => {
    expect(valueAt({}, ['constructor'])).toBeUndefined();
    expect(valueAt({ a: {} }, ['a', '__proto__'])).toBeUndefined();
    expect(valueAt(['p'], ['0'])).toBeUndefined();
    expect(valueAt(['p'], ['length'])).toBeUndefined();
    expect(valueAt('text', ['length'])).toBeUndefined();
  });
});

describe('deepEqual', () => {
  it.each([
    [{ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: '1' }, false],
    [[1, 2], [2, 1], false],
    [[], {}, false],
    [null, {}, false],
    [{ a: null }, { a: undefined }, false],
  ])('%j ~ %j = %s', (a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
    expect(deepEqual(b, a)).toBe(expected);
  });

  it('compares anything but plain objects and arrays by identity', () => {
    expect(deepEqual(new Map([[1, 2]]), new Map([[1, 3]]))).toBe(false);
    const m = new Map();
    expect(deepEqual(m, m)).toBe(true);
  });
});
