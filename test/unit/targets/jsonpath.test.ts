import { describe, expect, it } from 'vitest';
import { checkJsonPath } from '../../../src/targets/jsonpath-check.js';
import { evaluateJsonPath } from '../../../src/targets/jsonpath-eval.js';

describe('checkJsonPath', () => {
  it.each([
    '$.image.ref',
    "$.deploy[?(@.name=='web')].digest",
    '$.deploy[?(@.name=="web" && @.enabled==true)].image',
    "$..containers[?(@['name'] != 'sidecar')].image",
    '$.a[0].b',
    '$.a[-1:]',
    '$.a[0,2].x',
    "$['spec']['values']['image']",
    '$..image',
    '$.a.*',
    '$.a[?(!(@.x<3) || @.y === null)].z',
  ])('accepts %s', (p) => expect(checkJsonPath(p)).toBeUndefined());

  it.each([
    ['$.constructor', 'constructor'],
    ['$.a.__proto__.polluted', '__proto__'],
    ["$['constructor']['prototype']", 'constructor'],
    ['$[?(@.constructor)]', 'constructor'],
    ["$[?(@['__proto__'])]", '__proto__'],
    ['$.a[?(@.name.toString())]', 'function calls'],
    ['$.a[?(@.name.constructor.constructor("return process")())]', 'constructor'],
    ['$.a[(@.length-1)]', 'script expressions'],
    ['$.a[?(process.exit())]', '"process" is not allowed'],
    ['$.a[?(this)]', '"this" is not allowed'],
    ['$.a[?(@.x == require("fs"))]', '"require" is not allowed'],
    ['$.a[?(@path)]', 'jsonpath-plus extensions'],
    ['$.a[?(@.x=`y`)]', 'jsonpath-plus extension'],
    ['$.a^', 'jsonpath-plus extension'],
    ['$.a~', 'jsonpath-plus extension'],
    ['$.a[?(@.x = 1)]', 'expected the filter to end with ")"'],
    ['a.b', 'start with "$"'],
    ['$', 'names the whole document'],
    ['$.toString()', 'function calls'],
  ])('refuses %s', (p, why) => {
    expect(checkJsonPath(p)?.message).toContain(why);
  });
});

describe('evaluateJsonPath (jsonpath-plus, safe evaluator)', () => {
  const doc = { image: { ref: 'a' }, deploy: [{ name: 'web', digest: 'd1' }, { name: 'db', digest: 'd2' }], 'a/b': { '~c': 1 } };
  it.each([
    ['$.image.ref', [[['image', 'ref'], 'a']]],
    ["$.deploy[?(@.name=='web')].digest", [[['deploy', 0, 'digest'], 'd1']]],
    ['$..digest', [[['deploy', 0, 'digest'], 'd1'], [['deploy', 1, 'digest'], 'd2']]],
    ["$['a/b']['~c']", [[['a/b', '~c'], 1]]],
    ['$.nothing', []],
  ] as const)('%s', (p, want) => {
    expect(evaluateJsonPath(p, doc).map((m) => [m.path, m.value])).toEqual(want);
  });

  it('refuses hostile paths before jsonpath-plus sees them', () => {
    expect(() => evaluateJsonPath('$[?(@.constructor.constructor("return 1")())]', doc)).toThrow(/not allowed/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
