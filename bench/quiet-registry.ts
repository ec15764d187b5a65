/**
 * A real `docker-registry` for the benchmarks, logging errors only. The test harness's registry
 * logs at info level (one line per request) and scans its whole accumulated stderr for the
 * "listening on" line on every chunk, which costs the bench parent seconds of CPU at thousands of
 * requests and steals it from the measured child on a 2-core machine. Here the port is chosen
 * up front and readiness is polled over HTTP instead. Returns the harness's TestRegistry shape
 * so its seeding helpers (pushImage) work unchanged; token auth reuses the harness token issuer.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PASSWORD, TEST_USER, type TestRegistry } from '../test/harness/registry.js';
import { makeSigningPair } from '../test/harness/tls.js';
import { startTokenServer, TOKEN_ISSUER, TOKEN_SERVICE, type TokenServer } from '../test/harness/token-server.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';
const START_TIMEOUT_MS = 10_000;

/** A free loopback port (released before the registry binds it; start() retries on a clash). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function ready(url: string, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const why = exited();
    if (why) throw new Error(why);
    try {
      // 200 (no auth) or 401 (token auth): either way the registry answers.
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`docker-registry did not answer on ${url} within ${START_TIMEOUT_MS} ms`);
}

/** Start a quiet registry (no auth or token auth); stop() kills it by PID and removes its dir. */
export async function startQuietRegistry(options: { auth?: 'none' | 'token' } = {}): Promise<TestRegistry> {
  if (!existsSync(REGISTRY_BIN)) throw new Error('docker-registry not found: apt-get install -y docker-registry');
  const auth = options.auth ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), 'tagstream-bench-registry-'));
  let tokenServer: TokenServer | undefined;
  try {
    let authYaml = '';
    if (auth === 'token') {
      const pair = makeSigningPair(dir);
      tokenServer = await startTokenServer({ ...pair, users: { [TEST_USER]: TEST_PASSWORD } });
      authYaml = `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${TOKEN_SERVICE}\n    issuer: ${TOKEN_ISSUER}\n    rootcertbundle: ${pair.certPath}\n`;
    }
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const cfg = join(dir, 'config.yml');
      writeFileSync(
        cfg,
        `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n` +
          `  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: bench-only-not-secret\n${authYaml}`,
      );
      const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', REGISTRY_BIN, 'serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
      });
      let exit: string | undefined;
      child.once('exit', (code) => (exit = `docker-registry exited with ${code}: ${stderr.slice(0, 2000)}`));
      const url = `http://127.0.0.1:${port}`;
      try {
        await ready(url, () => exit);
      } catch (e) {
        if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        if (attempt < 2 && /address already in use/.test(stderr)) continue;
        throw e;
      }
      const pid = child.pid;
      if (pid === undefined) throw new Error('docker-registry: no pid');
      const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          process.kill(pid, 'SIGTERM');
          await exited;
        }
        await tokenServer?.stop();
        rmSync(dir, { recursive: true, force: true });
      };
      return {
        host: `127.0.0.1:${port}`,
        url,
        pid,
        dir,
        auth,
        ...(auth === 'token' ? { username: TEST_USER, password: TEST_PASSWORD } : {}),
        ...(tokenServer ? { tokenServer } : {}),
        log: () => stderr,
        stop,
      };
    }
  } catch (e) {
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
