// Pull-request mode with update targets, end to end: the real CNCF registry, a real Git remote over
// `git http-backend`, the GitHub API as the OpenAPI-checked loopback stub, and the CLI as users run
// it (`reconcile --pull-request --provider github`). One new image behind shop/web:1 is proposed as
// one pull request whose branch moves a Rollout, Helm values, a Kustomization, a JSON file (rule)
// and a Dockerfile, and whose body lists every target as file:line, field, old -> new.
// TAGSTREAM_E2E_PR_BODY=path writes the body (for the closing note).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { parsePullRequestTrailers } from '../../src/planning/pull-request-body.js';
import { loadGitHubOpenApi, startGitHubApi, type GitHubApiServer } from '../harness/github-api.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { targetsRepo } from './targets-fixture.js';

const TOKEN = 'ghs_e2eTargetsToken0123456789';

let registry: TestRegistry;
let server: GitServer;
let api: GitHubApiServer;
let tmp: string;
let clone: string;
let bare: string;
let url: string;

const image = (version: string) => makeImage({ layers: [{ VERSION: `${version}\n` }], created: '2026-11-20T10:00:00Z', labels: { version } });

async function tagstream(when: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const env = { HOME: join(tmp, 'home'), PATH: process.env.PATH, TAGSTREAM_GIT_TOKEN: TOKEN };
  const code = await run(argv, { stdout, stderr, env, cwd: clone, clock: fixedClock(when) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const authed = (u: string) => u.replace('http://', `http://x-access-token:${TOKEN}@`);
const remoteRef = (ref: string) => gitCli(tmp, ['--git-dir', bare, 'rev-parse', '--verify', '--quiet', ref]).catch(() => '');

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-targets-pr-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  server = await startGitServer({ users: { 'x-access-token': TOKEN } });
  url = await server.createBareRepo('octo/gitops.git', { initialFiles: { 'README.md': '# gitops\n' } });
  bare = join(server.root, 'octo/gitops.git');
  clone = await cloneWorkingCopy(authed(url), join(tmp, 'clone'));
  await gitCli(clone, ['remote', 'set-url', 'origin', url]);
  api = await startGitHubApi({ openapi: loadGitHubOpenApi(), token: TOKEN, owner: 'octo', repo: 'gitops', branchSha: async (b) => (await remoteRef(`refs/heads/${b}`)) || undefined });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('reconcile --pull-request with update targets (GitHub stub, real registry and Git remote)', () => {
  it('proposes every target kind in one pull request whose body lists file:line, field, old -> new', async () => {
    const v1 = await pushImage(registry, 'web', '1', image('v1'));
    for (const [path, text] of Object.entries(targetsRepo(registry.host))) {
      await mkdir(dirname(join(clone, path)), { recursive: true });
      await writeFile(join(clone, path), text);
    }
    await gitCli(clone, ['add', '-A']);
    await gitCli(clone, ['commit', '-q', '-m', 'web app, chart, kustomization, config, Dockerfile']);
    const pinned = await tagstream('2026-11-21T07:00:00Z', 'reconcile', '--commit');
    expect(pinned.code, pinned.stderr).toBe(0);
    await gitCli(clone, ['push', '-q', authed(url), 'main']);
    const mainBefore = await remoteRef('refs/heads/main');

    const v2 = await pushImage(registry, 'web', '1', image('v2'));
    const opened = await tagstream('2026-11-21T07:10:00Z', 'reconcile', '--pull-request', '--provider', 'github', '--api-url', api.apiUrl);
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    expect(opened.stdout + opened.stderr).not.toContain(TOKEN);
    expect(await remoteRef('refs/heads/main')).toBe(mainBefore);
    expect(api.pulls).toHaveLength(1);
    const pr = api.pulls[0]!;
    expect(pr).toMatchObject({ head: 'tagstream/main', base: 'main', state: 'open' });
    if (process.env.TAGSTREAM_E2E_PR_BODY) await writeFile(process.env.TAGSTREAM_E2E_PR_BODY, `${pr.body}\n`);

    // the body: one row per target (file:line, field with its FIELD, old -> new, tag) and the Rollout
    const reg = registry.host;
    // (the file cell links to the line on the proposed branch)
    const row = (where: string, field: string, from: string, to: string) => {
      const [file, line] = where.split(':');
      const link = `[${where}](${server.url}/octo/gitops/blob/tagstream%2Fmain/${file}#L${line})`;
      return `| ${link} | \`${field}\` | \`${from}\` → \`${to}\` | \`shop/web:1\` |`;
    };
    const targetRows = pr.body.split('\n').filter((l) => l.startsWith('| [') && !l.includes('Rollout'));
    expect(targetRows).toEqual([
      row('charts/web/values.yaml:5', 'image.digest (digest)', v1, v2),
      row('config/app.json:4', 'image.ref', `${reg}/web@${v1}`, `${reg}/web@${v2}`),
      row('Dockerfile:2', 'FROM', `${reg}/web@${v1}`, `${reg}/web@${v2}`),
      row('kustomize/kustomization.yaml:9', 'images[0].digest (digest)', v1, v2),
    ]);
    expect(pr.body).toMatch(/^\| Rollout shop\/web \(\[apps\/rollout\.yaml:1\]\([^)]+\)\) \| `web` \| `spec\.template\.spec\.containers\[0\]\.image` \| `shop\/web:1` \|$/m);
    expect(pr.body).toContain('| Rollout shop/web, charts/web/values.yaml, config/app.json, Dockerfile, kustomize/kustomization.yaml |');
    expect(parsePullRequestTrailers(pr.body).moves.map((m) => `${m.stream}:${m.tag} ${m.to}`)).toEqual([`shop/web:1 ${v2}`]);

    // the branch is main plus one commit that changes exactly the stream and the five target files
    const head = await remoteRef('refs/heads/tagstream/main');
    expect(await gitCli(tmp, ['--git-dir', bare, 'log', '--format=%P', '-1', head])).toBe(mainBefore);
    const files = (await gitCli(tmp, ['--git-dir', bare, 'show', '--name-only', '--format=', head])).split('\n').sort();
    expect(files).toEqual(['Dockerfile', 'apps/rollout.yaml', 'charts/web/values.yaml', 'config/app.json', 'imagestreams/shop/web.yaml', 'kustomize/kustomization.yaml']);
    expect(await gitCli(tmp, ['--git-dir', bare, 'show', `${head}:Dockerfile`])).toContain(`FROM --platform=$BUILDPLATFORM ${reg}/web@${v2} AS base`);
    expect(await gitCli(tmp, ['--git-dir', bare, 'show', `${head}:config/app.json`])).toContain(`"ref": "${reg}/web@${v2}"`);
    const message = await gitCli(tmp, ['--git-dir', bare, 'log', '-1', '--format=%B', head]);
    expect(message).toContain('Tagstream-Target: Dockerfile:2 FROM reference shop/web:1');
    expect(message).toContain('Tagstream-Target: config/app.json:4 image.ref reference shop/web:1');
    // the user's working copy did not move
    expect(await gitCli(clone, ['status', '--porcelain'])).toBe('');
    expect(api.violations).toEqual([]);

    // a re-run proposes the same thing: same branch head, same request
    const again = await tagstream('2026-11-21T07:11:00Z', 'reconcile', '--pull-request', '--provider', 'github', '--api-url', api.apiUrl);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await remoteRef('refs/heads/tagstream/main')).toBe(head);
    expect(api.pulls).toHaveLength(1);
    expect(api.violations).toEqual([]);
  });
});
