/**
 * A real smart-HTTP git server for tests: Node http on 127.0.0.1 bridged to CGI `git http-backend`
 * (facts from shared spec test-infra.md §7). Works for isomorphic-git and the git CLI. Optional
 * Basic auth. Every spawned `git` is awaited; stop() closes the server and removes its temp dirs.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Identity and isolation for every git CLI run by tests: no system or user config is read. */
export const TEST_GIT_IDENTITY = { name: 'Test User', email: 'user@example.test' } as const;

function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: TEST_GIT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: TEST_GIT_IDENTITY.email,
    GIT_COMMITTER_NAME: TEST_GIT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: TEST_GIT_IDENTITY.email,
    LANG: 'C',
    LC_ALL: 'C',
    ...extra,
  };
}

/**
 * Run the real git CLI in `dir` with a fixed identity and no global config (as a user would, e.g.
 * `git revert`). Resolves with trimmed stdout; rejects with stderr in the message.
 */
export function gitCli(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile('git', [...args], { cwd: dir, env: isolatedEnv(tmpdir(), env), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} (in ${dir}) failed: ${stderr.trim() || err.message}`));
      else resolveRun(stdout.trim());
    });
  });
}

/** `git clone` with the real CLI into `dir` (its parent must exist). Returns `dir`. */
export async function cloneWorkingCopy(url: string, dir: string): Promise<string> {
  await gitCli(dirname(dir), ['clone', '-q', url, dir]);
  return dir;
}

export interface BareRepoOptions {
  /** Files of the first commit on `main` (path -> content). Without it the repository is empty. */
  readonly initialFiles?: Record<string, string>;
}

export interface GitServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Directory holding the bare repositories (GIT_PROJECT_ROOT). */
  readonly root: string;
  /** `git init --bare -b main` under root, optionally with a first commit; returns its URL. */
  createBareRepo(name: string, options?: BareRepoOptions): Promise<string>;
  /** Every request served so far, as `METHOD /path?query` (tests count round trips). */
  readonly requests: readonly string[];
  /** Close the server, wait for every CGI process, remove temp dirs. */
  stop(): Promise<void>;
}

export interface GitServerOptions {
  /** Use this directory as GIT_PROJECT_ROOT (kept on stop); default a temp dir (removed on stop). */
  readonly root?: string;
  /** Basic auth: user -> password. Without it every request is accepted (as user `anonymous`). */
  readonly users?: Record<string, string>;
}

function authenticatedUser(req: IncomingMessage, users: Record<string, string> | undefined): string | undefined {
  if (!users) return 'anonymous';
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const name = decoded.slice(0, colon);
  return Object.hasOwn(users, name) && users[name] === decoded.slice(colon + 1) ? name : undefined;
}

/** Start the server on 127.0.0.1 with an ephemeral port. */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const scratch = await mkdtemp(join(tmpdir(), 'tagstream-git-server-'));
  const root = options.root ?? join(scratch, 'repos');
  const home = join(scratch, 'home');
  await mkdir(root, { recursive: true });
  await mkdir(home, { recursive: true });
  const children = new Set<ChildProcess>();
  const exited = new Set<Promise<void>>();

  const requests: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    const user = authenticatedUser(req, options.users);
    if (user === undefined) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      // http-backend serves receive-pack only to an authenticated user.
      REMOTE_USER: user,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      HOME: home,
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    const protocol = req.headers['git-protocol'];
    if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;

    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(cgi);
    exited.add(
      new Promise<void>((done) => {
        const finish = (): void => {
          children.delete(cgi);
          done();
        };
        cgi.once('close', finish);
        cgi.once('error', finish);
      }),
    );
    let stderr = '';
    cgi.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    cgi.stdin.on('error', () => {});
    req.pipe(cgi.stdin);

    let head = Buffer.alloc(0);
    let sent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (sent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, len: 4 } : lf >= 0 ? { at: lf, len: 2 } : undefined;
      if (!end) return;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end.at).toString('utf8').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      sent = true;
      res.write(head.subarray(end.at + end.len));
    });
    cgi.once('close', (code) => {
      if (!sent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`git http-backend exited ${String(code)}: ${stderr}`);
      } else res.end();
    });
    cgi.once('error', (e) => {
      if (!sent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  };

  const server = createServer(handle);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    root,
    requests,
    async createBareRepo(name, repoOptions = {}) {
      const bare = join(root, name);
      await gitCli(root, ['init', '-q', '--bare', '-b', 'main', bare]);
      if (repoOptions.initialFiles) {
        const seed = await mkdtemp(join(scratch, 'seed-'));
        try {
          await gitCli(seed, ['init', '-q', '-b', 'main']);
          for (const [path, content] of Object.entries(repoOptions.initialFiles)) {
            await mkdir(dirname(join(seed, path)), { recursive: true });
            await writeFile(join(seed, path), content);
          }
          await gitCli(seed, ['add', '-A']);
          const date = '2023-11-14T22:13:20Z';
          await gitCli(seed, ['commit', '-q', '-m', 'initial'], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
          await gitCli(seed, ['push', '-q', bare, 'main']);
        } finally {
          await rm(seed, { recursive: true, force: true });
        }
      }
      return `${url}/${name}`;
    },
    async stop() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      // A CGI process still running after its connection closed gets a bounded grace, then SIGKILL by PID.
      const grace = setTimeout(() => {
        for (const child of children) {
          try {
            if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
          } catch {}
        }
      }, 2000);
      await Promise.all(exited);
      clearTimeout(grace);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
