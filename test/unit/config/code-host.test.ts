import { describe, expect, it } from 'vitest';
import { parseRemoteUrl, resolveCodeHost } from '../../../src/config/code-host.js';
import { UsageError } from '../../../src/errors.js';

describe('resolveCodeHost', () => {
  it.each([
    ['https://github.com/octo/gitops.git', undefined, undefined, { provider: 'github', apiUrl: 'https://api.github.com', repository: 'octo/gitops' }],
    ['git@github.com:octo/gitops.git', undefined, undefined, { provider: 'github', apiUrl: 'https://api.github.com', repository: 'octo/gitops' }],
    ['git@gitlab.com:group/sub/app.git', undefined, undefined, { provider: 'gitlab', apiUrl: 'https://gitlab.com/api/v4', repository: 'group/sub/app' }],
    ['https://codeberg.org/me/ops', undefined, undefined, { provider: 'gitea', apiUrl: 'https://codeberg.org/api/v1', repository: 'me/ops' }],
    ['ssh://git@git.example.com:2222/org/ops.git', 'gitea', undefined, { provider: 'gitea', apiUrl: 'https://git.example.com/api/v1', repository: 'org/ops' }],
    ['https://gl.example.com:8443/org/ops.git', 'gitlab', undefined, { provider: 'gitlab', apiUrl: 'https://gl.example.com:8443/api/v4', repository: 'org/ops' }],
    ['https://ghe.example.com/org/ops.git', 'github', undefined, { provider: 'github', apiUrl: 'https://ghe.example.com/api/v3', repository: 'org/ops' }],
    ['http://127.0.0.1:3000/org/ops.git', 'gitea', 'http://127.0.0.1:3000/api/v1/', { provider: 'gitea', apiUrl: 'http://127.0.0.1:3000/api/v1', repository: 'org/ops' }],
  ])('%s (%s)', (remoteUrl, provider, apiUrl, expected) => {
    expect(resolveCodeHost({ remoteUrl, provider, apiUrl })).toEqual(expected);
  });

  it('asks for the provider of a host it does not know, and rejects an unknown provider', () => {
    expect(() => resolveCodeHost({ remoteUrl: 'https://git.example.com/org/ops.git' })).toThrow(/not a well-known Git host; set --provider github\|gitlab\|gitea/);
    expect(() => resolveCodeHost({ remoteUrl: 'https://git.example.com/org/ops.git', provider: 'bitbucket' })).toThrow(UsageError);
    expect(() => resolveCodeHost({ remoteUrl: '/srv/repo.git' })).toThrow(/cannot tell the repository/);
  });

  it('never keeps userinfo from the remote URL', () => {
    expect(parseRemoteUrl('https://oauth2:secret@gitlab.com/g/p.git')).toEqual({ host: 'gitlab.com', origin: 'https://gitlab.com', path: 'g/p' });
  });
});
