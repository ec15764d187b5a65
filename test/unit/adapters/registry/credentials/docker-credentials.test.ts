import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER_HUB_KEY,
  dockerConfigCredentials,
  lookupOrder,
  normalizeAuthKey,
  parseDockerConfig,
  parsePullSecret,
} from '../../../../../src/adapters/registry/credentials/docker-credentials.js';
import { TagstreamError } from '../../../../../src/errors.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const config = (auths: Record<string, unknown>, extra: Record<string, unknown> = {}): string => JSON.stringify({ auths, ...extra });

function thrown(fn: () => unknown): TagstreamError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TagstreamError);
    return e as TagstreamError;
  }
  throw new Error('expected a throw');
}

async function rejected(p: Promise<unknown>): Promise<TagstreamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TagstreamError);
    return e as TagstreamError;
  }
  throw new Error('expected a rejection');
}

describe('parseDockerConfig', () => {
  it.each([
    ['auth user:password', { auth: b64('alice:pw') }, { username: 'alice', password: 'pw' }],
    ['splits on the first colon only', { auth: b64('alice:p:w:x') }, { username: 'alice', password: 'p:w:x' }],
    ['trims trailing NULs', { auth: b64('alice:pw\0\0') }, { username: 'alice', password: 'pw' }],
    ['empty password', { auth: b64('alice:') }, { username: 'alice', password: '' }],
    ['username/password fields', { username: 'bob', password: 'pw2' }, { username: 'bob', password: 'pw2' }],
    ['auth wins over fields', { auth: b64('alice:pw'), username: 'bob', password: 'x' }, { username: 'alice', password: 'pw' }],
    ['identity token', { identitytoken: 'refresh-1' }, { identityToken: 'refresh-1' }],
    ['registry token', { registrytoken: 'bearer-1' }, { registryToken: 'bearer-1' }],
    ['empty entry (helper holds it)', {}, {}],
    ['empty strings mean unset', { auth: '', username: '', password: '', identitytoken: '' }, {}],
    ['email is ignored', { auth: b64('u:p'), email: 'u@example.com' }, { username: 'u', password: 'p' }],
  ])('%s', (_name, entry, expected) => {
    const parsed = parseDockerConfig(config({ 'quay.io': entry }), '/home/u/.docker/config.json');
    expect(parsed.auths.get('quay.io')).toEqual(expected);
  });

  it('reads credsStore and credHelpers', () => {
    const parsed = parseDockerConfig(config({}, { credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } }), 'c.json');
    expect(parsed.credsStore).toBe('desktop');
    expect([...parsed.credHelpers]).toEqual([['gcr.io', 'gcloud']]);
    expect(parseDockerConfig('{}', 'c.json').auths.size).toBe(0);
  });

  it.each([
    ['empty user', config({ 'quay.io': { auth: b64(':Secret-Value-1') } }), /auths\["quay\.io"\]\.auth: expected base64 of "user:password" with a non-empty user/],
    ['no colon', config({ 'quay.io': { auth: b64('Secret-Value-1') } }), /expected base64 of "user:password"/],
    ['not base64', config({ 'quay.io': { auth: 'Secret-Value-1!' } }), /auths\["quay\.io"\]\.auth: expected standard base64/],
    ['entry not an object', config({ 'quay.io': 'Secret-Value-1' }), /auths\["quay\.io"\]: expected an object/],
    ['field not a string', config({ 'quay.io': { password: 12 } }), /auths\["quay\.io"\]\.password: expected a string/],
    ['auths not an object', JSON.stringify({ auths: ['Secret-Value-1'] }), /auths: expected an object mapping registry to credentials/],
    ['not an object', '["Secret-Value-1"]', /expected a JSON object with "auths"/],
    ['credHelpers value', JSON.stringify({ credHelpers: { 'gcr.io': 3 } }), /credHelpers\["gcr\.io"\]: expected a helper suffix string/],
  ])('rejects %s naming the file and what was expected, never the secret', (_name, text, pattern) => {
    const err = thrown(() => parseDockerConfig(text, '/etc/docker/config.json'));
    expect(err.code).toBe('Config');
    expect(err.message).toMatch(pattern);
    expect(err.message).toMatch(/ \(\/etc\/docker\/config\.json(:\d+:\d+)?\)$/);
    expect(err.message).not.toContain('Secret-Value-1');
    expect(err.message).not.toContain(b64(':Secret-Value-1'));
  });

  it.each([
    ['bad auth', '{\n  "auths": {\n    "quay.io": {\n      "auth": "U2VjcmV0LVZhbHVlLTE="\n    }\n  }\n}', 'auths["quay.io"].auth: expected base64 of "user:password" with a non-empty user (c.json:4:15)'],
    ['entry type', '{"auths": {"a": {},\n "b": []}}', 'auths["b"]: expected an object with "auth", "username"/"password", "identitytoken" or "registrytoken" (c.json:2:7)'],
    ['helper', '{\n"credHelpers": {"gcr.io": ""}}', 'credHelpers["gcr.io"]: expected a helper suffix string (c.json:2:27)'],
  ])('locates a bad %s by line and column', (_name, text, message) => {
    const err = thrown(() => parseDockerConfig(text, 'c.json'));
    expect(err.message).toBe(message);
    expect(err.location).toMatchObject({ file: 'c.json' });
  });

  it('locates invalid JSON by line and column without quoting the text', () => {
    const text = '{\n  "auths": {\n    "quay.io": { "auth": "U2VjcmV0LVZhbHVlLTE=" },,\n  }\n}';
    const err = thrown(() => parseDockerConfig(text, 'config.json'));
    expect(err.message).toMatch(/^docker config: invalid JSON, expected an object with "auths" \(config\.json:3:\d+\)$/);
    expect(err.message).not.toContain('U2VjcmV0');
  });
});

const SECRET_YAML = (type: string, key: string, payload: string, field = 'data'): string => `apiVersion: v1
kind: Secret
metadata:
  name: pull
type: ${type}
${field}:
  ${key}: ${payload}
`;

describe('parsePullSecret', () => {
  const inner = config({ 'quay.io': { auth: b64('robot:tok') }, 'https://index.docker.io/v1/': { auth: b64('hub:pw') } });

  it.each([
    ['dockerconfigjson, base64 data (YAML)', SECRET_YAML('kubernetes.io/dockerconfigjson', '.dockerconfigjson', b64(inner))],
    ['dockerconfigjson, stringData (YAML)', SECRET_YAML('kubernetes.io/dockerconfigjson', '.dockerconfigjson', `'${inner}'`, 'stringData')],
    ['dockercfg, bare auths map', SECRET_YAML('kubernetes.io/dockercfg', '.dockercfg', b64(JSON.stringify({ 'quay.io': { auth: b64('robot:tok') }, 'https://index.docker.io/v1/': { auth: b64('hub:pw') } })))],
    ['JSON Secret', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(inner) } })],
    ['second YAML document', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${SECRET_YAML('kubernetes.io/dockerconfigjson', '.dockerconfigjson', b64(inner))}`],
  ])('%s', (_name, text) => {
    const parsed = parsePullSecret(text, 'secret.yaml');
    expect(parsed.auths.get('quay.io')).toEqual({ username: 'robot', password: 'tok' });
    expect(parsed.auths.get(DOCKER_HUB_KEY)).toEqual({ username: 'hub', password: 'pw' });
  });

  it('prefers stringData over data, as the API server merges them', () => {
    const text = `kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '${config({ 'quay.io': { auth: b64('new:1') } })}'\ndata:\n  .dockerconfigjson: ${b64(config({ 'quay.io': { auth: b64('old:1') } }))}\n`;
    expect(parsePullSecret(text, 's.yaml').auths.get('quay.io')).toEqual({ username: 'new', password: '1' });
  });

  it.each([
    ['wrong type', SECRET_YAML('Opaque', '.dockerconfigjson', 'abc'), /^type: expected kubernetes\.io\/dockerconfigjson or kubernetes\.io\/dockercfg, got "Opaque" \(s\.yaml:5:7\)$/],
    ['bad base64', SECRET_YAML('kubernetes.io/dockerconfigjson', '.dockerconfigjson', 'Secret-Value-1!'), /^data\["\.dockerconfigjson"\]: expected standard base64 \(s\.yaml:7:22\)$/],
    ['missing key', SECRET_YAML('kubernetes.io/dockerconfigjson', '.other', 'abc'), /data\["\.dockerconfigjson"\]: missing/],
    ['invalid YAML', 'kind: Secret\ndata: [Secret-Value-1\n', /^pull secret: invalid YAML\/JSON \([A-Z_]+\) \(s\.yaml:\d+:\d+\)$/],
    ['no Secret', 'kind: ConfigMap\n', /expected a Secret of type/],
    ['bad inner config', SECRET_YAML('kubernetes.io/dockerconfigjson', '.dockerconfigjson', b64(config({ 'quay.io': { auth: b64(':Secret-Value-1') } }))), /auths\["quay\.io"\]\.auth: expected base64.*\(s\.yaml: data\["\.dockerconfigjson"\]\)/],
  ])('rejects %s with a location and no secret', (_name, text, pattern) => {
    const err = thrown(() => parsePullSecret(text, 's.yaml'));
    expect(err.code).toBe('Config');
    expect(err.message).toMatch(pattern);
    expect(err.message).not.toContain('Secret-Value-1');
  });
});

describe('key normalization and lookup order', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['https://registry.example.com/v2/', 'registry.example.com'],
    ['http://localhost:5000', 'localhost:5000'],
    ['Quay.IO/Org/repo/', 'quay.io/Org/repo'],
    ['quay.io/org', 'quay.io/org'],
  ])('%s -> %s', (key, expected) => expect(normalizeAuthKey(key)).toBe(expected));

  it.each([
    ['quay.io', 'org/ns/image', ['quay.io/org/ns/image', 'quay.io/org/ns', 'quay.io/org', 'quay.io']],
    ['index.docker.io', 'library/busybox', ['docker.io/library/busybox', 'docker.io/library', 'docker.io']],
    ['127.0.0.1:5000', 'app', ['127.0.0.1:5000/app', '127.0.0.1:5000']],
  ])('%s %s', (registry, repo, expected) => expect(lookupOrder(registry, repo)).toEqual(expected));
});

describe('dockerConfigCredentials', () => {
  let tmp: string;
  let n = 0;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tagstream-creds-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const file = async (name: string, text: string): Promise<string> => {
    const p = join(tmp, `${++n}-${name}`);
    await writeFile(p, text);
    return p;
  };
  const noHelper = (): Promise<string> => Promise.reject(new Error('credentials not found in native keychain'));

  it('matches Docker Hub under https://index.docker.io/v1/ for every Hub alias', async () => {
    const f = await file('config.json', config({ [DOCKER_HUB_KEY]: { auth: b64('hub:pw') } }));
    const source = dockerConfigCredentials({ env: {}, files: [f], runHelper: noHelper });
    for (const registry of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(await source(registry, 'library/busybox')).toEqual({ username: 'hub', password: 'pw' });
    }
    expect(await source('quay.io', 'x/y')).toBeUndefined();
  });

  it('tries the exact key, then keys reduced to host[:port], namespaced keys most specific first', async () => {
    const f = await file(
      'config.json',
      config({
        'https://registry.example.com/v2/': { auth: b64('reduced:1') },
        'quay.io': { auth: b64('host:1') },
        'quay.io/org': { auth: b64('org:1') },
        'quay.io/org/special': { auth: b64('repo:1') },
        'localhost:5000': { auth: b64('port:1') },
        'https://ghcr.io': { auth: b64('scheme:1') },
        'ghcr.io': { auth: b64('exact:1') },
      }),
    );
    const source = dockerConfigCredentials({ env: {}, files: [f], runHelper: noHelper });
    const user = async (r: string, p: string): Promise<string | undefined> => (await source(r, p))?.username;
    expect(await user('registry.example.com', 'team/app')).toBe('reduced');
    expect(await user('quay.io', 'org/special')).toBe('repo');
    expect(await user('quay.io', 'org/special/sub')).toBe('repo');
    expect(await user('quay.io', 'org/other')).toBe('org');
    expect(await user('quay.io', 'elsewhere/app')).toBe('host');
    expect(await user('localhost:5000', 'app')).toBe('port');
    expect(await user('localhost', 'app')).toBeUndefined();
    expect(await user('ghcr.io', 'o/app')).toBe('exact');
  });

  it('discovers $DOCKER_CONFIG, ~/.docker and REGISTRY_AUTH_FILE; DOCKER_AUTH_CONFIG takes precedence', async () => {
    const dockerConfigDir = join(tmp, `${++n}-dc`);
    const home = join(tmp, `${++n}-home`);
    await mkdir(dockerConfigDir, { recursive: true });
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(join(dockerConfigDir, 'config.json'), config({ 'a.example': { auth: b64('from-docker-config:1') } }));
    await writeFile(join(home, '.docker', 'config.json'), config({ 'a.example': { auth: b64('from-home:1') }, 'b.example': { auth: b64('home-b:1') } }));
    const authFile = await file('auth.json', config({ 'c.example': { auth: b64('from-auth-file:1') }, 'a.example': { auth: b64('auth-file-a:1') } }));
    const user = async (env: NodeJS.ProcessEnv, r: string): Promise<string | undefined> =>
      (await dockerConfigCredentials({ env, homeDir: home, runHelper: noHelper })(r, 'x'))?.username;

    expect(await user({ DOCKER_CONFIG: dockerConfigDir }, 'a.example')).toBe('from-docker-config');
    expect(await user({ DOCKER_CONFIG: dockerConfigDir }, 'b.example')).toBeUndefined();
    expect(await user({}, 'a.example')).toBe('from-home');
    expect(await user({}, 'b.example')).toBe('home-b');
    expect(await user({ REGISTRY_AUTH_FILE: authFile }, 'c.example')).toBe('from-auth-file');
    expect(await user({ REGISTRY_AUTH_FILE: authFile }, 'a.example')).toBe('from-home');
    const inline = config({ 'a.example': { auth: b64('from-env:1') } });
    expect(await user({ DOCKER_AUTH_CONFIG: inline }, 'a.example')).toBe('from-env');
    expect(await user({ DOCKER_AUTH_CONFIG: inline }, 'b.example')).toBe('home-b');
    // no files at all: anonymous
    const anonymous = dockerConfigCredentials({ env: { HOME: join(tmp, 'nowhere') }, runHelper: noHelper });
    expect(await anonymous('a.example', 'x')).toBeUndefined();
  });

  it('reads pull secrets after config files', async () => {
    const secret = await file('pull.yaml', SECRET_YAML('kubernetes.io/dockerconfigjson', '.dockerconfigjson', b64(config({ 'quay.io': { auth: b64('robot:tok') } }))));
    const source = dockerConfigCredentials({ env: {}, files: [], secretFiles: [secret], runHelper: noHelper });
    expect(await source('quay.io', 'org/app')).toEqual({ username: 'robot', password: 'tok' });
  });

  it('matches kubelet-style wildcard keys per DNS label, with the same port and label count', async () => {
    const secret = await file(
      'wild.json',
      JSON.stringify({
        kind: 'Secret',
        type: 'kubernetes.io/dockercfg',
        data: { '.dockercfg': b64(JSON.stringify({ '*.example.com': { auth: b64('wild:1') }, 'https://*.corp.test:5000/v2/': { auth: b64('port:1') }, 'exact.example.com': { auth: b64('exact:1') } })) },
      }),
    );
    const source = dockerConfigCredentials({ env: {}, files: [], secretFiles: [secret], runHelper: noHelper });
    const user = async (r: string): Promise<string | undefined> => (await source(r, 'team/app'))?.username;
    expect(await user('registry.example.com')).toBe('wild');
    expect(await user('exact.example.com')).toBe('exact');
    expect(await user('a.b.example.com')).toBeUndefined();
    expect(await user('example.com')).toBeUndefined();
    expect(await user('registry.example.com:5000')).toBeUndefined();
    expect(await user('reg.corp.test:5000')).toBe('port');
    expect(await user('reg.corp.test')).toBeUndefined();
  });

  it('fails on a missing explicit file or a malformed one, naming it', async () => {
    const missing = join(tmp, 'missing.json');
    const err = await rejected(dockerConfigCredentials({ env: {}, files: [missing] })('quay.io', 'x'));
    expect(err.message).toBe(`cannot read credentials file: not found (${missing})`);
    const bad = await file('bad.json', config({ 'quay.io': { auth: b64('Secret-Value-2') } }));
    const err2 = await rejected(dockerConfigCredentials({ env: {}, files: [bad] })('quay.io', 'x'));
    expect(err2.message).toContain(bad);
    expect(err2.message).not.toContain('Secret-Value-2');
  });

  it('asks credHelpers over credsStore with the server URL; <token> means identity token; {} entries defer to helpers', async () => {
    const calls: string[] = [];
    const runHelper = async (helper: string, serverUrl: string): Promise<string> => {
      calls.push(`${helper} ${serverUrl}`);
      if (helper === 'gcloud') return JSON.stringify({ ServerURL: serverUrl, Username: '<token>', Secret: 'refresh-9' });
      if (serverUrl === DOCKER_HUB_KEY) return JSON.stringify({ ServerURL: serverUrl, Username: 'hubuser', Secret: 'hubpw' });
      throw new Error('credentials not found in native keychain');
    };
    const f = await file('config.json', config({ 'gcr.io': {}, 'https://index.docker.io/v1/': {}, 'quay.io': { auth: b64('q:1') } }, { credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } }));
    const source = dockerConfigCredentials({ env: {}, files: [f], runHelper });
    expect(await source('gcr.io', 'proj/app')).toEqual({ identityToken: 'refresh-9' });
    expect(await source('docker.io', 'library/busybox')).toEqual({ username: 'hubuser', password: 'hubpw' });
    expect(await source('quay.io', 'o/a')).toEqual({ username: 'q', password: '1' });
    expect(await source('other.example', 'o/a')).toBeUndefined();
    expect(await source('gcr.io', 'proj/other')).toEqual({ identityToken: 'refresh-9' });
    // cached per helper and server URL; auths hits never call a helper
    expect(calls).toEqual(['gcloud gcr.io', `desktop ${DOCKER_HUB_KEY}`, 'desktop other.example']);
  });

  describe('with a real docker-credential-test executable on PATH', () => {
    let bin: string;
    beforeAll(async () => {
      bin = join(tmp, 'bin');
      await mkdir(bin, { recursive: true });
      const script = `#!/bin/sh
# docker-credential-helpers protocol: action in $1, server URL on stdin, JSON on stdout.
[ "$1" = get ] || { echo "unsupported $1" >&2; exit 2; }
read -r server
case "$server" in
  registry.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"Helper-Secret-7"}\\n' "$server" ;;
  token.example.com) printf '{"ServerURL":"%s","Username":"<token>","Secret":"id-token-8"}\\n' "$server" ;;
  broken.example.com) echo 'keychain locked: Helper-Secret-7' >&2; exit 3 ;;
  garbage.example.com) echo 'Helper-Secret-7 not json' ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`;
      await writeFile(join(bin, 'docker-credential-test'), script);
      await chmod(join(bin, 'docker-credential-test'), 0o755);
    });

    const source = async (helperConfig: Record<string, unknown>): Promise<ReturnType<typeof dockerConfigCredentials>> => {
      const f = await file('config.json', config({}, helperConfig));
      return dockerConfigCredentials({ env: { PATH: `${bin}:/usr/bin:/bin` }, files: [f] });
    };

    it('gets username/secret, identity tokens, and undefined for "credentials not found"', async () => {
      const s = await source({ credsStore: 'test' });
      expect(await s('registry.example.com', 'a/b')).toEqual({ username: 'helper-user', password: 'Helper-Secret-7' });
      expect(await s('token.example.com', 'a/b')).toEqual({ identityToken: 'id-token-8' });
      expect(await s('unknown.example.com', 'a/b')).toBeUndefined();
    });

    it('reports a failing helper or bad output without echoing its output JSON', async () => {
      const s = await source({ credHelpers: { 'broken.example.com': 'test', 'garbage.example.com': 'test' } });
      const err = await rejected(s('broken.example.com', 'a'));
      expect(err.code).toBe('Config');
      // what a failing helper printed (here its stderr, with the secret) is never repeated (#12.6)
      expect(err.message).toMatch(/^credential helper docker-credential-test \(from credHelpers in .*config\.json\): failed for broken\.example\.com \(exit code 3\)/);
      expect(err.message).not.toContain('Helper-Secret-7');
      expect(err.message).not.toContain('keychain locked');
      const err2 = await rejected(s('garbage.example.com', 'a'));
      expect(err2.message).toContain('expected JSON {"ServerURL","Username","Secret"}');
      expect(err2.message).not.toContain('Helper-Secret-7');
    });

    it('treats an absent credsStore binary as no credentials, an absent credHelpers binary as an error', async () => {
      expect(await (await source({ credsStore: 'absent' }))('registry.example.com', 'a')).toBeUndefined();
      const err = await rejected((await source({ credHelpers: { 'registry.example.com': 'absent' } }))('registry.example.com', 'a'));
      expect(err.message).toMatch(/docker-credential-absent .*: not found on PATH/);
    });
  });
});
