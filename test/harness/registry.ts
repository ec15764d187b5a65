/**
 * A real distribution registry (`/usr/bin/docker-registry serve`) for one test file, bound to
 * 127.0.0.1:0 with its own config in a temp dir (never /etc/docker/registry/config.yml). Modes:
 * no auth, htpasswd (Basic), token (Bearer via ./token-server.ts), optional TLS (./tls.ts).
 * The child is spawned through `setpriv --pdeathsig KILL` so it dies with the test runner, and is
 * stopped by PID in stop(), which also removes the temp dir.
 * Seeding helpers push blobs and manifests over HTTP(S) with plain undici fetch.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch, type Dispatcher } from 'undici';
import { RegistryError } from '../../src/errors.js';
import type { TestImage, TestIndex } from './oci-image.js';
import { makeSigningPair, makeTlsMaterial } from './tls.js';
import { startTokenServer, TOKEN_ISSUER, TOKEN_SERVICE, type TokenServer } from './token-server.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';
export const TEST_USER = 'testuser';
export const TEST_PASSWORD = 'testpass-not-secret';

export type RegistryAuthMode = 'none' | 'htpasswd' | 'token';

export interface StartRegistryOptions {
  auth?: RegistryAuthMode;
  tls?: boolean;
  notifications?: { url: string; headers?: Record<string, string[]> };
  /** Token mode: make the token server answer POST with 404. */
  tokenPostDisabled?: boolean;
  /** Token mode: refresh tokens the issuer accepts (OAuth2 POST), mapped to a user. */
  refreshTokens?: Record<string, string>;
  /** Token mode: more users (name -> password) the token server accepts; read live. */
  users?: Record<string, string>;
  /** The registry binary (tests of the harness itself). */
  bin?: string;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://...` */
  readonly url: string;
  readonly pid: number;
  /** Temp dir holding config, data and certificates; removed by stop(). */
  readonly dir: string;
  readonly auth: RegistryAuthMode;
  readonly username?: string;
  readonly password?: string;
  readonly caPem?: string;
  readonly tokenServer?: TokenServer;
  /** undici dispatcher trusting caPem (TLS mode), for seeding and ad-hoc requests. */
  readonly dispatcher?: Dispatcher;
  /** What the registry wrote to stderr so far (the last 64 KiB). */
  log(): string;
  stop(): Promise<void>;
}

/** Stderr kept for log() and start-up errors: the tail is what explains a failure. */
const MAX_KEPT_LOG = 64 * 1024;

function configYaml(dir: string, extra: string): string {
  return `version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
${extra}`;
}

/** Start a registry; call stop() in afterAll. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const bin = options.bin ?? REGISTRY_BIN;
  if (!existsSync(bin)) throw new Error('docker-registry not found: apt-get install -y docker-registry');
  const auth = options.auth ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), 'tagstream-registry-'));
  let tokenServer: TokenServer | undefined;
  try {
    let http = '  addr: 127.0.0.1:0\n  secret: test-only-not-secret\n';
    let caPem: string | undefined;
    if (options.tls) {
      const tls = makeTlsMaterial(dir);
      caPem = tls.caPem;
      http += `  tls:\n    certificate: ${tls.certPath}\n    key: ${tls.keyPath}\n`;
    }
    let extra = `http:\n${http}`;
    if (auth === 'htpasswd') {
      const line = execFileSync('htpasswd', ['-Bbn', TEST_USER, TEST_PASSWORD], { encoding: 'utf8' }).trim();
      writeFileSync(join(dir, 'htpasswd'), `${line}\n`);
      extra += `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${join(dir, 'htpasswd')}\n`;
    } else if (auth === 'token') {
      const pair = makeSigningPair(dir);
      tokenServer = await startTokenServer({
        ...pair,
        // The caller's object itself, so a test can change passwords while the registry runs.
        users: Object.assign(options.users ?? {}, { [TEST_USER]: TEST_PASSWORD }),
        disablePost: options.tokenPostDisabled ?? false,
        refreshTokens: options.refreshTokens ?? {},
      });
      extra += `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${TOKEN_SERVICE}\n    issuer: ${TOKEN_ISSUER}\n    rootcertbundle: ${pair.certPath}\n`;
    }
    if (options.notifications) {
      const headers = Object.entries(options.notifications.headers ?? {})
        .map(([k, v]) => `        ${k}: [${v.map((x) => JSON.stringify(x)).join(', ')}]\n`)
        .join('');
      extra +=
        `notifications:\n  events:\n    includereferences: true\n  endpoints:\n    - name: test-listener\n` +
        `      url: ${options.notifications.url}\n${headers ? `      headers:\n${headers}` : ''}` +
        `      timeout: 1s\n      threshold: 5\n      backoff: 1s\n      ignoredmediatypes:\n        - application/octet-stream\n`;
    }
    const cfg = join(dir, 'config.yml');
    writeFileSync(cfg, configYaml(dir, extra));

    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', bin, 'serve', cfg], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // The registry logs a line per request: keep only the recent tail, and look for the port only
    // until it is found (and only in the new text plus a line's worth before it, not the whole log).
    let log = '';
    let listening = false;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`docker-registry did not start in 10 s:\n${log}`)), 10_000);
      child.stderr.on('data', (d: Buffer) => {
        const chunk = d.toString('utf8');
        const before = log.length;
        log += chunk;
        if (!listening) {
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log.slice(Math.max(0, before - 256)));
          if (m) {
            listening = true;
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }
        if (log.length > MAX_KEPT_LOG) log = log.slice(-MAX_KEPT_LOG);
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`docker-registry exited with ${code}:\n${log}`));
      });
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('docker-registry: no pid');
    const host = `127.0.0.1:${port}`;
    const agent = caPem ? new Agent({ connect: { ca: caPem } }) : undefined;
    const stop = async (): Promise<void> => {
      await agent?.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(pid, 'SIGTERM');
        await exited;
      }
      await tokenServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    return {
      host,
      url: `${options.tls ? 'https' : 'http'}://${host}`,
      pid,
      dir,
      auth,
      ...(auth === 'none' ? {} : { username: TEST_USER, password: TEST_PASSWORD }),
      ...(caPem ? { caPem } : {}),
      ...(tokenServer ? { tokenServer } : {}),
      ...(agent ? { dispatcher: agent } : {}),
      log: () => log,
      stop,
    };
  } catch (e) {
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export const ACCEPT_ALL = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface SeedCredentials {
  username: string;
  password: string;
}

interface Seeder {
  base: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
}

const dispatcherFor = (registry: TestRegistry): Dispatcher | undefined => registry.dispatcher;

function seeder(registry: TestRegistry, repo: string, creds: SeedCredentials | undefined): Seeder {
  const headers: Record<string, string> = {};
  const user = creds ?? (registry.username && registry.password ? { username: registry.username, password: registry.password } : undefined);
  if (registry.auth === 'htpasswd' && user) {
    headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  } else if (registry.auth === 'token' && registry.tokenServer && user) {
    headers.authorization = `Bearer ${registry.tokenServer.issue(user.username, [`repository:${repo}:pull,push`])}`;
  }
  return { base: registry.url, headers, dispatcher: dispatcherFor(registry) };
}

async function pushBlob(s: Seeder, repo: string, digest: string, bytes: Buffer): Promise<void> {
  const head = await fetch(`${s.base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: s.headers, dispatcher: s.dispatcher });
  if (head.status === 200) return;
  const post = await fetch(`${s.base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: s.headers, dispatcher: s.dispatcher });
  if (post.status !== 202) throw new Error(`seed: POST upload ${repo}: ${post.status} ${await post.text()}`);
  const location = new URL(post.headers.get('location') ?? '', s.base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: bytes,
    dispatcher: s.dispatcher,
    headers: { ...s.headers, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
  });
  if (put.status !== 201) throw new Error(`seed: PUT blob ${repo}: ${put.status} ${await put.text()}`);
}

async function pushManifest(s: Seeder, repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string> {
  const res = await fetch(`${s.base}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    body: bytes,
    dispatcher: s.dispatcher,
    headers: { ...s.headers, 'content-type': mediaType },
  });
  if (res.status !== 201) throw new Error(`seed: PUT manifest ${repo}:${ref}: ${res.status} ${await res.text()}`);
  return res.headers.get('docker-content-digest') ?? '';
}

/** Push an image or index (children first) and tag it; returns the digest the registry reports. */
export async function pushImage(
  registry: TestRegistry,
  repo: string,
  tag: string,
  image: TestImage | TestIndex,
  creds?: SeedCredentials,
): Promise<string> {
  const s = seeder(registry, repo, creds);
  const images = image.kind === 'index' ? image.children : [image];
  for (const img of images) {
    for (const [digest, bytes] of img.blobs) await pushBlob(s, repo, digest, bytes);
    if (image.kind === 'index') await pushManifest(s, repo, img.digest, img.manifest, img.mediaType);
  }
  return pushManifest(s, repo, tag, image.manifest, image.mediaType);
}

/** HEAD a manifest with the full Accept set; what a correct resolver must agree with. */
export async function headDigest(
  registry: TestRegistry,
  repo: string,
  ref: string,
  creds?: SeedCredentials,
): Promise<{ status: number; digest: string | null; mediaType: string | null }> {
  const s = seeder(registry, repo, creds);
  const res = await fetch(`${s.base}/v2/${repo}/manifests/${ref}`, {
    method: 'HEAD',
    dispatcher: s.dispatcher,
    headers: { ...s.headers, accept: ACCEPT_ALL },
  });
  return { status: res.status, digest: res.headers.get('docker-content-digest'), mediaType: res.headers.get('content-type') };
}

/** Delete a manifest by digest (the registry refuses deletion by tag). */
export async function deleteManifest(registry: TestRegistry, repo: string, digest: string): Promise<number> {
  const s = seeder(registry, repo, undefined);
  const res = await fetch(`${s.base}/v2/${repo}/manifests/${digest}`, { method: 'DELETE', headers: s.headers, dispatcher: s.dispatcher });
  await res.arrayBuffer();
  return res.status;
}

/** Await a promise that must reject with a RegistryError, and return that error for inspection. */
export async function registryRejection(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error('expected a RegistryError, but the call succeeded');
}
