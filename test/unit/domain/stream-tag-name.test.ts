import { describe, expect, it } from 'vitest';
import { parseIstagName, splitNamespaced, splitStreamTag } from '../../../src/domain/stream-tag-name.js';

describe('parseIstagName: exactly <stream>:<tag>', () => {
  it.each([
    ['app:1', { stream: 'app', tag: '1' }],
    ['app', undefined],
    ['app:', undefined],
    [':1', undefined],
    ['app:1:2', undefined],
  ])('%j', (name, expected) => {
    expect(parseIstagName(name)).toEqual(expected);
  });
});

describe('splitStreamTag (SplitImageStreamTag) and parseIstagName agree on well-formed names', () => {
  it.each(['app:1', 'web:latest', 'a-b:v1.2'])('%s', (name) => {
    expect(splitStreamTag(name)).toEqual(parseIstagName(name));
  });
  it('splitStreamTag is lenient where the API is not', () => {
    expect(splitStreamTag('app:')).toEqual({ stream: 'app', tag: 'latest' });
    expect(splitStreamTag('app:1:2')).toEqual({ stream: 'app', tag: '1:2' });
  });
});

describe('splitNamespaced', () => {
  it.each([
    ['web:1', { namespace: undefined, name: 'web:1' }],
    ['shop/web:1', { namespace: 'shop', name: 'web:1' }],
    ['/web', { namespace: '', name: 'web' }],
    ['a/b/c', undefined],
  ])('%j', (text, expected) => {
    expect(splitNamespaced(text)).toEqual(expected);
  });
});
