// The git adapter against a real OpenSSH server on 127.0.0.1 (the network leg runs the git binary
// with GIT_SSH_COMMAND; everything local stays isomorphic-git): clone, commit, push, fetch, a
// non-fast-forward as a typed PushRejected, pushWithRetry, pushBranch, and host keys always checked.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { TagstreamError } from '../../../src/errors.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { gitCli } from '../../harness/git-server.js';
import { startSshServer, type SshServer } from '../../harness/ssh-server.js';
import { pushWithRetry } from '../../../src/app/push-with-retry.js';

const bot = { name: 'tagstream', email: 'bot@example.test' };
let sshd: SshServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  sshd = await startSshServer();
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-ssh-it-'));
}, 30_000);
afterAll(async () => {
  await sshd?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const dirFor = (label: string): string => join(tmp, `${label}-${++n}`);

async function caught(p: Promise<unknown>): Promise<TagstreamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TagstreamError);
    return e as TagstreamError;
  }
  throw new Error('expected a rejection');
}

describe('git adapter over SSH (real sshd)', () => {
  const adapter = () => createGitAdapter({ clock: fixedClock('2024-01-02T03:04:05Z'), ssh: { keyFile: sshd.keyFile, knownHostsFile: sshd.knownHostsFile } });

  it('clones, commits and pushes over ssh://, and fetch reports a missing branch as undefined', async () => {
    const { url, bare } = await sshd.createBareRepo(`app-${++n}.git`, { 'values.yaml': 'image: repo/app:v1\n' });
    const repo = await adapter().clone({ url, dir: dirFor('clone') });
    expect(await repo.currentBranch()).toBe('main');
    const base = await repo.headOid();
    expect(base).toBe(await gitCli(bare, ['rev-parse', 'main']));
    expect(await repo.remoteHeadOid()).toBe(base);

    await writeFile(join(repo.dir, 'values.yaml'), 'image: repo/app@sha256:aaaa\n');
    const oid = await repo.commit({ files: ['values.yaml'], message: 'bump\n', author: bot });
    await repo.push();
    expect(await gitCli(bare, ['rev-parse', 'main'])).toBe(oid);
    expect(await gitCli(bare, ['show', 'main:values.yaml'])).toBe('image: repo/app@sha256:aaaa');
    expect(await repo.remoteHeadOid()).toBe(oid);
    expect(await repo.fetch({ branch: 'no-such-branch' })).toBeUndefined();
  });

  it('turns a stale push into a retryable PushRejected and pushWithRetry rebuilds on the new head', async () => {
    const { url, bare } = await sshd.createBareRepo(`race-${++n}.git`, { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const first = await adapter().clone({ url, dir: dirFor('first') });
    const second = await adapter().clone({ url, dir: dirFor('second') });
    await writeFile(join(first.dir, 'a.yaml'), 'a: 2\n');
    await first.commit({ files: ['a.yaml'], message: 'a\n', author: bot });
    await first.push();

    await writeFile(join(second.dir, 'b.yaml'), 'b: 2\n');
    await second.commit({ files: ['b.yaml'], message: 'b\n', author: bot });
    const err = await caught(second.push());
    expect(err.code).toBe('PushRejected');
    expect(err.retryable).toBe(true);

    const result = await pushWithRetry(second, {
      attempts: 2,
      rebuild: async () => {
        await writeFile(join(second.dir, 'b.yaml'), 'b: 2\n');
        await second.commit({ files: ['b.yaml'], message: 'b again\n', author: bot });
        return 'committed';
      },
    });
    expect(result).toMatchObject({ outcome: 'pushed', attempts: 2 });
    expect(await gitCli(bare, ['show', 'main:a.yaml'])).toBe('a: 2');
    expect(await gitCli(bare, ['show', 'main:b.yaml'])).toBe('b: 2');
  });

  it('force-pushes a tool branch with pushBranch and refuses to force the default branch', async () => {
    const { url, bare } = await sshd.createBareRepo(`branch-${++n}.git`);
    const repo = await adapter().clone({ url, dir: dirFor('branch') });
    const head = await repo.headOid();
    await writeFile(join(repo.dir, 'x.yaml'), 'x: 1\n');
    const c1 = (await repo.commit({ files: ['x.yaml'], message: 'one\n', author: bot })) as string;
    await repo.pushBranch('tagstream/main', c1, { force: true });
    expect(await gitCli(bare, ['rev-parse', 'tagstream/main'])).toBe(c1);
    // Replacing the branch with an unrelated commit needs force, which tool branches get.
    await repo.pushBranch('tagstream/main', head, { force: true });
    expect(await gitCli(bare, ['rev-parse', 'tagstream/main'])).toBe(head);
    expect(await repo.fetch({ branch: 'tagstream/main' })).toBe(head);
    const err = await caught(repo.pushBranch('trunk', c1, { force: true }).then(() => repo.pushBranch('main', c1, { force: true })));
    expect(err.message).toMatch(/refusing/);
  });

  it('refuses a server whose host key is not the one in known_hosts, and leaves nothing cloned', async () => {
    const { url } = await sshd.createBareRepo(`hostkey-${++n}.git`);
    const dir = dirFor('wrong-host');
    const wrong = createGitAdapter({ ssh: { keyFile: sshd.keyFile, knownHostsFile: sshd.wrongKnownHostsFile } });
    const err = await caught(wrong.clone({ url, dir }));
    expect(err.message).toMatch(/host key is not trusted/);
    expect(err.message).toContain(sshd.wrongKnownHostsFile);
    await expect(readdir(dir)).rejects.toThrow();

    // An empty known_hosts is refused the same way: no trust on first use.
    const empty = join(tmp, `empty-known-hosts-${++n}`);
    await writeFile(empty, '');
    const tofu = createGitAdapter({ ssh: { keyFile: sshd.keyFile, knownHostsFile: empty } });
    expect((await caught(tofu.clone({ url, dir: dirFor('tofu') }))).message).toMatch(/host key is not trusted/);
  });

  it('says the key was refused when the server does not accept it', async () => {
    const { url } = await sshd.createBareRepo(`key-${++n}.git`);
    const otherKey = join(tmp, `other-key-${++n}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const refused = createGitAdapter({ ssh: { keyFile: otherKey, knownHostsFile: sshd.knownHostsFile } });
    const err = await caught(refused.clone({ url, dir: dirFor('refused') }));
    expect(err.message).toMatch(/authentication failed, the server refused the SSH key/);
    expect(err.message).not.toMatch(/BEGIN OPENSSH/);
  });
});
