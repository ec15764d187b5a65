#!/usr/bin/env node
// `npm run demo`: the main job on the example repository, with nothing to configure.
// 1. serves the images bundled in examples/quickstart-registry/ on 127.0.0.1 (read-only registry)
// 2. copies examples/quickstart/ into a temporary Git repository and points its .tagstream.yaml
//    mirror for registry.example.com at that registry (recorded references keep the original name)
// 3. runs `tagstream reconcile --dry-run`, then `tagstream reconcile --commit`, and shows the result.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveLayout } from './demo-registry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const fresh = (p) => existsSync(cli) && statSync(cli).mtimeMs >= statSync(p).mtimeMs;
if (!existsSync(cli) || !fresh(join(root, 'src', 'cli', 'main.ts'))) {
  console.log('$ npm run build:ts');
  execFileSync('npm', ['run', '--silent', 'build:ts'], { cwd: root, stdio: 'inherit' });
}

const step = (title) => console.log(`\n\x1b[1m== ${title}\x1b[0m`);
// The registry is served by this process: children must run asynchronously (spawnSync would block it).
const run = (args, cwd) =>
  new Promise((resolve) => {
    console.log(`$ tagstream ${args.join(' ')}`);
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    child.on('exit', (code) => {
      if (code !== 0 && code !== 1) process.exit(code ?? 1);
      resolve(code);
    });
  });
const git = (args, cwd, show = true) => {
  if (show) console.log(`$ git ${args.join(' ')}`);
  return execFileSync('git', args, { cwd, stdio: show ? 'inherit' : 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
};

const registry = await serveLayout(join(root, 'examples', 'quickstart-registry'));
try {
  const repo = mkdtempSync(join(tmpdir(), 'tagstream-demo-'));
  cpSync(join(root, 'examples', 'quickstart'), repo, { recursive: true });
  appendFileSync(
    join(repo, '.tagstream.yaml'),
    `# added by the demo: pull registry.example.com from the demo registry on loopback\nregistries:\n  mirrors:\n  - source: registry.example.com\n    mirror: ${registry.host}\n`,
  );
  const id = ['-c', 'user.name=Demo User', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false'];
  git(['init', '-q', '-b', 'main'], repo, false);
  git(['add', '-A'], repo, false);
  git([...id, 'commit', '-q', '-m', 'Initial manifests'], repo, false);

  step(`A GitOps repository with ImageStreams and triggered workloads (${repo})`);
  await run(['get', 'is', '-n', 'shop'], repo);

  step('What a reconcile would do (nothing is written)');
  await run(['reconcile', '--dry-run'], repo);

  step('Reconcile and commit');
  await run(['reconcile', '--commit'], repo);
  git(['log', '--format=%h %s%n%n%b', '-1'], repo);

  step('The workloads and the Dockerfile changed only in their image lines');
  git(['--no-pager', 'diff', '--stat', 'HEAD~1', 'HEAD'], repo);
  git(['--no-pager', 'diff', '-U0', 'HEAD~1', 'HEAD', '--', 'apps', 'Dockerfile'], repo);

  step('History is recorded in the ImageStream status, as OpenShift does');
  await run(['describe', 'is/frontend', '-n', 'shop', '--no-registry'], repo);

  step('A second reconcile finds nothing to do');
  await run(['reconcile', '--commit'], repo);
  console.log(`\nThe demo repository stays at ${repo} for you to look at.`);
} finally {
  await registry.close();
}
