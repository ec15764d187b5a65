/**
 * A real OpenSSH server for tests: `/usr/sbin/sshd -D -e` on 127.0.0.1 and a free port, with its
 * own config, host key and authorized_keys in a temp dir, serving bare repositories over
 * `git-upload-pack` / `git-receive-pack` (the login user is the one running the tests). Started and
 * stopped by PID (under `setpriv --pdeathsig`, so it dies with the test runner). Also writes a
 * client key pair and a known_hosts file holding the server's key, plus a known_hosts file with a
 * different key for the "wrong host key" case.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { gitCli } from './git-server.js';

export const SSHD = '/usr/sbin/sshd';

export interface SshServer {
  readonly port: number;
  readonly pid: number;
  /** Client private key (passphrase-less ed25519) that the server accepts. */
  readonly keyFile: string;
  /** known_hosts with the server's real host key for `[127.0.0.1]:port`. */
  readonly knownHostsFile: string;
  /** known_hosts naming `[127.0.0.1]:port` with some other key. */
  readonly wrongKnownHostsFile: string;
  /** `ssh://user@127.0.0.1:port/<name>` for a bare repo (`org/repo.git`) created with a first commit on main. */
  createBareRepo(name: string, files?: Record<string, string>): Promise<{ url: string; bare: string }>;
  stop(): Promise<void>;
}

const run = (cmd: string, args: readonly string[]): Promise<string> =>
  new Promise((ok, fail) => execFile(cmd, [...args], { encoding: 'utf8' }, (e, out, err) => (e ? fail(new Error(`${cmd} ${args.join(' ')}: ${err || e.message}`)) : ok(out))));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** True when sshd is installed (the harness then runs; tests fail loudly rather than skip). */
export const hasSshd = (): boolean => existsSync(SSHD);

export async function startSshServer(): Promise<SshServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tagstream-sshd-'));
  await chmod(dir, 0o700);
  const repos = join(dir, 'repos');
  await mkdir(repos);
  const hostKey = join(dir, 'host_ed25519');
  const otherHostKey = join(dir, 'other_host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  for (const k of [hostKey, otherHostKey, clientKey]) await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tagstream-test', '-f', k]);
  // Like Gitea's and GitLab's own SSH servers, a forced command maps the repository path of the URL
  // (`ssh://user@host:port/org/repo.git`) into the repositories directory and runs only git.
  const shell = join(dir, 'git-only.sh');
  await writeFile(
    shell,
    [
      '#!/bin/sh',
      'set -eu',
      'case "$SSH_ORIGINAL_COMMAND" in',
      `  "git-upload-pack '"*|"git-receive-pack '"*) ;;`,
      '  *) echo "this account runs git only" >&2; exit 1 ;;',
      'esac',
      '# the client quotes the path the way a shell would',
      'eval "set -- $SSH_ORIGINAL_COMMAND"',
      'cmd=$1',
      'path=${2#/}',
      'case "$path" in *..*) echo "bad path" >&2; exit 1 ;; esac',
      `exec "$cmd" "${repos}/$path"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const authorized = join(dir, 'authorized_keys');
  await writeFile(authorized, `command="${shell}",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding ${await readFile(`${clientKey}.pub`, 'utf8')}`, { mode: 0o600 });
  // Privilege separation needs this directory when sshd runs as root (Debian creates it at boot).
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const port = await freePort();
  const user = userInfo().username;
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'StrictModes no',
      'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'LogLevel VERBOSE',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', '--', SSHD, '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not start: ${log}`)), 10_000);
    child.stderr?.on('data', (c: Buffer) => {
      log += c.toString('utf8');
      if (/Server listening on 127\.0\.0\.1 port \d+/.test(log)) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`sshd exited ${String(code)}: ${log}`));
    });
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const otherPub = (await readFile(`${otherHostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  const wrongKnownHostsFile = join(dir, 'known_hosts_wrong');
  await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${hostPub}\n`);
  await writeFile(wrongKnownHostsFile, `[127.0.0.1]:${port} ${otherPub}\n`);

  return {
    port,
    pid: child.pid as number,
    keyFile: clientKey,
    knownHostsFile,
    wrongKnownHostsFile,
    async createBareRepo(name, files = { 'README.md': 'seed\n' }) {
      const bare = join(repos, name);
      await mkdir(join(bare, '..'), { recursive: true });
      await gitCli(repos, ['init', '-q', '--bare', '-b', 'main', bare]);
      const seed = await mkdtemp(join(dir, 'seed-'));
      await gitCli(seed, ['init', '-q', '-b', 'main']);
      for (const [path, content] of Object.entries(files)) {
        await mkdir(join(seed, path, '..'), { recursive: true });
        await writeFile(join(seed, path), content);
      }
      await gitCli(seed, ['add', '-A']);
      await gitCli(seed, ['commit', '-q', '-m', 'seed']);
      await gitCli(seed, ['push', '-q', bare, 'main']);
      await rm(seed, { recursive: true, force: true });
      return { url: `ssh://${user}@127.0.0.1:${port}/${name}`, bare };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid as number, 'SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
