import { describe, expect, it } from 'vitest';
import { parseResourceArgs } from '../../../src/cli/resource-args.js';

describe('parseResourceArgs', () => {
  it.each([
    [['is'], { resource: 'imagestream', names: [] }],
    [['imagestreams', 'a', 'b'], { resource: 'imagestream', names: ['a', 'b'] }],
    [['IS', 'a'], { resource: 'imagestream', names: ['a'] }],
    [['is/ruby'], { resource: 'imagestream', names: ['ruby'] }],
    [['istag/ruby:3.3', 'imagestreamtag/web:next'], { resource: 'imagestreamtag', names: ['ruby:3.3', 'web:next'] }],
    [['imagestreamtags.image.openshift.io', 'x:y'], { resource: 'imagestreamtag', names: ['x:y'] }],
  ])('%j', (args, want) => {
    expect(parseResourceArgs(args)).toEqual(want);
  });

  it.each([
    [[], 'you must specify the type of resource'],
    [['pods'], 'the server doesn\'t have a resource type "pods"'],
    [['is/a', 'istag/b:c'], 'only one resource type may be given at a time'],
    [['is/'], 'must have a single resource and name'],
    [['is/a', 'b'], 'no need to specify a resource type as a separate argument'],
  ])('%j fails', (args, message) => {
    expect(() => parseResourceArgs(args)).toThrow(message);
  });
});
