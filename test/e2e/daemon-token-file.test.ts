/**
 * #12.10 as a user meets it: `tagstream serve` (the built bin) with its Git token in a file
 * (TAGSTREAM_GIT_TOKEN_FILE, as a mounted Kubernetes Secret provides it) clones from and pushes to a
 * git http-backend that refuses anonymous requests; the token never reaches the log or the data
 * directory's Git config. (The settings reader is unit-tested in test/unit/daemon/daemon-settings.test.ts.)
 * Needs `npm run build:ts` first.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemonProcess, waitFor, type DaemonProcess } from '../harness/daemon-process.js';
import { gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

const TOKEN = 'ghs_tokenFromAMountedFile0123456789';
let tmp: string;
let registry: TestRegistry;
let server: GitServer;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-daemon-token-file-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  server = await startGitServer({ users: { 'x-access-token': TOKEN } });
}, 60_000);

afterAll(async () => {
  await daemon?.kill();
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('serve with TAGSTREAM_GIT_TOKEN_FILE', () => {
  it('clones and pushes with the token from the file; the token is never logged or stored', async () => {
    const digest = await pushImage(registry, 'tok/app', 'v1', makeImage({ layers: [{ t: 'token-file\n' }] }));
    const url = await server.createBareRepo('token-file.git', {
      initialFiles: {
        'imagestreams/app.yaml': `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: default\nspec:\n  tags:\n  - name: v1\n    from:\n      kind: DockerImage\n      name: ${registry.host}/tok/app:v1\n    importPolicy:\n      scheduled: true\n`,
      },
    });
    const tokenFile = join(tmp, 'git-token');
    await writeFile(tokenFile, `${TOKEN}\n`);
    const data = join(tmp, 'data');
    daemon = startDaemonProcess(['--repo-url', url, '--data-dir', data, '--listen', `127.0.0.1:${await freePort()}`, '--scheduled-interval', '2s', '--poll-interval', '1s'], {
      HOME: join(tmp, 'home'),
      TAGSTREAM_ALLOW_SHORT_INTERVALS: '1',
      TAGSTREAM_GIT_TOKEN_FILE: tokenFile,
    });
    const d = daemon;
    const pushed = await waitFor('a run that pushed', async () => d.logs().find((l) => l['msg'] === 'run finished' && l['pushed'] === true), 20_000);
    expect(pushed['commit']).toMatch(/^[0-9a-f]{40}$/);
    const bare = join(server.root, 'token-file.git');
    expect(await gitCli(tmp, ['--git-dir', bare, 'rev-parse', 'main'])).toBe(pushed['commit']);
    expect(await gitCli(tmp, ['--git-dir', bare, 'show', 'main:imagestreams/app.yaml'])).toContain(`image: ${digest}`);
    expect(d.output()).not.toContain(TOKEN);
    expect(await readFile(join(data, '.git/config'), 'utf8')).not.toContain(TOKEN);
  });
});
