import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TagstreamError } from '../../../src/errors.js';
import {
  familiarName,
  hostWithoutPort,
  isDigest,
  isValidDomain,
  isValidTag,
  isLoopbackHost,
  parseImageReference,
  registryApiHost,
  splitRepository,
  withDigest,
  withTag,
} from '../../../src/domain/image-reference.js';

interface Vector {
  input: string;
  valid: boolean;
  name: string | null;
  domain: string | null;
  path: string | null;
  tag: string | null;
  digest: string | null;
  familiar: string | null;
  error?: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/reference-vectors.json', import.meta.url), 'utf8'),
) as Vector[];

const DIGEST = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

describe('parseImageReference (distribution/reference vectors)', () => {
  it('has the full vector table', () => {
    expect(vectors.length).toBe(107);
  });

  it.each(vectors.filter((v) => v.valid).map((v) => [v.input.slice(0, 80), v] as const))('valid: %s', (_, v) => {
    const { repository, ...ref } = parseImageReference(v.input);
    expect({ ...ref }).toEqual({ name: v.name, domain: v.domain, path: v.path, tag: v.tag, digest: v.digest, familiar: v.familiar });
    // The value also keeps the repository as written: input = repository [":" tag] ["@" digest].
    expect(`${repository}${v.tag === null ? '' : `:${v.tag}`}${v.digest === null ? '' : `@${v.digest}`}`).toBe(v.input);
  });

  it.each(vectors.filter((v) => !v.valid).map((v) => [v.input.slice(0, 80), v] as const))('invalid: %s', (_, v) => {
    let caught: unknown;
    try {
      parseImageReference(v.input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TagstreamError);
    expect((caught as TagstreamError).code).toBe('InvalidReference');
    // The first words of the Go error (e.g. "invalid reference format", "invalid checksum digest length").
    const goPrefix = (v.error ?? '').split(':')[0] ?? '';
    expect((caught as TagstreamError).message).toContain(goPrefix.replace(/ \(.*$/, ''));
  });
});

describe('parseImageReference messages', () => {
  it.each([
    ['Foo/Bar', 'invalid reference format: repository name (Bar) must be lowercase'],
    ['busybox:', 'invalid reference format'],
    ['', 'empty image reference'],
  ])('%s -> %s', (input, message) => {
    expect(() => parseImageReference(input)).toThrow(message);
  });
});

describe('splitRepository / withDigest / withTag', () => {
  it.each([
    ['busybox', 'busybox', null, null],
    ['busybox:latest', 'busybox', 'latest', null],
    [`busybox@${DIGEST}`, 'busybox', null, DIGEST],
    [`quay.io/org/app:1.0@${DIGEST}`, 'quay.io/org/app', '1.0', DIGEST],
    ['127.0.0.1:5000/ns/app:v1', '127.0.0.1:5000/ns/app', 'v1', null],
    ['localhost:5000/app', 'localhost:5000/app', null, null],
    ['index.docker.io/library/busybox:1', 'index.docker.io/library/busybox', '1', null],
  ])('%s', (input, repository, tag, digest) => {
    expect(splitRepository(input)).toEqual({ repository, tag, digest });
  });

  it.each([
    ['busybox:latest', `busybox@${DIGEST}`],
    [`busybox:latest@sha256:${'f'.repeat(64)}`, `busybox@${DIGEST}`],
    ['127.0.0.1:5000/ns/app:v1', `127.0.0.1:5000/ns/app@${DIGEST}`],
    ['docker.io/library/busybox', `docker.io/library/busybox@${DIGEST}`],
  ])('withDigest(%s)', (input, expected) => {
    expect(withDigest(input, DIGEST)).toBe(expected);
  });

  it('withDigest refuses a malformed digest', () => {
    expect(() => withDigest('busybox', 'sha256:abc')).toThrow('invalid checksum digest length');
  });

  it('withTag replaces tag and digest', () => {
    expect(withTag(`quay.io/a/b:1@${DIGEST}`, '2')).toBe('quay.io/a/b:2');
    expect(() => withTag('busybox', '-x')).toThrow(TagstreamError);
  });
});

describe('hosts', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io'],
    ['index.docker.io', 'registry-1.docker.io'],
    ['quay.io', 'quay.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('registryApiHost(%s) = %s', (domain, host) => {
    expect(registryApiHost(domain)).toBe(host);
  });

  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.255.3.4', true],
    ['[::1]:5000', true],
    ['::1', true],
    ['127.0.0.256', false],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['quay.io', false],
    ['[2001:db8::1]:5000', false],
  ])('isLoopbackHost(%s) = %s', (domain, expected) => {
    expect(isLoopbackHost(domain)).toBe(expected);
  });

  it.each([
    [DIGEST, true],
    ['sha256:' + 'A'.repeat(64), false],
    ['sha256:abc', false],
    ['md5:' + 'a'.repeat(32), false],
  ])('isDigest(%s)', (d, expected) => {
    expect(isDigest(d)).toBe(expected);
  });
});

describe('small helpers', () => {
  it.each([
    ['docker.io', 'library/ubuntu', 'ubuntu'],
    ['docker.io', 'library/foo/bar', 'library/foo/bar'],
    ['docker.io', 'org/app', 'org/app'],
    ['quay.io', 'library/x', 'quay.io/library/x'],
  ])('familiarName(%s, %s)', (domain, path, expected) => {
    expect(familiarName({ domain, path })).toBe(expected);
  });

  it.each([
    ['quay.io', 'quay.io'],
    ['127.0.0.1:5000', '127.0.0.1'],
    ['[::1]:5000', '[::1]'],
    ['[2001:db8::1]', '[2001:db8::1]'],
  ])('hostWithoutPort(%s)', (domain, expected) => {
    expect(hostWithoutPort(domain)).toBe(expected);
  });

  it.each([
    ['quay.io', true],
    ['127.0.0.1:5000', true],
    ['[::1]:5000', true],
    ['Registry.Example.com', true],
    ['bad_host', false],
    ['host:port', false],
    ['', false],
  ])('isValidDomain(%s)', (domain, expected) => {
    expect(isValidDomain(domain)).toBe(expected);
  });

  it.each([
    ['latest', true],
    ['V1.2_rc-3', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['.hidden', false],
    ['-dash', false],
    ['', false],
  ])('isValidTag(%s)', (tag, expected) => {
    expect(isValidTag(tag)).toBe(expected);
  });
});
