import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, preferredChallenge } from '../../../../src/adapters/registry/challenge.js';

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } }],
    ],
    ['Basic realm="test-realm"', [{ scheme: 'basic', params: { realm: 'test-realm' } }]],
    ['basic REALM="Artifactory Realm"', [{ scheme: 'basic', params: { realm: 'Artifactory Realm' } }]],
    [
      'Bearer realm="https://codeberg.org/v2/token",service="container_registry",scope="*",Basic realm="https://codeberg.org/v2",service="container_registry",scope="*"',
      [
        { scheme: 'bearer', params: { realm: 'https://codeberg.org/v2/token', service: 'container_registry', scope: '*' } },
        { scheme: 'basic', params: { realm: 'https://codeberg.org/v2', service: 'container_registry', scope: '*' } },
      ],
    ],
    [
      'Bearer realm="http://127.0.0.1:1/token",service="test-registry",scope="repository:tok/app:pull",error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'test-registry', scope: 'repository:tok/app:pull', error: 'insufficient_scope' } }],
    ],
    ['Bearer realm=https://x/token, service=svc', [{ scheme: 'bearer', params: { realm: 'https://x/token', service: 'svc' } }]],
    ['Bearer realm="a \\"quoted\\" realm"', [{ scheme: 'bearer', params: { realm: 'a "quoted" realm' } }]],
    ['Bearer realm="comma, inside",service="s"', [{ scheme: 'bearer', params: { realm: 'comma, inside', service: 's' } }]],
    ['', []],
    ['   ,, ', []],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
  ])('%s', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it('reads several header lines and prefers Bearer', () => {
    const all = parseWwwAuthenticate(['Basic realm="r"', 'Bearer realm="https://t",service="s"']);
    expect(all.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(preferredChallenge(all)?.scheme).toBe('bearer');
    expect(preferredChallenge(parseWwwAuthenticate('Basic realm="r"'))?.scheme).toBe('basic');
    expect(preferredChallenge(parseWwwAuthenticate('Negotiate'))).toBeUndefined();
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });

  it('does not loop or throw on junk', () => {
    expect(() => parseWwwAuthenticate('"unterminated =, ==== Bearer realm="x')).not.toThrow();
    expect(preferredChallenge(parseWwwAuthenticate('"junk" Bearer realm="x"'))?.params.realm).toBe('x');
  });
});
