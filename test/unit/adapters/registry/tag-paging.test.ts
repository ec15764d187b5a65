import { describe, expect, it } from 'vitest';
import { nextLink } from '../../../../src/adapters/registry/tag-paging.js';
import { RegistryError } from '../../../../src/errors.js';

const req = new URL('https://reg.example.com/v2/a/b/tags/list?n=2');
const loc = { domain: 'reg.example.com', path: 'a/b' };

describe('nextLink', () => {
  it.each([
    ['</v2/a/b/tags/list?last=x&n=2>; rel="next"', 'https://reg.example.com/v2/a/b/tags/list?last=x&n=2'],
    ['<https://reg.example.com/v2/a/b/tags/list?last=y>; rel=next', 'https://reg.example.com/v2/a/b/tags/list?last=y'],
    ['</v2/a/b/tags/list?last=p>; rel="prev", </v2/a/b/tags/list?last=n>; rel="next"', 'https://reg.example.com/v2/a/b/tags/list?last=n'],
    ['</v2/a/b/tags/list?last=p>; rel="prev"', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s', (link, expected) => {
    expect(nextLink(link, req, loc)?.href).toBe(expected);
  });

  it.each(['<https://evil.example.com/v2/a/b/tags/list?last=x>; rel="next"', '<http://reg.example.com/v2/a/b/tags/list>; rel="next"'])(
    'refuses a next link to another origin: %s',
    (link) => {
      expect(() => nextLink(link, req, loc)).toThrow(RegistryError);
    },
  );
});
