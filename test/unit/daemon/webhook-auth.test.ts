import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/daemon/backoff.js';
import { createHmac } from 'node:crypto';
import { bearerMatches, gitWebhookAuthorized, hmacMatches, secretEquals } from '../../../src/daemon/webhook-auth.js';
import { gitRef } from '../../../src/daemon/http-server.js';

describe('bearerMatches', () => {
  it.each<[string | undefined, boolean]>([
    ['Bearer s3cret-value', true],
    ['bearer s3cret-value', true],
    ['Bearer   s3cret-value  ', true],
    ['Bearer s3cret-valuE', false],
    ['Bearer s3cret-value2', false],
    ['Bearer s3cret', false],
    ['Basic s3cret-value', false],
    ['s3cret-value', false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ])('%j -> %s', (header, ok) => {
    expect(bearerMatches(header, 's3cret-value')).toBe(ok);
  });
});

describe('backoffDelay', () => {
  const policy = { initialMs: 1000, maxMs: 30_000 };
  it.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [100, 30_000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(backoffDelay(failures, policy)).toBe(ms);
  });
});

describe('hmacMatches (GitHub X-Hub-Signature-256, Gitea X-Gitea-Signature)', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  const good = createHmac('sha256', 'k3y').update(body).digest('hex');
  it.each<[string | undefined, boolean]>([
    [`sha256=${good}`, true],
    [good, true],
    [`SHA256=${good.toUpperCase()}`, true],
    [`sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`, false],
    [`sha1=${good}`, false],
    [`sha256=${good.slice(0, 63)}`, false],
    ['sha256=zz', false],
    [undefined, false],
  ])('%s -> %s', (sig, ok) => {
    expect(hmacMatches(sig, body, 'k3y')).toBe(ok);
  });
  it('a signature of another body fails', () => {
    expect(hmacMatches(`sha256=${good}`, Buffer.from('{}'), 'k3y')).toBe(false);
  });
});

describe('gitWebhookAuthorized', () => {
  const body = Buffer.from('{}');
  const sig = createHmac('sha256', 'k3y').update(body).digest('hex');
  it.each<[string, Record<string, string>, boolean]>([
    ['bearer', { authorization: 'Bearer k3y' }, true],
    ['GitHub', { 'x-hub-signature-256': `sha256=${sig}` }, true],
    ['Gitea', { 'x-gitea-signature': sig }, true],
    ['GitLab', { 'x-gitlab-token': 'k3y' }, true],
    ['Bitbucket', { 'x-hub-signature': `sha256=${sig}` }, true],
    ['Bitbucket SHA-1 form', { 'x-hub-signature': `sha1=${sig.slice(0, 40)}` }, false],
    ['GitLab wrong token', { 'x-gitlab-token': 'k3y ' }, false],
    ['wrong bearer', { authorization: 'Bearer nope' }, false],
    ['nothing', {}, false],
  ])('%s', (_name, headers, ok) => {
    expect(gitWebhookAuthorized(headers, body, 'k3y')).toBe(ok);
  });
  it('secretEquals', () => {
    expect(secretEquals('a', 'a')).toBe(true);
    expect(secretEquals('a', 'ab')).toBe(false);
  });
});

describe('gitRef (what each host sends as the pushed branch)', () => {
  it.each<[string, unknown, string | undefined]>([
    ['GitHub / GitLab / Gitea', { ref: 'refs/heads/main', before: 'a', after: 'b' }, 'refs/heads/main'],
    ['Bitbucket Data Center', { eventKey: 'repo:refs_changed', changes: [{ ref: { id: 'refs/heads/main', displayId: 'main', type: 'BRANCH' } }] }, 'refs/heads/main'],
    ['Bitbucket Cloud', { push: { changes: [{ new: { type: 'branch', name: 'main' } }] } }, 'refs/heads/main'],
    ['Bitbucket Cloud tag', { push: { changes: [{ new: { type: 'tag', name: 'v1' } }] } }, undefined],
    ['not a push', { zen: 'hi' }, undefined],
  ])('%s', (_name, payload, ref) => {
    expect(gitRef(Buffer.from(JSON.stringify(payload)))).toBe(ref);
  });
});
