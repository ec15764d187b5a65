import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugOutput, pullSecretFiles, registryIdentities, sshSettings } from '../../../src/config/environment.js';
import { dockerConfigCredentials } from '../../../src/adapters/registry/credentials/docker-credentials.js';
import { cloudCredentials, cloudIdentityOf } from '../../../src/adapters/registry/credentials/cloud-identity.js';
import { sshCommand } from '../../../src/adapters/git/ssh-transport.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const noHelper = (): Promise<string> => Promise.reject(new Error('no helper'));

describe('the TAGSTREAM_* variables adapters need, read once (config/environment.ts)', () => {
  it('TAGSTREAM_PULL_SECRETS: a PATH-style list of files, empty entries dropped', () => {
    expect(pullSecretFiles({})).toEqual([]);
    expect(pullSecretFiles({ TAGSTREAM_PULL_SECRETS: '' })).toEqual([]);
    expect(pullSecretFiles({ TAGSTREAM_PULL_SECRETS: '/s/a.yaml::/s/b.json: ' })).toEqual(['/s/a.yaml', '/s/b.json']);
  });

  it('takes pull secret files from TAGSTREAM_PULL_SECRETS (PATH-style list) into the docker credentials', async () => {
    // moved from test/unit/adapters/registry/credentials/docker-credentials.test.ts: the adapter takes the list, config reads it
    const dir = await mkdtemp(join(tmpdir(), 'tagstream-env-'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const dockercfg = (registry: string, auth: string) =>
      JSON.stringify({ kind: 'Secret', type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ [registry]: { auth: b64(auth) } })) } });
    await writeFile(a, dockercfg('quay.io', 'robot:tok'));
    await writeFile(b, dockercfg('ghcr.io', 'gh:pat'));
    const source = dockerConfigCredentials({ env: {}, files: [], secretFiles: pullSecretFiles({ TAGSTREAM_PULL_SECRETS: `${a}:${b}` }), runHelper: noHelper });
    expect(await source('quay.io', 'org/app')).toEqual({ username: 'robot', password: 'tok' });
    expect(await source('ghcr.io', 'org/app')).toEqual({ username: 'gh', password: 'pat' });
    expect(await source('docker.io', 'library/busybox')).toBeUndefined();
    // the adapter itself no longer reads the variable
    const ignoring = dockerConfigCredentials({ env: { TAGSTREAM_PULL_SECRETS: a }, files: [], runHelper: noHelper });
    expect(await ignoring('quay.io', 'org/app')).toBeUndefined();
  });

  it('TAGSTREAM_REGISTRY_IDENTITIES: hosts lower-cased, one identity each; a malformed entry names the variable', () => {
    const ids = registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: ' Proxy.Example:5000=ecr:us-east-1, gcp.internal=gcp,acr.internal=acr ' });
    expect([...ids]).toEqual([
      ['proxy.example:5000', { provider: 'ecr', region: 'us-east-1' }],
      ['gcp.internal', { provider: 'gcp', region: undefined }],
      ['acr.internal', { provider: 'acr', region: undefined }],
    ]);
    expect(cloudIdentityOf('proxy.example:5000', ids)).toEqual({ provider: 'ecr', region: 'us-east-1' });
    expect(registryIdentities({}).size).toBe(0);
    expect(() => registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: 'host=docker' })).toThrow('TAGSTREAM_REGISTRY_IDENTITIES: expected host=ecr:REGION, host=gcp or host=acr, got "host=docker"');
    expect(() => registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: 'host=ecr' })).toThrow('TAGSTREAM_REGISTRY_IDENTITIES: host=ecr needs a region (ecr:us-east-1)');
  });

  it('the cloud credentials take the identities as an option, not from their env', async () => {
    const asked: string[] = [];
    const fetchers = { gcp: async (host: string) => (asked.push(host), { value: { username: 'oauth2accesstoken', password: 't' }, expiresAt: Date.now() + 3_600_000 }) };
    const configured = cloudCredentials({ env: {}, identities: registryIdentities({ TAGSTREAM_REGISTRY_IDENTITIES: 'mirror.internal=gcp' }), fetchers });
    expect(await configured('mirror.internal', 'team/app')).toEqual({ username: 'oauth2accesstoken', password: 't' });
    const fromEnvOnly = cloudCredentials({ env: { TAGSTREAM_REGISTRY_IDENTITIES: 'mirror.internal=gcp' }, fetchers });
    expect(await fromEnvOnly('mirror.internal', 'team/app')).toBeUndefined();
    expect(asked).toEqual(['mirror.internal']);
  });

  it('reads the key and known_hosts files from the environment, defaulting to ~/.ssh/known_hosts', () => {
    // moved from test/unit/adapters/git/ssh-transport.test.ts (sshSettingsFromEnv is now config's sshSettings)
    expect(sshSettings({ HOME: '/home/u' })).toEqual({ keyFile: undefined, knownHostsFile: '/home/u/.ssh/known_hosts' });
    expect(sshSettings({ HOME: '/home/u', TAGSTREAM_GIT_SSH_KEY_FILE: '/s/id', TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: '/s/kh' })).toEqual({ keyFile: '/s/id', knownHostsFile: '/s/kh' });
    expect(sshCommand(sshSettings({ HOME: '/home/u', TAGSTREAM_GIT_SSH_KEY_FILE: '' }))).not.toMatch(/-i /);
  });

  it('TAGSTREAM_DEBUG: set and not empty', () => {
    expect(debugOutput({})).toBe(false);
    expect(debugOutput({ TAGSTREAM_DEBUG: '' })).toBe(false);
    expect(debugOutput({ TAGSTREAM_DEBUG: '1' })).toBe(true);
  });
});
