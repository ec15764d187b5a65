import { describe, expect, it } from 'vitest';
import { ageOf, dockerHumanDuration, kubeHumanDuration, shortHumanDuration } from '../../../../src/cli/render/human-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('dockerHumanDuration (docker/go-units, oc describe and oc get is/istag)', () => {
  it.each([
    [500, 'Less than a second'],
    [1 * S, '1 second'],
    [59 * S, '59 seconds'],
    [60 * S, 'About a minute'],
    [119 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'],
    [90 * M, '2 hours'],
    [47 * H, '47 hours'],
    [48 * H, '2 days'],
    [13 * D, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D, '8 weeks'],
    [60 * D, '2 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
  ])('%d ms -> %s', (ms, want) => {
    expect(dockerHumanDuration(ms)).toBe(want);
  });
});

describe('kubeHumanDuration (apimachinery duration.HumanDuration)', () => {
  it.each([
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [3 * M + 20 * S, '3m20s'],
    [5 * M, '5m'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D + 4 * H, '2d4h'],
    [3 * D, '3d'],
    [45 * D, '45d'],
    [2 * 365 * D, '2y'],
    [2 * 365 * D + 30 * D, '2y30d'],
    [9 * 365 * D, '9y'],
  ])('%d ms -> %s', (ms, want) => {
    expect(kubeHumanDuration(ms)).toBe(want);
  });
});

describe('shortHumanDuration (apimachinery, oc image info)', () => {
  it.each([
    [-5 * S, '<invalid>'],
    [59 * S, '59s'],
    [59 * M, '59m'],
    [23 * H, '23h'],
    [45 * D, '45d'],
    [364 * D, '364d'],
    [800 * D, '2y'],
  ])('%d ms -> %s', (ms, want) => {
    expect(shortHumanDuration(ms)).toBe(want);
  });
});

describe('ageOf', () => {
  const now = new Date('2026-11-21T06:00:00Z');
  it.each([
    ['2026-11-21T05:00:00Z', H],
    ['not a time', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%s', (ts, want) => {
    expect(ageOf(ts, now)).toBe(want);
  });
});
