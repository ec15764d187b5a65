import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGitCredentials } from '../../../src/config/git-credentials.js';
import { parseDaemonSettings } from '../../../src/config/daemon-settings.js';
import { gitCredentialsFromEnv } from '../../../src/cli/commands/reconcile.js';

const dir = mkdtempSync(join(tmpdir(), 'tagstream-git-credentials-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, '  tok-from-file\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
};

describe('readGitCredentials: the one reader of git push credentials', () => {
  it.each<[string, Record<string, string>, unknown]>([
    ['nothing', {}, undefined],
    ['a token', { TAGSTREAM_GIT_TOKEN: 't' }, { token: 't' }],
    ['a token with a user', { TAGSTREAM_GIT_TOKEN: 't', TAGSTREAM_GIT_USERNAME: 'bot' }, { token: 't', username: 'bot' }],
    ['a token file (wins over the variable)', { TAGSTREAM_GIT_TOKEN_FILE: tokenFile, TAGSTREAM_GIT_TOKEN: 't' }, { token: 'tok-from-file' }],
    ['user and password', { TAGSTREAM_GIT_USERNAME: 'bot', TAGSTREAM_GIT_PASSWORD: 'pw' }, { username: 'bot', password: 'pw' }],
  ])('%s: the CLI and serve read the same credentials', (_name, env, expected) => {
    const direct = readGitCredentials({ env, readFile: (p) => (p === tokenFile ? '  tok-from-file\n' : noFiles(p)) });
    expect(direct).toEqual(expected);
    expect(gitCredentialsFromEnv(env)).toEqual(expected);
    const daemon = parseDaemonSettings({ flags: { repo: dir }, env, readFile: (p) => (p === tokenFile ? '  tok-from-file\n' : noFiles(p)) });
    expect(daemon.gitCredentials).toEqual(expected);
  });

  it('names the source of an unreadable or empty file, never its content', () => {
    expect(() => readGitCredentials({ env: { TAGSTREAM_GIT_TOKEN_FILE: '/nope' }, readFile: noFiles })).toThrow('TAGSTREAM_GIT_TOKEN_FILE /nope: cannot read the file (ENOENT)');
    expect(() => readGitCredentials({ env: {}, tokenFile: '/e', readFile: () => '\n' })).toThrow('--git-token-file /e: the file is empty');
    expect(() => readGitCredentials({ env: { TAGSTREAM_GIT_PASSWORD: 'pw' }, readFile: noFiles })).toThrow(/needs TAGSTREAM_GIT_USERNAME/);
  });
});
