/**
 * `tagstream reconcile --commit --push` to an SSH remote, as users run it (the built CLI, spawned,
 * only the environment set): a real `sshd` on 127.0.0.1 serving a bare repository, the real
 * registry. Once with a deploy key file (TAGSTREAM_GIT_SSH_KEY_FILE), once with no key file and the
 * key held by a real `ssh-agent` (SSH_AUTH_SOCK): the two ways #17.1 names. Host keys are always
 * checked against TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE; the pull-request mode over SSH is in
 * git-hosts.test.ts and daemon-pull-requests.test.ts, the adapter in test/integration/git/ssh.test.ts.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitCli } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { startSshServer, type SshServer } from '../harness/ssh-server.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

let registry: TestRegistry;
let sshd: SshServer;
let scratch: string;
let digest: string;
let agent: { sock: string; pid: number } | undefined;

const STREAM = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: v1
    from:
      kind: DockerImage
      name: ${host}/team/app:v1
    importPolicy:
      scheduled: true
`;

const DEPLOYMENT = (host: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:v1"},"fieldPath":"spec.template.spec.containers[0].image"}]'
spec:
  template:
    spec:
      containers:
      - name: app
        image: ${host}/team/app:v1
`;

function tagstream(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', HOME: join(scratch, 'home'), ...env } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((r) => child.on('close', (code) => r({ code, out })));
}

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> =>
  new Promise((ok, fail) => execFile(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } }, (e, out, err) => (e ? fail(new Error(`${cmd}: ${err || e.message}`)) : ok(out))));

beforeAll(async () => {
  if (!existsSync(BIN)) {
    const build = spawnSync('npm', ['run', 'build:ts'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
    if (build.status !== 0) throw new Error(`npm run build:ts failed:\n${build.stdout}\n${build.stderr}`);
  }
  scratch = await mkdtemp(join(tmpdir(), 'tagstream-ssh-push-'));
  await mkdir(join(scratch, 'home'));
  [registry, sshd] = await Promise.all([startRegistry(), startSshServer()]);
  digest = await pushImage(registry, 'team/app', 'v1', makeImage({ layers: [{ 'v.txt': 'v1' }] }));
}, 60_000);

afterAll(async () => {
  if (agent) process.kill(agent.pid, 'SIGTERM');
  await sshd?.stop();
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A bare repository on the sshd and a clone of it made with the git CLI (over SSH too). */
async function cloneOverSsh(name: string): Promise<{ clone: string; bare: string; url: string }> {
  const { url, bare } = await sshd.createBareRepo(`${name}.git`, { 'imagestreams/app.yaml': STREAM(registry.host), 'apps/app.yaml': DEPLOYMENT(registry.host) });
  const clone = join(scratch, name);
  const ssh = `ssh -i ${sshd.keyFile} -o IdentitiesOnly=yes -o UserKnownHostsFile=${sshd.knownHostsFile} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
  await gitCli(scratch, ['clone', '-q', url, clone], { GIT_SSH_COMMAND: ssh });
  return { clone, bare, url };
}

async function expectPushed(bare: string, clone: string): Promise<void> {
  const remoteHead = await gitCli(scratch, ['--git-dir', bare, 'rev-parse', 'main']);
  expect(await gitCli(clone, ['rev-parse', 'HEAD'])).toBe(remoteHead);
  expect(await gitCli(scratch, ['--git-dir', bare, 'log', '-1', '--format=%an%n%B', 'main'])).toMatch(/^Tagstream\n/);
  const deployed = await gitCli(scratch, ['--git-dir', bare, 'show', 'main:apps/app.yaml']);
  expect(deployed).toContain(`image: ${registry.host}/team/app@${digest}`);
  expect(await gitCli(clone, ['status', '--porcelain'])).toBe('');
}

describe('reconcile --commit --push to an SSH remote (built CLI, real sshd)', () => {
  it('with a deploy key file: commits and pushes; a second run has nothing to do', async () => {
    const { clone, bare } = await cloneOverSsh('keyfile');
    const env = { TAGSTREAM_GIT_SSH_KEY_FILE: sshd.keyFile, TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: sshd.knownHostsFile };
    const r = await tagstream(clone, ['reconcile', '--commit', '--push'], env);
    expect(r.code, r.out).toBe(0);
    await expectPushed(bare, clone);
    const again = await tagstream(clone, ['reconcile', '--commit', '--push'], env);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/No changes/);
  });

  it('a host key not in the known_hosts file is refused: nothing pushed, the message says why', async () => {
    const { clone, bare } = await cloneOverSsh('wronghost');
    const before = await gitCli(scratch, ['--git-dir', bare, 'rev-parse', 'main']);
    const r = await tagstream(clone, ['reconcile', '--commit', '--push'], { TAGSTREAM_GIT_SSH_KEY_FILE: sshd.keyFile, TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: sshd.wrongKnownHostsFile });
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain("the server's SSH host key is not trusted");
    expect(await gitCli(scratch, ['--git-dir', bare, 'rev-parse', 'main'])).toBe(before);
  });

  it('with no key file, the key held by ssh-agent (SSH_AUTH_SOCK)', async () => {
    const sock = join(scratch, 'agent.sock');
    const started = await run('ssh-agent', ['-a', sock, '-s']);
    agent = { sock, pid: Number(/SSH_AGENT_PID=(\d+)/.exec(started)?.[1]) };
    await run('ssh-add', ['-q', sshd.keyFile], { SSH_AUTH_SOCK: sock });
    const { clone, bare } = await cloneOverSsh('agent');
    const r = await tagstream(clone, ['reconcile', '--commit', '--push'], { SSH_AUTH_SOCK: sock, TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: sshd.knownHostsFile });
    expect(r.code, r.out).toBe(0);
    await expectPushed(bare, clone);
  });
});
