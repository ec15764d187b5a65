/**
 * `tagstream reconcile --pull-request` end to end, per Git host: a real registry, the real Git
 * transport (GitLab over `git http-backend` with a token; Gitea over a real `sshd` with a deploy key
 * and strict host keys) and the host's API as a loopback stub validated against its Swagger
 * description. Same behaviour on every host: one deterministic branch, re-runs update the same
 * request, a newer digest updates it, a request whose moves landed is closed, a request closed
 * unmerged holds its digests, labels; `--group tag` opens one request per stream tag.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { parsePullRequestTrailers } from '../../src/planning/pull-request-body.js';
import { gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { startSshServer, type SshServer } from '../harness/ssh-server.js';
import { startCodeHostApi, type CodeHostApiServer } from '../harness/swagger-api.js';

const TOKEN = 'glpat-e2eGitHostToken0123456789';

let registry: TestRegistry;
let httpGit: GitServer;
let sshd: SshServer;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tagstream-git-hosts-e2e-'));
  registry = await startRegistry();
  httpGit = await startGitServer({ users: { oauth2: TOKEN } });
  sshd = await startSshServer();
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  await httpGit?.stop();
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const imageStream = (name: string, tag: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ${name}
  namespace: shop
spec:
  tags:
  - name: "${tag}"
    from:
      kind: DockerImage
      name: ${registry.host}/shop/${name}:${tag}
    referencePolicy:
      type: Source
`;

const deployment = (name: string, tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"${name}:${tag}"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${registry.host}/shop/${name}:${tag}
`;

interface Host {
  readonly kind: 'gitlab' | 'gitea';
  readonly repository: string;
  /** A bare repository with the files; returns its clone URL and path. */
  create(name: string, files: Record<string, string>): Promise<{ url: string; bare: string }>;
  /** Environment for the CLI (token, ssh key, known_hosts). */
  readonly env: () => Record<string, string>;
  /** Clone URL the test's own git CLI can use. */
  cliUrl(url: string): string;
  cliEnv(): NodeJS.ProcessEnv;
}

const hosts: Host[] = [
  {
    kind: 'gitlab',
    repository: 'platform/gitops-gitlab',
    async create(name, files) {
      const url = await httpGit.createBareRepo(`${name}.git`, { initialFiles: files });
      return { url, bare: join(httpGit.root, `${name}.git`) };
    },
    env: () => ({ TAGSTREAM_GIT_TOKEN: TOKEN, TAGSTREAM_GIT_USERNAME: 'oauth2' }),
    cliUrl: (url) => url.replace('http://', `http://oauth2:${TOKEN}@`),
    cliEnv: () => ({}),
  },
  {
    kind: 'gitea',
    repository: 'platform/gitops-gitea',
    async create(name, files) {
      return sshd.createBareRepo(`${name}.git`, files);
    },
    env: () => ({ TAGSTREAM_GIT_TOKEN: TOKEN, TAGSTREAM_GIT_SSH_KEY_FILE: sshd.keyFile, TAGSTREAM_GIT_SSH_KNOWN_HOSTS_FILE: sshd.knownHostsFile }),
    cliUrl: (url) => url,
    cliEnv: () => ({ GIT_SSH_COMMAND: `ssh -i ${sshd.keyFile} -o IdentitiesOnly=yes -o UserKnownHostsFile=${sshd.knownHostsFile} -o StrictHostKeyChecking=yes -o BatchMode=yes` }),
  },
];

async function tagstream(host: Host, cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const env = { HOME: join(scratch, 'home'), PATH: process.env.PATH, ...host.env() };
  const code = await run(argv, { stdout, stderr, env, cwd, clock: fixedClock('2026-12-01T10:00:00Z') });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe.each(hosts)('reconcile --pull-request on $kind', (host) => {
  let api: CodeHostApiServer;
  let bare: string;
  let url: string;
  let checkout: string;
  let firstHead: string;
  const remoteRef = (ref: string) => gitCli(scratch, ['--git-dir', bare, 'rev-parse', '--verify', '--quiet', ref]).catch(() => '');
  const pr = (...extra: string[]) => tagstream(host, checkout, 'reconcile', '--pull-request', '--provider', host.kind, '--api-url', api.apiUrl, '--label', 'images', ...extra);

  beforeAll(async () => {
    await pushImage(registry, `${host.kind}/shop/frontend`, '1.4', makeImage({ created: '2026-11-01T00:00:00Z', labels: { v: '1' } }));
    const repo = await host.create(host.repository, {
      'imagestreams/shop/frontend.yaml': imageStream('frontend', '1.4').replaceAll(`${registry.host}/shop/`, `${registry.host}/${host.kind}/shop/`),
      'apps/frontend.yaml': deployment('frontend', '1.4').replaceAll(`${registry.host}/shop/`, `${registry.host}/${host.kind}/shop/`),
    });
    ({ url, bare } = repo);
    checkout = await mkdtemp(join(scratch, `${host.kind}-`));
    await gitCli(scratch, ['clone', '-q', host.cliUrl(url), checkout], host.cliEnv());
    await gitCli(checkout, ['remote', 'set-url', 'origin', url]);
    // The project path the API is asked about comes from the remote URL (`…/platform/gitops-<host>.git`).
    api = await startCodeHostApi({ kind: host.kind, token: TOKEN, repository: host.repository, branchExists: async (b) => (await remoteRef(`refs/heads/${b}`)) !== '' });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('opens one request from tagstream/main, labelled, with main untouched', async () => {
    const mainBefore = await remoteRef('refs/heads/main');
    const r = await pr();
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await remoteRef('refs/heads/main')).toBe(mainBefore);
    firstHead = await remoteRef('refs/heads/tagstream/main');
    expect(firstHead).toMatch(/^[0-9a-f]{40}$/);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ head: 'tagstream/main', base: 'main', state: 'open', labels: ['images'] });
    expect(parsePullRequestTrailers(api.requests[0]!.body).moves.map((m) => m.stream + ':' + m.tag)).toEqual(['shop/frontend:1.4']);
    expect(api.requests[0]!.body).toContain('Deployment shop/frontend');
    expect(r.stdout).toMatch(/opened #1 tagstream\/main /);
    // the user's working copy did not move
    expect(await gitCli(checkout, ['rev-parse', 'HEAD'])).toBe(mainBefore);
    expect(await gitCli(checkout, ['status', '--porcelain'])).toBe('');
    expect(api.violations).toEqual([]);
    if (process.env.TAGSTREAM_E2E_LOG) console.log(`--- ${host.kind} request body ---\n${api.requests[0]!.body}\n---`);
  });

  it('a re-run changes nothing; a newer digest updates the same request', async () => {
    const again = await pr();
    expect(again.code).toBe(0);
    expect(await remoteRef('refs/heads/tagstream/main')).toBe(firstHead);
    expect(api.requests).toHaveLength(1);
    expect(again.stdout).toMatch(/unchanged #1/);

    const newer = await pushImage(registry, `${host.kind}/shop/frontend`, '1.4', makeImage({ created: '2026-11-03T00:00:00Z', labels: { v: '2' } }));
    const updated = await pr();
    expect(updated.code).toBe(0);
    expect(await remoteRef('refs/heads/tagstream/main')).not.toBe(firstHead);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.body).toContain(newer);
    expect(updated.stdout).toMatch(/updated #1/);
    expect(api.violations).toEqual([]);
  });

  it('a request closed unmerged holds its digest; a request whose moves landed is closed', async () => {
    // A person closes #1 without merging: its digest is held, nothing is proposed again.
    api.requests[0]!.state = 'closed';
    const held = await pr();
    expect(held.code).toBe(0);
    expect(api.requests).toHaveLength(1);
    expect(held.stdout).toMatch(/no pull request to open, update or close/);

    // Reopen it, then let its moves land on main outside the request: the tool closes it.
    api.requests[0]!.state = 'open';
    const branchHead = await remoteRef('refs/heads/tagstream/main');
    await gitCli(scratch, ['--git-dir', bare, 'update-ref', 'refs/heads/main', branchHead]);
    await gitCli(checkout, ['pull', '-q', '--ff-only', host.cliUrl(url), 'main'], host.cliEnv());
    const closed = await pr();
    expect(closed.code, closed.stdout + closed.stderr).toBe(0);
    expect(api.requests[0]).toMatchObject({ state: 'closed' });
    expect(api.requests[0]!.comments.join('\n')).toMatch(/already on `main`/);
    expect(closed.stdout).toMatch(/closed #1/);
    expect(api.violations).toEqual([]);
  });
});

describe.each(hosts)('reconcile --pull-request --group tag on $kind', (host) => {
  let api: CodeHostApiServer;
  let bare: string;
  let checkout: string;
  const repository = `platform/per-tag-${host.kind}`;
  const images = `${host.kind}-per-tag/shop/`;
  const remoteRef = (ref: string) => gitCli(scratch, ['--git-dir', bare, 'rev-parse', '--verify', '--quiet', ref]).catch(() => '');
  const branches = { cart: 'tagstream/shop-cart-3', search: 'tagstream/shop-search-7' } as const;
  const pr = () => tagstream(host, checkout, 'reconcile', '--pull-request', '--provider', host.kind, '--api-url', api.apiUrl, '--label', 'images', '--group', 'tag');

  beforeAll(async () => {
    await pushImage(registry, `${images}cart`, '3', makeImage({ created: '2026-11-06T00:00:00Z', labels: { cart: '1' } }));
    await pushImage(registry, `${images}search`, '7', makeImage({ created: '2026-11-06T00:00:00Z', labels: { search: '1' } }));
    const files: Record<string, string> = {};
    for (const [name, tag] of [['cart', '3'], ['search', '7']] as const) {
      files[`imagestreams/shop/${name}.yaml`] = imageStream(name, tag).replaceAll(`${registry.host}/shop/`, `${registry.host}/${images}`);
      files[`apps/${name}.yaml`] = deployment(name, tag).replaceAll(`${registry.host}/shop/`, `${registry.host}/${images}`);
    }
    let url: string;
    ({ url, bare } = await host.create(repository, files));
    checkout = await mkdtemp(join(scratch, `${host.kind}-per-tag-`));
    await gitCli(scratch, ['clone', '-q', host.cliUrl(url), checkout], host.cliEnv());
    await gitCli(checkout, ['remote', 'set-url', 'origin', url]);
    api = await startCodeHostApi({ kind: host.kind, token: TOKEN, repository, branchExists: async (b) => (await remoteRef(`refs/heads/${b}`)) !== '' });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('opens one request per tag branch, each on main with only its own move; a re-run changes nothing', async () => {
    const main = await remoteRef('refs/heads/main');
    const r = await pr();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(await remoteRef('refs/heads/main')).toBe(main);
    expect(api.requests.map((q) => [q.head, q.base, q.state]).sort()).toEqual([
      [branches.cart, 'main', 'open'],
      [branches.search, 'main', 'open'],
    ]);
    const heads: Record<string, string> = {};
    for (const [own, other, tag] of [['cart', 'search', '3'], ['search', 'cart', '7']] as const) {
      const request = api.requests.find((q) => q.head === branches[own])!;
      expect(request.labels).toEqual(['images']);
      expect(parsePullRequestTrailers(request.body).moves.map((m) => `${m.stream}:${m.tag}`)).toEqual([`shop/${own}:${tag}`]);
      expect(request.body).toContain(`Deployment shop/${own}`);
      expect(request.body).not.toContain(`shop/${other}`);
      heads[own] = await remoteRef(`refs/heads/${branches[own]}`);
      expect(await gitCli(scratch, ['--git-dir', bare, 'log', '--format=%P', '-1', heads[own]!])).toBe(main);
      // The branch pins its own workload and leaves the other tag's workload as it is on main.
      expect(await gitCli(scratch, ['--git-dir', bare, 'diff', 'main', heads[own]!, '--', `apps/${own}.yaml`])).toMatch(/^\+ +image: \S+@sha256:[0-9a-f]{64}$/m);
      expect(await gitCli(scratch, ['--git-dir', bare, 'diff', 'main', heads[own]!, '--', `apps/${other}.yaml`])).toBe('');
    }
    expect(api.violations).toEqual([]);

    const again = await pr();
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(api.requests).toHaveLength(2);
    for (const own of ['cart', 'search'] as const) expect(await remoteRef(`refs/heads/${branches[own]}`)).toBe(heads[own]);
    expect(await remoteRef('refs/heads/main')).toBe(main);
    expect(again.stdout).toMatch(/unchanged #1/);
    expect(again.stdout).toMatch(/unchanged #2/);
    expect(api.requests.map((q) => q.comments.length)).toEqual([0, 0]);
    expect(api.violations).toEqual([]);
  });
});
