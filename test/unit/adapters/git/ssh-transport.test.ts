import { describe, expect, it } from 'vitest';
import { isSshUrl, sshCommand, sshHost } from '../../../../src/adapters/git/ssh-transport.js';

describe('SSH remotes', () => {
  it.each([
    ['git@github.com:org/repo.git', true, 'github.com'],
    ['gitlab.example.com:group/sub/repo.git', true, 'gitlab.example.com'],
    ['ssh://git@gitea.example.com:2222/org/repo.git', true, 'gitea.example.com'],
    ['git+ssh://git@host/org/repo', true, 'host'],
    ['https://github.com/org/repo.git', false, undefined],
    ['http://127.0.0.1:8080/repo.git', false, undefined],
    ['/srv/git/repo.git', false, undefined],
    ['./relative/repo', false, undefined],
    ['C:\\repos\\app', false, undefined],
  ])('%s -> ssh %s, host %s', (url, ssh, host) => {
    expect(isSshUrl(url)).toBe(ssh);
    expect(sshHost(url)).toBe(host);
  });

  it('always checks host keys against one file and uses only the given key', () => {
    const cmd = sshCommand({ keyFile: "/keys/it's", knownHostsFile: '/k/known hosts' });
    expect(cmd).toContain('StrictHostKeyChecking=yes');
    expect(cmd).toContain('BatchMode=yes');
    expect(cmd).toContain(`UserKnownHostsFile='/k/known hosts'`);
    expect(cmd).toContain(`-i '/keys/it'\\''s' -o IdentitiesOnly=yes`);
    // Without a key file the agent is used: no -i, no IdentitiesOnly.
    expect(sshCommand({ knownHostsFile: '/k' })).not.toMatch(/-i |IdentitiesOnly/);
  });
});
