/**
 * The Action as the runner runs it: `node action-dist/index.js` with INPUT_* environment and
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, against a real registry (htpasswd, credentials
 * from the `registry-auth` input), a real Git remote over HTTP (git http-backend) and the
 * OpenAPI-checked loopback GitHub API.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputEnvName } from '../../src/config/action-inputs.js';
import { parsePullRequestTrailers } from '../../src/planning/pull-request-body.js';
import { startGitHubApi, loadGitHubOpenApi, type GitHubApiServer, type OpenApiDocument } from '../harness/github-api.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { runRecordingV8Flags } from '../harness/v8-flags.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'action-dist/index.js');
const TOKEN = 'ghs_e2eActionToken0123456789';
const GIT_USER = 'x-access-token';

let registry: TestRegistry;
let git: GitServer;
let api: GitHubApiServer;
let doc: OpenApiDocument;
let scratch: string;

function imageStream(name: string, tag: string): string {
  return `apiVersion: image.openshift.io/v1
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
    importPolicy:
      scheduled: true
    referencePolicy:
      type: Source
`;
}

function deployment(name: string, tag: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"${name}:${tag}"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: app
          image: ${registry.host}/shop/${name}:${tag}
`;
}

interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)) out[m[1]!] = m[3]!;
  return out;
}

/** Run the committed bundle in `checkout` exactly as the runner would. */
async function runAction(checkout: string, inputs: Record<string, string>): Promise<ActionRun> {
  const dir = await mkdtemp(join(scratch, 'run-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_WORKSPACE: checkout,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'octo/gitops',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_API_URL: api.apiUrl,
    RUNNER_TEMP: dir,
    ...Object.fromEntries(
      Object.entries({
        token: TOKEN,
        'registry-auth': JSON.stringify({ auths: { [registry.host]: { auth } } }),
        'commit-author': 'Tagstream Bot <bot@example.test>',
        ...inputs,
      }).map(([k, v]) => [inputEnvName(k), v]),
    ),
  };
  const child = spawn(process.execPath, [BUNDLE], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const result = { code, stdout, stderr, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
  await rm(dir, { recursive: true, force: true });
  return result;
}

async function remoteBranch(repoUrl: string, branch: string): Promise<string | undefined> {
  const out = await gitCli(scratch, ['ls-remote', authed(repoUrl), `refs/heads/${branch}`]);
  return out.split(/\s+/)[0] || undefined;
}

const authed = (url: string) => url.replace('http://', `http://${GIT_USER}:${TOKEN}@`);

/** What actions/checkout gives every job: a fresh clone of the branch, no credentials in the URL. */
async function freshCheckout(url: string): Promise<string> {
  const checkout = await cloneWorkingCopy(authed(url), join(await mkdtemp(join(scratch, 'ws-')), 'repo'));
  await gitCli(checkout, ['remote', 'set-url', 'origin', url]);
  return checkout;
}

async function fixture(name: string, files: Record<string, string>): Promise<{ url: string; checkout: string }> {
  const url = await git.createBareRepo(`${name}.git`, { initialFiles: files });
  return { url, checkout: await freshCheckout(url) };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tagstream-action-e2e-'));
  doc = loadGitHubOpenApi();
  registry = await startRegistry({ auth: 'htpasswd' });
  git = await startGitServer({ users: { [GIT_USER]: TOKEN } });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await git?.stop();
  await registry?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('pull-request mode (group all)', () => {
  let repo: { url: string; checkout: string };
  let firstHead: string | undefined;

  beforeAll(async () => {
    await pushImage(registry, 'shop/frontend', '1.4', makeImage({ created: '2026-11-01T00:00:00Z', labels: { v: '1' } }));
    await pushImage(registry, 'shop/worker', 'latest', makeImage({ created: '2026-11-02T00:00:00Z', labels: { v: '1' } }));
    repo = await fixture('gitops', {
      'imagestreams/shop/frontend.yaml': imageStream('frontend', '1.4'),
      'imagestreams/shop/worker.yaml': imageStream('worker', 'latest'),
      'apps/frontend.yaml': deployment('frontend', '1.4'),
    });
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: (b) => remoteBranch(repo.url, b) });
  }, 60_000);

  it('runs with V8 tuned as the CLI does; a bad TAGSTREAM_HEAP_GROWING_PERCENT is a warning annotation', () => {
    const env = { PATH: process.env.PATH, HOME: scratch };
    expect(runRecordingV8Flags(BUNDLE, [], { cwd: scratch, env }).flags).toEqual(['--heap-growing-percent=100', '--interrupt-budget=540672']);
    const bad = runRecordingV8Flags(BUNDLE, [], { cwd: scratch, env: { ...env, TAGSTREAM_HEAP_GROWING_PERCENT: '2x' } });
    expect(bad.flags).toEqual(['--heap-growing-percent=100', '--interrupt-budget=540672']);
    expect(bad.stdout).toContain(`::warning::TAGSTREAM_HEAP_GROWING_PERCENT: expected a whole number of percent (0 for V8's own choice), got "2x"; using 100`);
  });

  it('opens a pull request from tagstream/main and leaves main alone', async () => {
    const mainBefore = await remoteBranch(repo.url, 'main');
    const run = await runAction(repo.checkout, { 'pr-labels': 'images' });
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(await remoteBranch(repo.url, 'main')).toBe(mainBefore);
    // The job's checkout is untouched: a later `git push` step cannot publish the proposal.
    expect(await gitCli(repo.checkout, ['rev-parse', 'HEAD'])).toBe(mainBefore);
    expect(await gitCli(repo.checkout, ['status', '--porcelain'])).toBe('');
    firstHead = await remoteBranch(repo.url, 'tagstream/main');
    expect(firstHead).toMatch(/^[0-9a-f]{40}$/);
    expect(api.pulls).toHaveLength(1);
    const pr = api.pulls[0]!;
    expect(pr).toMatchObject({ head: 'tagstream/main', base: 'main', state: 'open', labels: ['images'] });
    expect(pr.body).toMatch(/^Tagstream-Move: shop\/frontend:1\.4 - -> sha256:[0-9a-f]{64}$/m);
    expect(pr.body).toMatch(/^Tagstream-Move: shop\/worker:latest - -> sha256:[0-9a-f]{64}$/m);
    expect(pr.body).toContain('Deployment shop/frontend');
    // the plan table carries each image's creation time (read from its config blob)
    expect(pr.body).toMatch(/\| `shop\/frontend:1\.4` \|[^\n]*\| 20\d\d-\d\d-\d\d/);
    if (process.env.TAGSTREAM_E2E_LOG) console.log(`--- pull request #1 body ---\n${pr.body}\n---`);
    expect(run.outputs).toMatchObject({ changed: 'true', 'pull-request-number': '1', 'commit-sha': firstHead });
    expect(JSON.parse(run.outputs['plan']!).moves).toHaveLength(2);
    expect(run.summary).toContain('### Tagstream (pull-request) on `main`');
    // Secrets were registered with the runner, and never printed otherwise.
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(run.stdout.split(TOKEN).length).toBe(2);
    expect(run.stdout.split('\n').filter((l) => l.includes(registry.password!))).toEqual([`::add-mask::${registry.password}`, `::add-mask::${registry.username}:${registry.password}`]);
    expect(api.violations).toEqual([]);
    // The branch is main plus one commit.
    const log = await gitCli(scratch, ['--git-dir', join(git.root, 'gitops.git'), 'log', '--format=%P', '-1', 'tagstream/main']);
    expect(log).toBe(mainBefore);
  });

  it('re-running with the same moves makes no new commit and opens no second PR', async () => {
    const run = await runAction(await freshCheckout(repo.url), { 'pr-labels': 'images' });
    expect(run.code, run.stdout).toBe(0);
    expect(await remoteBranch(repo.url, 'tagstream/main')).toBe(firstHead);
    expect(api.pulls).toHaveLength(1);
    expect(run.outputs['pull-request-number']).toBe('1');
    expect(api.violations).toEqual([]);
  });

  it('a newer digest updates the same PR and force-updates its branch', async () => {
    const newer = await pushImage(registry, 'shop/frontend', '1.4', makeImage({ created: '2026-11-03T00:00:00Z', labels: { v: '2' } }));
    const run = await runAction(await freshCheckout(repo.url), { 'pr-labels': 'images' });
    expect(run.code, run.stdout).toBe(0);
    const head = await remoteBranch(repo.url, 'tagstream/main');
    expect(head).not.toBe(firstHead);
    expect(api.pulls).toHaveLength(1);
    expect(api.pulls[0]!.body).toMatch(new RegExp(`^Tagstream-Move: shop/frontend:1\\.4 - -> ${newer}$`, 'm'));
    expect(await gitCli(scratch, ['--git-dir', join(git.root, 'gitops.git'), 'show', `tagstream/main:imagestreams/shop/frontend.yaml`])).toContain(newer);
    expect(api.violations).toEqual([]);
  });

  it('closes the PR with a comment once its moves are on main', async () => {
    const branchHead = await remoteBranch(repo.url, 'tagstream/main');
    // The moves reach main outside the PR (a maintainer fast-forwards main to the branch locally).
    await gitCli(scratch, ['--git-dir', join(git.root, 'gitops.git'), 'update-ref', 'refs/heads/main', branchHead!]);
    const run = await runAction(await freshCheckout(repo.url), {});
    expect(run.code, run.stdout).toBe(0);
    expect(api.pulls[0]!.state).toBe('closed');
    expect(api.pulls[0]!.comments[0]).toMatch(/^Closing: `shop\/frontend:1\.4`, `shop\/worker:latest` are already on `main`/);
    expect(run.outputs).toMatchObject({ changed: 'false', 'pull-request-number': '' });
    expect(api.violations).toEqual([]);
  });

  it('does not propose a digest again once a human closed its PR without merging', async () => {
    const newest = await pushImage(registry, 'shop/frontend', '1.4', makeImage({ created: '2026-11-05T00:00:00Z', labels: { v: '3' } }));
    const opened = await runAction(await freshCheckout(repo.url), {});
    expect(opened.code, opened.stdout).toBe(0);
    expect(api.pulls).toHaveLength(2);
    const pr = api.pulls[1]!;
    expect(pr.body).toContain(newest);
    api.closePull(pr.number, false);

    const rerun = await runAction(await freshCheckout(repo.url), {});
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(api.pulls).toHaveLength(2);
    expect(JSON.parse(rerun.outputs['plan']!).held).toEqual([{ stream: 'shop/frontend', tag: '1.4', image: newest, heldBy: `#${pr.number}`, reason: 'pull-request-closed' }]);
    expect(rerun.summary).toContain(`proposed in #${pr.number}, closed without merging`);
    expect(rerun.outputs['changed']).toBe('false');
    expect(api.violations).toEqual([]);
  });
});

describe('pull-request mode (group tag)', () => {
  it('opens one PR per tag, each branch main plus only its own move', async () => {
    await pushImage(registry, 'shop/cart', '3', makeImage({ created: '2026-11-06T00:00:00Z', labels: { cart: '1' } }));
    await pushImage(registry, 'shop/search', '7', makeImage({ created: '2026-11-06T00:00:00Z', labels: { search: '1' } }));
    const repo = await fixture('per-tag', {
      'imagestreams/shop/cart.yaml': imageStream('cart', '3'),
      'imagestreams/shop/search.yaml': imageStream('search', '7'),
    });
    await api?.close();
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: (b) => remoteBranch(repo.url, b) });
    const run = await runAction(repo.checkout, { group: 'tag', 'pr-title': 'images: {tags}' });
    expect(run.code, run.stdout).toBe(0);
    expect(api.pulls.map((p) => [p.head, p.title])).toEqual([
      ['tagstream/shop-cart-3', 'images: shop/cart:3'],
      ['tagstream/shop-search-7', 'images: shop/search:7'],
    ]);
    const bare = ['--git-dir', join(git.root, 'per-tag.git')];
    const main = await remoteBranch(repo.url, 'main');
    for (const [branch, own, other] of [['tagstream/shop-cart-3', 'cart', 'search'], ['tagstream/shop-search-7', 'search', 'cart']] as const) {
      expect(await gitCli(scratch, [...bare, 'log', '--format=%P', '-1', branch])).toBe(main);
      const body = api.pulls.find((p) => p.head === branch)!.body;
      expect(parsePullRequestTrailers(body).moves.map((m) => `${m.stream}:${m.tag}`)).toEqual([`shop/${own}:${own === 'cart' ? '3' : '7'}`]);
      // Its own tag gets history; the other tag's move is not on this branch. (reconcile may still
      // normalise the other stream's metadata: see the report.)
      expect(await gitCli(scratch, [...bare, 'diff', 'main', branch, '--', `imagestreams/shop/${own}.yaml`])).toMatch(/^\+status:$/m);
      expect(await gitCli(scratch, [...bare, 'diff', 'main', branch, '--', `imagestreams/shop/${other}.yaml`])).not.toMatch(/^\+status:$/m);
    }
    expect(api.violations).toEqual([]);
  });
});

describe('pull-request mode with update targets (#14.5)', () => {
  it('proposes the marked Helm values and the Dockerfile FROM in the pull request, file:line and old -> new in its body', async () => {
    const digest = await pushImage(registry, 'shop/web', '1', makeImage({ created: '2026-11-07T00:00:00Z', labels: { web: '1' } }));
    const repo = await fixture('targets', {
      'imagestreams/shop/web.yaml': imageStream('web', '1'),
      'charts/web/values.yaml': `image:\n  repository: old.example.com/web   # {"$imagestream": "shop/web:1:name"}\n  digest: ""                         # {"$imagestream": "shop/web:1:digest"}\n`,
      Dockerfile: `# {"$imagestream": "shop/web:1"}\nFROM --platform=$BUILDPLATFORM old.example.com/web:0 AS base\nRUN true\n`,
    });
    await api?.close();
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: (b) => remoteBranch(repo.url, b) });
    const run = await runAction(repo.checkout, {});
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(api.pulls).toHaveLength(1);
    const body = api.pulls[0]!.body;
    expect(body).toMatch(/\| \[charts\/web\/values\.yaml:2\]\([^)]*\) \| `image\.repository \(name\)` \| `old\.example\.com\/web` → `[^`]+\/shop\/web` \|/);
    expect(body).toMatch(/\| \[charts\/web\/values\.yaml:3\]\([^)]*\) \| `image\.digest \(digest\)` \| _empty_ → `sha256:[0-9a-f]{64}` \|/);
    expect(body).toMatch(/\| \[Dockerfile:2\]\([^)]*\) \| `FROM` \| `old\.example\.com\/web:0` → `[^`]+@sha256:[0-9a-f]{64}` \|/);
    const bare = ['--git-dir', join(git.root, 'targets.git')];
    const changed = (await gitCli(scratch, [...bare, 'diff', '--name-only', 'main', 'tagstream/main'])).split('\n').sort();
    expect(changed).toEqual(['Dockerfile', 'charts/web/values.yaml', 'imagestreams/shop/web.yaml']);
    expect(await gitCli(scratch, [...bare, 'show', 'tagstream/main:Dockerfile'])).toBe(`# {"$imagestream": "shop/web:1"}\nFROM --platform=$BUILDPLATFORM ${registry.host}/shop/web@${digest} AS base\nRUN true`);
    expect(api.violations).toEqual([]);
  });
});

describe('commit mode', () => {
  it('pushes the moves straight to main', async () => {
    await pushImage(registry, 'shop/api', '2.0', makeImage({ created: '2026-11-04T00:00:00Z', labels: { api: '1' } }));
    const repo = await fixture('commit-mode', { 'imagestreams/shop/api.yaml': imageStream('api', '2.0') });
    const before = await remoteBranch(repo.url, 'main');
    const run = await runAction(repo.checkout, { mode: 'commit' });
    expect(run.code, run.stdout).toBe(0);
    const after = await remoteBranch(repo.url, 'main');
    expect(after).not.toBe(before);
    expect(run.outputs).toMatchObject({ changed: 'true', 'commit-sha': after });
    const message = await gitCli(scratch, ['--git-dir', join(git.root, 'commit-mode.git'), 'log', '--format=%an <%ae>%n%B', '-1', 'main']);
    expect(message).toMatch(/^Tagstream Bot <bot@example\.test>\n/);
    expect(message).toMatch(/^Tagstream-Move: shop\/api:2\.0 - -> sha256:[0-9a-f]{64}$/m);
  });
});

describe('dry-run mode', () => {
  it('annotates a bad manifest with file, line and column and fails the step', async () => {
    const repo = await fixture('bad-manifest', {
      'imagestreams/shop/broken.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: broken\n  namespace: shop\nspec:\n  tags: [\n',
    });
    const run = await runAction(repo.checkout, { mode: 'dry-run' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=Tagstream,file=imagestreams\/shop\/broken\.yaml,line=\d+,col=\d+::.+$/m);
    expect(run.outputs['changed']).toBe('false');
  });
});

describe('after `set image-lookup` is committed (#13.3)', () => {
  it('pull-request mode sees an empty plan: changed=false, no branch, no pull request', async () => {
    await pushImage(registry, 'shop/ruby', '3.3', makeImage({ created: '2026-11-07T00:00:00Z', labels: { ruby: '1' } }));
    const repo = await fixture('lookup', { 'imagestreams/shop/ruby.yaml': imageStream('ruby', '3.3'), 'apps/ruby.yaml': deployment('ruby', '3.3') });
    await api?.close();
    api = await startGitHubApi({ openapi: doc, token: TOKEN, branchSha: (b) => remoteBranch(repo.url, b) });
    // main first holds the imported stream and the pinned workload (commit mode)
    const settled = await runAction(repo.checkout, { mode: 'commit' });
    expect(settled.code, settled.stdout).toBe(0);
    expect(settled.outputs['changed']).toBe('true');

    // a user runs `tagstream set image-lookup` on a fresh clone, commits and pushes it
    const work = await freshCheckout(repo.url);
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist/cli/tagstream.js'), 'set', 'image-lookup', 'ruby', '-n', 'shop', '--repo', work], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: scratch } });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toBe('imagestream.image.openshift.io/ruby image lookup updated\n');
    expect(cli.status).toBe(0);
    expect(await gitCli(work, ['status', '--porcelain'])).toBe('M imagestreams/shop/ruby.yaml');
    await gitCli(work, ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.test', 'commit', '-qam', 'ruby: resolve short names locally']);
    await gitCli(work, ['push', '-q', authed(repo.url), 'HEAD:main']);
    const main = await remoteBranch(repo.url, 'main');

    const run = await runAction(await freshCheckout(repo.url), {});
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ changed: 'false', 'pull-request-number': '' });
    expect(JSON.parse(run.outputs['plan']!).moves).toEqual([]);
    expect(await remoteBranch(repo.url, 'tagstream/main')).toBeUndefined();
    expect(await remoteBranch(repo.url, 'main')).toBe(main);
    expect(api.pulls).toEqual([]);
    expect(api.violations).toEqual([]);
  });
});
