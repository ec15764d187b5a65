/**
 * `set triggers` / `set image-lookup` end to end through the in-process CLI with the real
 * composition, against a real distribution registry on 127.0.0.1: import a tag, add a trigger
 * (the container is pinned in the same command), move the tag and reconcile (the trigger the
 * verb wrote is followed), pause it (the next move is not). Registry stopped by PID, temp dir
 * removed in afterAll.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { makeImage, type TestImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

let registry: TestRegistry;
let repoDir: string;
let v1: TestImage;
let v2: TestImage;
let v3: TestImage;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: repoDir }, cwd: repoDir, clock: fixedClock('2026-11-21T06:00:00Z') });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const deployment = (): string => readFileSync(join(repoDir, 'myapp.yaml'), 'utf8');

const MYAPP = `# The application
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myapp
  namespace: demo
spec:
  template:
    spec:
      containers:
      - name: myapp
        image: ubi:8 # set by Tagstream
`;

beforeAll(async () => {
  registry = await startRegistry();
  repoDir = mkdtempSync(join(tmpdir(), 'tagstream-cli-set-'));
  v1 = makeImage({ layers: [{ 'v.txt': 'v1\n' }], created: '2026-11-20T06:00:00Z' });
  v2 = makeImage({ layers: [{ 'v.txt': 'v2\n' }], created: '2026-11-20T07:00:00Z' });
  v3 = makeImage({ layers: [{ 'v.txt': 'v3\n' }], created: '2026-11-20T08:00:00Z' });
  await pushImage(registry, 'ubi', '8', v1);
  writeFileSync(join(repoDir, '.tagstream.yaml'), 'defaultNamespace: demo\n');
  writeFileSync(
    join(repoDir, 'ubi.yaml'),
    `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ubi
  namespace: demo
spec:
  tags:
  - name: "8"
    from:
      kind: DockerImage
      name: ${registry.host}/ubi:8
    importPolicy:
      scheduled: true
`,
  );
  writeFileSync(join(repoDir, 'myapp.yaml'), MYAPP);
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  if (repoDir) rmSync(repoDir, { recursive: true, force: true });
});

describe('tagstream set triggers / image-lookup (real registry)', () => {
  it('imports ubi:8, then set triggers pins the container to <registry>/ubi@<v1> at once', async () => {
    const imported = await cli(['reconcile']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(deployment()).toBe(MYAPP);

    const set = await cli(['set', 'triggers', 'deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('deployment.apps/myapp triggers updated\n');
    expect(deployment()).toBe(
      MYAPP.replace(
        '  namespace: demo\n',
        `  namespace: demo\n  annotations:\n    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"myapp\\")].image"}]'\n`,
      ).replace('image: ubi:8 # set by Tagstream', `image: ${registry.host}/ubi@${v1.digest} # set by Tagstream`),
    );

    const list = await cli(['set', 'triggers', 'deploy/myapp']);
    expect(list.stdout).toBe(['NAME               TYPE    VALUE          AUTO', 'deployments/myapp  config                 true', 'deployments/myapp  image   ubi:8 (myapp)  true', ''].join('\n'));
  });

  it('the trigger the verb wrote is followed by reconcile when the tag moves', async () => {
    await pushImage(registry, 'ubi', '8', v2);
    const r = await cli(['reconcile']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployment()).toContain(`image: ${registry.host}/ubi@${v2.digest} # set by Tagstream\n`);
  });

  it('--manual pauses the trigger (and the Deployment): the next move is recorded but not applied', async () => {
    const manual = await cli(['set', 'triggers', 'deploy/myapp', '--manual']);
    expect(manual.code, manual.stderr).toBe(0);
    expect(deployment()).toContain('"paused":true}]\'\n');
    expect(deployment()).toContain('\n  paused: true\n');
    await pushImage(registry, 'ubi', '8', v3);
    const r = await cli(['reconcile']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(repoDir, 'ubi.yaml'), 'utf8')).toContain(v3.digest);
    expect(deployment()).toContain(`image: ${registry.host}/ubi@${v2.digest} # set by Tagstream\n`);
  });

  it('set image-lookup on the stream and its listing; NotFound exits 1 and writes nothing', async () => {
    const on = await cli(['set', 'image-lookup', 'ubi']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toBe('imagestream.image.openshift.io/ubi image lookup updated\n');
    expect(readFileSync(join(repoDir, 'ubi.yaml'), 'utf8')).toContain('\n  lookupPolicy:\n    local: true\n');
    const list = await cli(['set', 'image-lookup']);
    expect(list.stdout).toBe('NAME  LOCAL\nubi   true\n');
    // kubectl's resource-type forms
    for (const argv of [['is', '--list'], ['imagestreams'], ['imagestream/ubi', '--list'], ['is', 'ubi', '--list']]) {
      const typed = await cli(['set', 'image-lookup', ...argv]);
      expect(typed.code, `${argv.join(' ')}: ${typed.stderr}`).toBe(0);
      expect(typed.stdout, argv.join(' ')).toBe('NAME  LOCAL\nubi   true\n');
    }
    const before = readFileSync(join(repoDir, 'ubi.yaml'), 'utf8');
    const missing = await cli(['set', 'image-lookup', 'ubi', 'nope', '--enabled=false']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): imagestreams.image.openshift.io "nope" not found\n');
    expect(readFileSync(join(repoDir, 'ubi.yaml'), 'utf8')).toBe(before);
  });

  it('usage errors exit 2 with oc\'s wording', async () => {
    const r = await cli(['set', 'triggers', 'deploy/myapp', '--auto', '--manual']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: you must specify at most one of --auto or --manual\n');
  });
});
