#!/usr/bin/env node
// Runs before `npm test`: makes sure what the test suite needs is on this machine.
// - node_modules (runs `npm ci` when missing)
// - the real CNCF registry (`docker-registry`), git (for `git http-backend`), htpasswd, openssl, setpriv
// As root with apt-get available it installs missing system packages itself (a fresh CI machine);
// otherwise it prints the exact command to run and fails. Set TAGSTREAM_NO_INSTALL=1 to never install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const needs = [
  { bin: 'docker-registry', pkg: 'docker-registry' },
  { bin: 'git', pkg: 'git' },
  { bin: 'htpasswd', pkg: 'apache2-utils' },
  { bin: 'openssl', pkg: 'openssl' },
  { bin: 'setpriv', pkg: 'util-linux' },
  // SSH remotes are tested against a real sshd on 127.0.0.1
  { bin: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { bin: 'ssh-keygen', pkg: 'openssh-client' },
  // the benchmark smoke test compares against skopeo when it is there
  { bin: 'skopeo', pkg: 'skopeo', optional: true },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = needs.filter((n) => !has(n.bin) && !(n.optional && !canInstallSystemPackages()));

function canInstallSystemPackages() {
  return process.getuid?.() === 0 && has('apt-get') && !process.env.TAGSTREAM_NO_INSTALL;
}

if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const cmd = `apt-get install -y ${pkgs.join(' ')}`;
  if (!canInstallSystemPackages()) {
    console.error(`The test suite needs: ${missing.map((m) => m.bin).join(', ')}.\nInstall them with:\n  sudo apt-get update && sudo ${cmd}`);
    process.exit(1);
  }
  console.error(`Installing test dependencies: ${pkgs.join(' ')}`);
  execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${cmd} -qq`], { stdio: 'inherit' });
}

// The Debian package ships a config listening on :5000 on all interfaces; our harness never uses it,
// and nothing may listen there.
if (!existsSync(join(root, 'node_modules', '.bin', 'vitest'))) {
  console.error('Installing npm dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
