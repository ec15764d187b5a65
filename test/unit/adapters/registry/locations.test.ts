import { describe, expect, it } from 'vitest';
import { locationOf, normalizeHostEntry, pullLocations } from '../../../../src/adapters/registry/locations.js';
import { parseImageReference } from '../../../../src/domain/image-reference.js';

const none = new Set<string>();

describe('locationOf', () => {
  it.each([
    ['busybox', 'registry-1.docker.io', 'library/busybox'],
    ['index.docker.io/library/busybox:1', 'registry-1.docker.io', 'library/busybox'],
    ['bitnami/redis', 'registry-1.docker.io', 'bitnami/redis'],
    ['quay.io/org/app:v1', 'quay.io', 'org/app'],
    ['127.0.0.1:5000/a/b', '127.0.0.1:5000', 'a/b'],
  ])('%s -> %s/%s', (ref, host, path) => {
    const loc = locationOf(parseImageReference(ref), false, none);
    expect(loc.host).toBe(host);
    expect(loc.path).toBe(path);
  });

  it('marks configured insecure registries', () => {
    const hosts = new Set(['reg.local:5000']);
    expect(locationOf(parseImageReference('reg.local:5000/a'), false, hosts).insecure).toBe(true);
    expect(locationOf(parseImageReference('reg.local:5001/a'), false, hosts).insecure).toBe(false);
    expect(locationOf(parseImageReference('reg.local:5001/a'), true, hosts).insecure).toBe(true);
  });

  it.each([
    ['https://Reg.example.com:5000/', 'Reg.example.com:5000'],
    [' reg.example.com ', 'reg.example.com'],
  ])('normalizeHostEntry(%s)', (entry, expected) => {
    expect(normalizeHostEntry(entry)).toBe(expected);
  });
});

describe('pullLocations (ICSP mirrors)', () => {
  const mirrors = [
    { source: 'quay.io/org', mirror: 'mirror.local:5000/quay/org' },
    { source: 'quay.io/org', mirror: 'backup.local/org' },
    { source: 'docker.io/library/busybox', mirror: 'mirror.local:5000/hub/busybox' },
    { source: 'index.docker.io/bitnami', mirror: 'mirror.local:5000/bitnami' },
    { source: 'registry.example.com', mirror: 'mirror.local:5000/example' },
  ];
  it.each([
    ['quay.io/org/app:v1', ['mirror.local:5000 quay/org/app', 'backup.local org/app', 'quay.io org/app']],
    ['quay.io/organisation/app', ['quay.io organisation/app']], // prefix must end at a path boundary
    ['busybox:latest', ['mirror.local:5000 hub/busybox', 'registry-1.docker.io library/busybox']],
    ['bitnami/redis', ['mirror.local:5000 bitnami/redis', 'registry-1.docker.io bitnami/redis']],
    ['registry.example.com/a/b', ['mirror.local:5000 example/a/b', 'registry.example.com a/b']],
    ['ghcr.io/x/y', ['ghcr.io x/y']],
  ])('%s', (ref, expected) => {
    const locs = pullLocations(parseImageReference(ref), mirrors, false, none);
    expect(locs.map((l) => `${l.host} ${l.path}`)).toEqual(expected);
  });

  it('keeps the reference domain for credentials on the source, and uses the mirror domain for the mirror', () => {
    const [mirror, source] = pullLocations(parseImageReference('quay.io/org/app'), mirrors.slice(0, 1), false, none);
    expect(mirror?.domain).toBe('mirror.local:5000');
    expect(source?.domain).toBe('quay.io');
  });
});
