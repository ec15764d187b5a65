// The package root (`import … from 'tagstream'`) exposes the library API.
import { describe, expect, it } from 'vitest';
import * as tagstream from '../../src/index.js';

describe('package root', () => {
  it('exports parseImageReference with the normalized result and typed errors', () => {
    expect(tagstream.parseImageReference('busybox:1.36')).toEqual({
      name: 'docker.io/library/busybox',
      domain: 'docker.io',
      path: 'library/busybox',
      tag: '1.36',
      digest: null,
      familiar: 'busybox:1.36',
      repository: 'busybox',
    });
    expect(() => tagstream.parseImageReference('Foo/Bar:1')).toThrow(tagstream.TagstreamError);
  });

  it('exports the use cases the entry points run', () => {
    for (const name of ['reconcile', 'tag', 'importImage', 'createIstag', 'buildInventory', 'createRegistryClient', 'createGitAdapter', 'runCli'] as const) {
      expect(typeof tagstream[name]).toBe('function');
    }
  });
});
