import { describe, expect, it } from 'vitest';
import { authCallbacks, splitCredentialedUrl } from '../../../../src/adapters/git/git-auth.js';
import { repoPath } from '../../../../src/adapters/git/git-context.js';
import { isBranchName } from '../../../../src/adapters/git/isomorphic-git-repository.js';

describe('splitCredentialedUrl', () => {
  it.each([
    ['https://github.com/o/r.git', 'https://github.com/o/r.git', undefined],
    ['https://u:p%40ss@github.com/o/r.git', 'https://github.com/o/r.git', { username: 'u', password: 'p@ss' }],
    ['https://ghp_token123@github.com/o/r.git', 'https://github.com/o/r.git', { token: 'ghp_token123' }],
    ['http://u:p@127.0.0.1:8080/app.git', 'http://127.0.0.1:8080/app.git', { username: 'u', password: 'p' }],
    ['/local/path/repo.git', '/local/path/repo.git', undefined],
  ])('%s', (input, url, credentials) => {
    expect(splitCredentialedUrl(input)).toEqual({ url, credentials });
  });
});

describe('authCallbacks', () => {
  it.each([
    [{ username: 'u', password: 'p' }, { username: 'u', password: 'p' }],
    [{ token: 't0k' }, { username: 'x-access-token', password: 't0k' }],
    [{ token: 't0k', username: 'oauth2' }, { username: 'oauth2', password: 't0k' }],
  ])('offers %j as %j and cancels on refusal', async (credentials, offered) => {
    const cb = authCallbacks(credentials);
    expect(await cb.onAuth?.('https://h/r.git', {})).toEqual(offered);
    expect(cb.rejected()).toBe(false);
    expect(await cb.onAuthFailure?.('https://h/r.git', {})).toEqual({ cancel: true });
    expect(cb.rejected()).toBe(true);
  });

  it('installs no callbacks without credentials', () => {
    const cb = authCallbacks(undefined);
    expect(cb.onAuth).toBeUndefined();
    expect(cb.onAuthFailure).toBeUndefined();
  });
});

describe('repoPath', () => {
  it.each([
    ['a/b.yaml', 'a/b.yaml'],
    ['./a/b.yaml', 'a/b.yaml'],
    ['a\\b.yaml', 'a/b.yaml'],
  ])('accepts %s', (input, expected) => expect(repoPath(input)).toBe(expected));

  it.each(['', '/etc/passwd', '../x', 'a/../../x', 'a//b', '.git/config', 'a/./b'])('rejects %j', (input) => {
    expect(() => repoPath(input)).toThrow(/expected a repo-relative file path/);
  });
});

describe('isBranchName', () => {
  it.each(['main', 'tagstream/update-web', 'release-1.2', 'a_b'])('accepts %s', (n) => expect(isBranchName(n)).toBe(true));
  it.each(['', 'refs/heads/x', '-x', 'x/', 'x.lock', 'a..b', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', 'a@{1}', '@', 'a/.b', '.a', 'a\u0001'])(
    'rejects %j',
    (n) => expect(isBranchName(n)).toBe(false),
  );
});
