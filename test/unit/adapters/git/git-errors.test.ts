import git from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { toGitError } from '../../../../src/adapters/git/git-errors.js';
import { TagstreamError } from '../../../../src/errors.js';

const { Errors } = git;
const ctx = { operation: 'push main to origin', remoteUrl: 'https://user:Pa55-word@git.example.com/app.git' };
const pushResult = (error: string) => ({ ok: true, error: null, refs: { 'refs/heads/main': { ok: false, error } } });
const sysError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('toGitError', () => {
  it.each([
    ['client-side non-fast-forward', new Errors.PushRejectedError('not-fast-forward'), 'PushRejected', true, /not a fast-forward/],
    ['tag exists', new Errors.PushRejectedError('tag-exists'), 'PushRejected', false, /rejected \(tag-exists\)/],
    ['server non-fast-forward', new Errors.GitPushError('x', pushResult('non-fast-forward')), 'PushRejected', true, /refs\/heads\/main: non-fast-forward/],
    ['server race', new Errors.GitPushError('x', pushResult('failed to update ref')), 'PushRejected', true, /the branch moved \(refs\/heads\/main: failed to update ref\)/],
    ['hook declined', new Errors.GitPushError('x', pushResult('pre-receive hook declined')), 'Git', false, /rejected by the server \(refs\/heads\/main: pre-receive hook declined\)/],
    ['credentials refused', new Errors.UserCanceledError(), 'Git', false, /authentication failed/],
    ['401', new Errors.HttpError(401, 'Unauthorized', ''), 'Git', false, /authentication required \(HTTP 401\)/],
    ['403', new Errors.HttpError(403, 'Forbidden', ''), 'Git', false, /access denied \(HTTP 403\)/],
    ['404', new Errors.HttpError(404, 'Not Found', ''), 'Git', false, /repository not found/],
    ['503', new Errors.HttpError(503, 'Service Unavailable', ''), 'Git', true, /HTTP 503 Service Unavailable/],
    ['connection refused', sysError('ECONNREFUSED'), 'Git', true, /ECONNREFUSED/],
    ['disk full', sysError('ENOSPC'), 'Git', false, /ENOSPC/],
    ['anything else', new Error('boom'), 'Git', false, /: boom$/],
  ])('%s', (_name, error, code, retryable, pattern) => {
    const e = toGitError(error, ctx);
    expect(e).toBeInstanceOf(TagstreamError);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.message).toMatch(pattern);
    expect(e.message.startsWith('push main to origin (https://***@git.example.com/app.git): ')).toBe(true);
    expect(e.message).not.toContain('Pa55-word');
  });

  it('says the credentials were refused when onAuthFailure fired, whatever was thrown after', () => {
    const e = toGitError(new Errors.HttpError(401, 'Unauthorized', ''), { operation: 'clone', credentialsRejected: true });
    expect(e.message).toBe('clone: authentication failed, the server refused the credentials');
  });

  it('passes TagstreamErrors through', () => {
    const original = new TagstreamError('Config', 'x');
    expect(toGitError(original, ctx)).toBe(original);
  });
});
