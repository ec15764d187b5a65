/**
 * `tagstream set triggers` / `set image-lookup` through the in-process CLI (real composition,
 * directory workspace) on copies of test/fixtures/set/repo: flag parsing, oc's output lines,
 * exit codes (0 done, 1 failed, 2 usage) and the bytes written. No registry is contacted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { copyRepo, expectTree, removeCopies, SET_FIXTURES } from '../fixtures/set/set-repo.js';

afterEach(removeCopies);

async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: '/nonexistent' }, cwd, clock: fixedClock('2026-11-21T06:00:00Z') });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function inCopy(argv: string[]): Promise<{ dir: string; code: number; stdout: string; stderr: string }> {
  const { dir } = await copyRepo();
  return { dir, ...(await cli(argv, dir)) };
}

describe('tagstream set triggers (CLI)', () => {
  it('lists triggers; -n and flags before the verb work', async () => {
    const r = await inCopy(['set', 'triggers', 'deploy/web']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('NAME             TYPE    VALUE        AUTO\ndeployments/web  config               true\ndeployments/web  image   ubi:8 (web)  true\n');
    const other = await inCopy(['-n', 'other', 'set', 'triggers', 'deployment', 'web']);
    expect(other.stdout).toBe('NAME             TYPE    VALUE  AUTO\ndeployments/web  config         true\n');
  });

  it('--from-image=ubi:8 -c myapp writes the golden bytes and prints oc\'s line', async () => {
    const r = await inCopy(['set', 'triggers', 'deployment/myapp', '--from-image=ubi:8', '-c', 'myapp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/myapp triggers updated\n');
    expect(r.stderr).toBe('');
    expectTree(r.dir, 'from-image');
  });

  it('--manual=true and --remove-all on the CRLF file', async () => {
    const manual = await inCopy(['set', 'triggers', 'deployments/web', '--manual=true']);
    expect(manual.code, manual.stderr).toBe(0);
    expectTree(manual.dir, 'manual');
    const removeAll = await inCopy(['set', 'triggers', 'deploy/web', '--remove-all']);
    expect(removeAll.code, removeAll.stderr).toBe(0);
    expectTree(removeAll.dir, 'remove-all');
    // oc's pause is kept, and said out loud with the way back
    const undo = 'Undo with: tagstream set triggers deployment/web --from-config --auto\n';
    expect(removeAll.stderr).toMatch(/^warning: deployments\/web: spec\.paused is now true .* the Deployment stops rolling out\./);
    expect(removeAll.stderr.endsWith(undo)).toBe(true);
    expect(manual.stderr.endsWith(undo)).toBe(true);
    const back = await cli(['set', 'triggers', 'deployment/web', '--from-config', '--auto'], removeAll.dir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toBe('');
    expect(readFileSync(join(removeAll.dir, 'apps/web-crlf.yaml'), 'utf8')).toMatch(/\n {2}paused: false\r?\n/);
  });

  it('--dry-run prints "(dry run)" and writes nothing; -o name prints the object name', async () => {
    const dry = await inCopy(['set', 'triggers', 'dc/legacy', '--from-image', 'ubi:8', '-c', 'app', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe('deploymentconfig.apps.openshift.io/legacy triggers updated (dry run)\n');
    expectTree(dry.dir, undefined);
    const named = await inCopy(['set', 'triggers', 'dc/legacy', '--from-image', 'ubi:8', '-c', 'app', '-o', 'name']);
    expect(named.stdout).toBe('deploymentconfig.apps.openshift.io/legacy\n');
    expectTree(named.dir, 'dc-from-image');
  });

  it('webhook flags and BuildConfigs get oc\'s refusal, not "unknown option"', async () => {
    const hook = await inCopy(['set', 'triggers', 'deploy/web', '--from-github']);
    expect(hook.code).toBe(2);
    expect(hook.stderr).toMatch(/^error: deployments\/web does not support GitHub web hooks \(apps\/web-crlf\.yaml:\d+:\d+\)\n$/);
    const generic = await inCopy(['set', 'triggers', 'dc/legacy', '--from-webhook']);
    expect(generic.stderr).toMatch(/^error: deploymentconfigs\/legacy: deployment configs do not support web hooks/);
    const bc = await inCopy(['set', 'triggers', 'bc/builder', '--from-image', 'ubi:8', '-c', 'x']);
    expect(bc.code).toBe(1);
    expect(bc.stderr).toBe('Error from server (NotFound): buildconfigs.build.openshift.io "builder" not found\n');
    expectTree(hook.dir, undefined);
  });

  it('nothing to change: info line on stderr, exit 0, no write', async () => {
    const r = await inCopy(['set', 'triggers', 'deploy/web', '--auto']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('info: deployments/web was not changed\n');
    expectTree(r.dir, undefined);
  });

  it.each<[string, string[], number, string]>([
    ['flag validation', ['set', 'triggers', 'deploy/web', '--auto', '--manual'], 2, 'error: you must specify at most one of --auto or --manual\n'],
    [
      'missing --containers, located at the object',
      ['set', 'triggers', 'deploy/myapp', '--from-image', 'ubi:8'],
      2,
      'error: deployments/myapp: you must specify --containers when setting --from-image (apps/myapp.yaml:2:1)\n',
    ],
    ['unsupported kind', ['set', 'triggers', 'job/once', '--from-image', 'ruby:3.3', '-c', 'task'], 2, 'error: jobs/once does not support triggers (apps/batch.yaml:20:3)\n'],
    ['missing object', ['set', 'triggers', 'deploy/nope', '--auto'], 1, 'Error from server (NotFound): deployments.apps "nope" not found\n'],
    ['unknown type', ['set', 'triggers', 'svc/web'], 2, 'error: the server doesn\'t have a resource type "svc"\n'],
    ['-A', ['set', 'triggers', 'deploy/web', '-A'], 2, 'error: --all-namespaces cannot be used with set triggers: use -n NAMESPACE\n'],
  ])('%s', async (_name, argv, code, stderr) => {
    const r = await inCopy(argv);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(stderr);
    expect(r.stdout).toBe('');
    expectTree(r.dir, undefined);
  });

  it('--repo points at the repository from another directory', async () => {
    const { dir } = await copyRepo();
    const r = await cli(['set', 'triggers', 'deploy/web', '--repo', dir], '/');
    expect(r.stdout.split('\n')[2]).toBe('deployments/web  image   ubi:8 (web)  true');
  });

  it('help shows the examples', async () => {
    const r = await inCopy(['set', 'triggers', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tagstream set triggers deployment/web --from-image ubi:8 -c web');
  });
});

describe('tagstream set image-lookup (CLI)', () => {
  it('no argument lists the streams; -o json prints the rows', async () => {
    const r = await inCopy(['set', 'image-lookup']);
    expect(r.stdout).toBe('NAME   LOCAL\nmysql  true\nruby   false\nubi    false\n');
    const json = await inCopy(['set', 'image-lookup', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ items: [{ name: 'mysql', local: 'true' }, { name: 'ruby', local: 'false' }, { name: 'ubi', local: 'false' }] });
  });

  it('enables streams (golden bytes); --enabled=false turns one off', async () => {
    const on = await inCopy(['set', 'image-lookup', 'ubi', 'ruby', 'mysql']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toBe('imagestream.image.openshift.io/ubi image lookup updated\nimagestream.image.openshift.io/ruby image lookup updated\n');
    expect(on.stderr).toBe('info: imagestreams/mysql was not changed\n');
    expectTree(on.dir, 'lookup-streams');
    const off = await inCopy(['set', 'image-lookup', 'cronjob/nightly', '--enabled=false']);
    expect(off.code, off.stderr).toBe(0);
    expectTree(off.dir, 'lookup-off-cronjob');
  });

  it('a workload: resolve-names on the template, its images resolved at once', async () => {
    const r = await inCopy(['set', 'image-lookup', 'deploy/myapp']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(r.dir, 'apps/myapp.yaml'), 'utf8')).toBe(readFileSync(join(SET_FIXTURES, 'expected/lookup-deployment/apps/myapp.yaml'), 'utf8'));
  });

  it('--list on workloads; NotFound exits 1 and writes nothing', async () => {
    const list = await inCopy(['set', 'image-lookup', '--list', 'deploy/myapp', 'cronjob/nightly']);
    expect(list.stdout).toBe('NAME               LOCAL\ndeployments/myapp  false\ncronjobs/nightly   true\n');
    const missing = await inCopy(['set', 'image-lookup', 'ubi', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('info: no file was changed\nError from server (NotFound): imagestreams.image.openshift.io "nope" not found\n');
    expectTree(missing.dir, undefined);
  });
});
