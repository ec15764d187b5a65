import { describe, expect, it } from 'vitest';
import { baseMediaType } from '../../../../src/adapters/registry/media-types.js';

describe('baseMediaType', () => {
  it.each<[string | undefined | null, string]>([
    [undefined, ''],
    [null, ''],
    ['', ''],
    ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.manifest.v1+json'],
    ['Application/JSON; charset=utf-8', 'application/json'],
    [' application/json ;a=b;c=d', 'application/json'],
    ['; charset=utf-8', ''],
    ['   ', ''],
  ])('%j -> %j', (header, base) => {
    expect(baseMediaType(header)).toBe(base);
  });
});
