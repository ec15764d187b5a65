import { describe, expect, it } from 'vitest';
import { choosePlatformEntry, matchesPlatform, parsePlatform, type IndexEntry } from '../../../../src/adapters/registry/platform-choice.js';
import { TagstreamError } from '../../../../src/errors.js';

const e = (name: string, os: string | undefined, architecture?: string, variant?: string, annotations?: Record<string, string>): IndexEntry => ({
  digest: `sha256:${name}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1,
  platform: os === undefined || architecture === undefined ? undefined : variant ? { os, architecture, variant } : { os, architecture },
  annotations,
});

const att = e('att', 'unknown', 'unknown', undefined, { 'vnd.docker.reference.type': 'attestation-manifest' });
const armv7 = e('armv7', 'linux', 'arm', 'v7');
const arm64 = e('arm64', 'linux', 'arm64', 'v8');
const amd64 = e('amd64', 'linux', 'amd64');
const win = e('win', 'windows', 'amd64');
const s390x = e('s390x', 'linux', 's390x');

describe('choosePlatformEntry (OpenShift Legacy import)', () => {
  it.each([
    ['default linux/amd64', [att, arm64, amd64], undefined, {}, 'amd64'],
    ['skips attestations before anything else', [att, s390x], undefined, {}, 's390x'],
    ['prefer-arch', [amd64, arm64], undefined, { preferArch: 'arm64' }, 'arm64'],
    ['prefer-arch + prefer-os', [amd64, win], undefined, { preferArch: 'amd64', preferOs: 'windows' }, 'win'],
    ['prefer-os alone keeps the configured arch', [win, amd64], undefined, { preferOs: 'windows' }, 'win'],
    ['unmatched preference falls back to linux/amd64', [arm64, amd64], undefined, { preferArch: 'riscv64' }, 'amd64'],
    ['unmatched preference skips the configured platform, as OpenShift does', [arm64, amd64], { os: 'linux', architecture: 'arm64' }, { preferArch: 'riscv64' }, 'amd64'],
    ['prefer-os with the configured arch', [amd64, arm64, e('win-arm', 'windows', 'arm64')], { os: 'linux', architecture: 'arm64' }, { preferOs: 'windows' }, 'win-arm'],
    ['configured platform', [amd64, arm64], { os: 'linux', architecture: 'arm64' }, {}, 'arm64'],
    ['configured variant', [armv7, e('armv6', 'linux', 'arm', 'v6')], { os: 'linux', architecture: 'arm', variant: 'v6' }, {}, 'armv6'],
    ['configured variant missing -> first os/arch match', [e('armv6', 'linux', 'arm', 'v6'), armv7], { os: 'linux', architecture: 'arm', variant: 'v8' }, {}, 'armv6'],
    ['configured missing -> linux/amd64', [arm64, amd64], { os: 'linux', architecture: 'ppc64le' }, {}, 'amd64'],
    ['nothing matches -> first non-attestation entry', [att, s390x, armv7], undefined, {}, 's390x'],
    ['entries without platform are only a last resort', [e('bare', undefined), arm64], undefined, {}, 'bare'],
    ['blank annotations are ignored', [arm64, amd64], undefined, { preferArch: '  ', preferOs: '' }, 'amd64'],
  ] as const)('%s', (_, entries, configured, preference, expected) => {
    expect(choosePlatformEntry(entries, configured, preference)?.digest).toBe(`sha256:${expected}`);
  });

  it('returns undefined for an index of attestations only', () => {
    expect(choosePlatformEntry([att])).toBeUndefined();
    expect(choosePlatformEntry([])).toBeUndefined();
  });
});

describe('parsePlatform', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
  ])('%s', (text, expected) => {
    expect(parsePlatform(text)).toEqual(expected);
  });
  it.each(['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/arm/'])('rejects %s', (text) => {
    expect(() => parsePlatform(text)).toThrow(TagstreamError);
  });
});

describe('matchesPlatform (inspect --platform)', () => {
  it('needs os and architecture, and the variant only when one is asked for', () => {
    expect(matchesPlatform(arm64, { os: 'linux', architecture: 'arm64' })).toBe(true);
    expect(matchesPlatform(arm64, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true);
    expect(matchesPlatform(arm64, { os: 'linux', architecture: 'arm64', variant: 'v7' })).toBe(false);
    expect(matchesPlatform(win, { os: 'linux', architecture: 'amd64' })).toBe(false);
    expect(matchesPlatform(e('none', undefined), { os: 'linux', architecture: 'amd64' })).toBe(false);
  });
});
