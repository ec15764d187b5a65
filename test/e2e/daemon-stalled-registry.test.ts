/**
 * #12.5 in the daemon: `tagstream serve` (the built bin) follows two scheduled tags, one on the real
 * registry, one on a registry that trickles its manifest (a byte every 200 ms; ~100 s in all). With
 * TAGSTREAM_REGISTRY_TIMEOUT=1s (or `--registry-timeout 1s`) the stalled tag fails at its deadline, the healthy tag is committed
 * and pushed, and the next scheduled runs are not blocked: they start and finish on schedule.
 * Needs `npm run build:ts` first.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, startDaemonProcess, waitFor, type DaemonProcess } from '../harness/daemon-process.js';
import { gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';
import { startTricklingRegistry, type TricklingRegistry } from '../harness/trickle-registry.js';

let tmp: string;
let registry: TestRegistry;
let stalled: TricklingRegistry;
let server: GitServer;
let daemon: DaemonProcess | undefined;

const stream = (name: string, from: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ${name}
  namespace: default
spec:
  tags:
  - name: v1
    from:
      kind: DockerImage
      name: ${from}
    importPolicy:
      scheduled: true
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-daemon-stalled-'));
  await mkdir(join(tmp, 'home'));
  registry = await startRegistry();
  stalled = await startTricklingRegistry({ byteIntervalMs: 200 });
  server = await startGitServer();
}, 60_000);

afterAll(async () => {
  await daemon?.kill();
  await stalled?.stop();
  await registry?.stop();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('serve with a stalled registry', () => {
  // The deadline set by the environment, or by serve's own flag (which the daemon's settings carry to the registry client).
  it.each<[string, string[], Record<string, string>]>([
    ['TAGSTREAM_REGISTRY_TIMEOUT=1s', [], { TAGSTREAM_REGISTRY_TIMEOUT: '1s' }],
    ['--registry-timeout 1s', ['--registry-timeout', '1s'], {}],
  ])('%s: fails only the stalled tag at the deadline; the healthy tag is pushed and the next runs are not blocked', async (_how, deadlineFlags, deadlineEnv) => {
    await daemon?.kill();
    const repoName = `stalled-${Object.keys(deadlineEnv).length === 0 ? 'flag' : 'env'}.git`;
    const digest = await pushImage(registry, 'stalled/healthy', 'v1', makeImage({ layers: [{ ok: 'yes\n' }] }));
    const url = await server.createBareRepo(repoName, {
      initialFiles: {
        'imagestreams/healthy.yaml': stream('healthy', `${registry.host}/stalled/healthy:v1`),
        'imagestreams/slow.yaml': stream('slow', `${stalled.host}/stalled/slow:v1`),
      },
    });
    const port = await freePort();
    daemon = startDaemonProcess(
      ['--repo-url', url, '--data-dir', join(tmp, `data-${repoName}`), '--listen', `127.0.0.1:${port}`, '--scheduled-interval', '2s', '--poll-interval', '1s', ...deadlineFlags],
      { HOME: join(tmp, 'home'), TAGSTREAM_ALLOW_SHORT_INTERVALS: '1', ...deadlineEnv },
    );
    const d = daemon;
    const finished = () => d.logs().filter((l) => l['msg'] === 'run finished');
    // without the deadline the first run alone would take ~100 s
    await waitFor('three finished runs', async () => (finished().length >= 3 ? true : undefined), 30_000);
    const runs = finished();
    expect(runs[0]?.['failed'], d.output()).toEqual([expect.stringMatching(/^default\/slow:v1: .*no complete answer from 127\.0\.0\.1:\d+ within 1 s/)]);
    expect(runs[0]?.['moved']).toEqual(['default/healthy:v1']);
    for (const later of runs.slice(1)) expect(later['failed']).toEqual([expect.stringMatching(/^default\/slow:v1: /)]);
    expect(stalled.manifestGets).toBeGreaterThanOrEqual(3);
    const healthy = parse(await gitCli(tmp, ['--git-dir', join(server.root, repoName), 'show', 'main:imagestreams/healthy.yaml']));
    expect(healthy.status.tags[0].items[0].image).toBe(digest);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  }, 60_000);
});
