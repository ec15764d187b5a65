import { describe, expect, it } from 'vitest';
import { parseDaemonSettings, type DaemonFlags } from '../../../src/config/daemon-settings.js';

const files: Record<string, string> = {
  '/s/token': 'tok-from-file\n',
  '/s/secret': 'webhook-secret-file\n',
  '/s/empty': '',
  '/s/config.yaml': 'repoUrl: https://git.example/o/r.git\ndataDir: /var/lib/tagstream\nlisten: "0.0.0.0:9090"\npollInterval: 2m\n',
  '/s/bad.yaml': 'webhookSecret: x\n',
  '/s/bad-type.yaml': 'remote: [a]\nnope: 1\n',
  '/s/bad-order.yaml': 'nope: 1\nremote: [a]\n',
  '/s/deadlines.yaml': 'registryTimeout: 45s\nrunTimeout: 5m\n',
};
const readFile = (p: string): string => {
  const v = files[p];
  if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return v;
};
const parse = (flags: DaemonFlags, env: Record<string, string> = {}) => parseDaemonSettings({ flags, env, readFile });
const base = { repoUrl: 'https://git.example/o/r.git', dataDir: '/data' };

describe('parseDaemonSettings', () => {
  it('defaults', () => {
    const s = parse(base);
    expect(s).toMatchObject({ repoUrl: base.repoUrl, dataDir: '/data', remote: 'origin', listen: { host: '127.0.0.1', port: 8080 }, debounce: 500, gracePeriod: 30_000, logLevel: 'info', scheduledInterval: undefined, pollInterval: undefined, webhookSecret: undefined, gitCredentials: undefined });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.listen)).toBe(true);
  });

  it('flags win over environment, environment over the config file', () => {
    const env = { TAGSTREAM_LISTEN: '127.0.0.1:7000', TAGSTREAM_POLL_INTERVAL: '30s', TAGSTREAM_BRANCH: 'env-branch' };
    const s = parse({ config: '/s/config.yaml', listen: '127.0.0.1:6000' }, env);
    expect(s.listen).toEqual({ host: '127.0.0.1', port: 6000 });
    expect(s.pollInterval).toBe(30_000);
    expect(s.branch).toBe('env-branch');
    expect(s.dataDir).toBe('/var/lib/tagstream');
    expect(parse({ config: '/s/config.yaml' }).pollInterval).toBe(120_000);
  });

  it.each<[string, DaemonFlags, Record<string, string>, RegExp]>([
    ['no repository', {}, {}, /expected --repo-url URL with --data-dir DIR, or --repo DIR/],
    ['both sources', { ...base, repo: '/r' }, {}, /either --repo-url .* or --repo/],
    ['url without data dir', { repoUrl: 'https://g/r.git' }, {}, /--repo-url needs --data-dir/],
    ['credentials in the url', { repoUrl: 'https://u:p@g/r.git', dataDir: '/d' }, {}, /must not contain credentials/],
    ['scheduled interval below the floor', { ...base, scheduledInterval: '2s' }, {}, /--scheduled-interval: must be at least 1m, got 2s \(set TAGSTREAM_ALLOW_SHORT_INTERVALS=1/],
    ['poll interval below the floor (env)', base, { TAGSTREAM_POLL_INTERVAL: '5s' }, /TAGSTREAM_POLL_INTERVAL: must be at least 10s/],
    ['not a duration', { ...base, debounce: 'soon' }, {}, /--debounce: expected a duration/],
    ['bad listen', { ...base, listen: 'localhost' }, {}, /--listen: expected HOST:PORT/],
    ['port out of range', { ...base, listen: '127.0.0.1:70000' }, {}, /expected HOST:PORT/],
    ['bad log level', { ...base, logLevel: 'loud' }, {}, /log level must be one of debug, info, warn, error/],
    ['missing secret file', { ...base, webhookSecretFile: '/s/missing' }, {}, /--webhook-secret-file \/s\/missing: cannot read the file \(ENOENT\)/],
    ['empty secret file', { ...base, gitTokenFile: '/s/empty' }, {}, /the file is empty/],
    ['password without user', base, { TAGSTREAM_GIT_PASSWORD: 'pw' }, /needs TAGSTREAM_GIT_USERNAME/],
    ['secret in the config file', { ...base, config: '/s/bad.yaml' }, {}, /webhookSecret: unknown setting/],
    ['a list in the config file (first problem in file order)', { ...base, config: '/s/bad-type.yaml' }, {}, /^\/s\/bad-type\.yaml: remote: expected a string \(\/s\/bad-type\.yaml\)$/],
    ['an unknown key before a bad value', { ...base, config: '/s/bad-order.yaml' }, {}, /^\/s\/bad-order\.yaml: nope: unknown setting; known keys are apiUrl, /],
  ])('refuses %s', (_name, flags, env, message) => {
    expect(() => parse(flags, env)).toThrow(message);
  });

  it('serve reads TAGSTREAM_GIT_TOKEN_FILE like the CLI (#12.10)', () => {
    expect(parse(base, { TAGSTREAM_GIT_TOKEN_FILE: '/s/token' }).gitCredentials).toEqual({ token: 'tok-from-file' });
    expect(parse(base, { TAGSTREAM_GIT_TOKEN_FILE: '/s/token', TAGSTREAM_GIT_TOKEN: 'env-token' }).gitCredentials).toEqual({ token: 'tok-from-file' });
    expect(parse({ ...base, gitTokenFile: '/s/token' }, { TAGSTREAM_GIT_TOKEN_FILE: '/s/empty' }).gitCredentials).toEqual({ token: 'tok-from-file' });
    expect(() => parse(base, { TAGSTREAM_GIT_TOKEN_FILE: '/s/missing' })).toThrow(/TAGSTREAM_GIT_TOKEN_FILE \/s\/missing: cannot read the file \(ENOENT\)/);
  });

  it('registry deadlines (#12.5): --registry-timeout / --run-timeout win over the environment, which wins over the config file', () => {
    expect(parse(base).registryDeadlines).toEqual({ requestTimeoutMs: 60_000, runTimeoutMs: 900_000 });
    expect(parse({ ...base, config: '/s/deadlines.yaml' }).registryDeadlines).toEqual({ requestTimeoutMs: 45_000, runTimeoutMs: 300_000 });
    const env = { TAGSTREAM_REGISTRY_TIMEOUT: '20s', TAGSTREAM_RUN_TIMEOUT: '2m' };
    expect(parse({ ...base, config: '/s/deadlines.yaml' }, env).registryDeadlines).toEqual({ requestTimeoutMs: 20_000, runTimeoutMs: 120_000 });
    expect(parse({ ...base, config: '/s/deadlines.yaml', registryTimeout: '1s', runTimeout: '90s' }, env).registryDeadlines).toEqual({ requestTimeoutMs: 1_000, runTimeoutMs: 90_000 });
    expect(Object.isFrozen(parse(base).registryDeadlines)).toBe(true);
  });

  it.each<[DaemonFlags, Record<string, string>, string]>([
    [{ ...base, registryTimeout: 'soon' }, {}, '--registry-timeout: expected a positive duration such as 60s or 15m, got "soon"'],
    [{ ...base, runTimeout: '0s' }, {}, '--run-timeout: expected a positive duration such as 60s or 15m, got "0s"'],
    [base, { TAGSTREAM_REGISTRY_TIMEOUT: 'soon' }, 'TAGSTREAM_REGISTRY_TIMEOUT: expected a positive duration such as 60s or 15m, got "soon"'],
  ])('refuses a malformed registry deadline, naming its source: %j %j', (flags, env, message) => {
    expect(() => parse(flags, env)).toThrow(message);
  });

  it('allows short intervals only with TAGSTREAM_ALLOW_SHORT_INTERVALS=1', () => {
    const s = parse({ ...base, scheduledInterval: '2s', pollInterval: '1s' }, { TAGSTREAM_ALLOW_SHORT_INTERVALS: '1' });
    expect(s.scheduledInterval).toBe(2000);
    expect(s.pollInterval).toBe(1000);
  });

  it('reads secrets from files (flags) or the environment, never from plain flags', () => {
    expect(parse({ ...base, webhookSecretFile: '/s/secret', gitTokenFile: '/s/token' })).toMatchObject({ webhookSecret: 'webhook-secret-file', gitCredentials: { token: 'tok-from-file' } });
    expect(parse(base, { TAGSTREAM_WEBHOOK_SECRET: 'env-secret', TAGSTREAM_GIT_TOKEN: 'env-token' })).toMatchObject({ webhookSecret: 'env-secret', gitCredentials: { token: 'env-token' } });
    expect(parse(base, { TAGSTREAM_GIT_USERNAME: 'bot', TAGSTREAM_GIT_PASSWORD: 'pw' }).gitCredentials).toEqual({ username: 'bot', password: 'pw' });
    expect(parse({ ...base, webhookSecret: 'on-the-command-line' }).webhookSecret).toBeUndefined();
  });

  it.each([
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    [':9000', { host: '0.0.0.0', port: 9000 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ])('listen %s', (listen, expected) => {
    expect(parse({ ...base, listen }).listen).toEqual(expected);
  });
});
