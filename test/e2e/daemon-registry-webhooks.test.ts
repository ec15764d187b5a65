/**
 * Each vendor's registry webhook, from the HTTP request to the commit on the remote: `tagstream
 * serve` (child process), a real docker-registry that stands in for Docker Hub, Harbor, Quay, GHCR
 * and ACR (the SaaS names reach it through `registries.mirrors`, a self-hosted Harbor by its own host),
 * a real Git remote (git http-backend). GitHub sends `package` and `registry_package` events (both
 * signed with X-Hub-Signature-256). Payloads are the fixtures in test/fixtures/daemon/webhooks
 * (from each vendor's documentation), sent with the authentication each vendor can send. The
 * payload's digest, where it has one, is the documentation's and never the pushed one: the commit
 * must carry the digest re-read from the registry.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, freePort, startDaemonProcess, waitFor, type DaemonProcess } from '../harness/daemon-process.js';
import { cloneWorkingCopy, gitCli, startGitServer, type GitServer } from '../harness/git-server.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

const SECRET = 'e2e-vendor-webhook-secret-5150';
const GIT_USER = 'tagstream-bot';
const GIT_PASSWORD = 'e2e-git-password-vendor-4711';
const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/daemon/webhooks/${name}`, import.meta.url)), 'utf8');

const stream = (reg: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: vendors
  namespace: shop
spec:
  tags:
  - name: hub
    from:
      kind: DockerImage
      name: docker.io/svendowideit/testhook:latest
  - name: harbor
    from:
      kind: DockerImage
      name: ${reg}/harbor/alpine:latest
  - name: quay
    from:
      kind: DockerImage
      name: quay.io/dgangaia/test:latest
  - name: ghcr
    from:
      kind: DockerImage
      name: ghcr.io/octo-org/hello_docker:latest
  - name: acr
    from:
      kind: DockerImage
      name: myregistry.azurecr.io/hello-world:v1
`;

const settings = (reg: string) => `git:
  authorName: Tagstream Bot
  authorEmail: bot@example.test
registries:
  mirrors:
  - source: docker.io/svendowideit
    mirror: ${reg}/hub/svendowideit
  - source: quay.io/dgangaia
    mirror: ${reg}/quay/dgangaia
  - source: ghcr.io/octo-org
    mirror: ${reg}/ghcr/octo-org
  - source: myregistry.azurecr.io
    mirror: ${reg}/acr
`;

describe.skipIf(!existsSync(CLI_ENTRY))('registry webhooks of each vendor (end to end)', () => {
  let tmp: string;
  let registry: TestRegistry;
  let git: GitServer;
  let checkout: string;
  let base: string;
  let daemon: DaemonProcess;

  const remoteFile = async () => {
    await gitCli(checkout, ['fetch', '-q', 'origin', 'main']);
    return gitCli(checkout, ['show', 'origin/main:imagestreams/vendors.yaml']);
  };

  /** Push a new image, deliver the webhook, wait for the commit; returns the pushed digest. */
  async function deliver(repo: string, body: string, headers: Record<string, string>, query = '', tag = 'latest'): Promise<{ digest: string; text: string }> {
    const digest = await pushImage(registry, repo, tag, makeImage({ labels: { at: `${repo}-${Date.now()}` } }));
    const res = await fetch(`${base}/webhooks/registry${query}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(((await res.json()) as { queued: number }).queued).toBe(1);
    const text = await waitFor(`the commit of ${repo}@${digest}`, async () => {
      const t = await remoteFile();
      return t.includes(digest) ? t : undefined;
    }, 20_000, 50);
    return { digest, text };
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tagstream-vendor-webhooks-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    registry = await startRegistry();
    for (const repo of ['hub/svendowideit/testhook', 'harbor/alpine', 'quay/dgangaia/test', 'ghcr/octo-org/hello_docker']) {
      await pushImage(registry, repo, 'latest', makeImage({ labels: { first: repo } }));
    }
    await pushImage(registry, 'acr/hello-world', 'v1', makeImage({ labels: { first: 'acr' } }));
    git = await startGitServer({ users: { [GIT_USER]: GIT_PASSWORD } });
    const remote = await git.createBareRepo('gitops.git', { initialFiles: { 'imagestreams/vendors.yaml': stream(registry.host), '.tagstream.yaml': settings(registry.host) } });
    const authed = new URL(remote);
    authed.username = GIT_USER;
    authed.password = GIT_PASSWORD;
    checkout = await cloneWorkingCopy(authed.toString(), join(tmp, 'checkout'));
    const env = { HOME: tmp, DOCKER_CONFIG: join(tmp, 'docker'), TAGSTREAM_WEBHOOK_SECRET: SECRET, TAGSTREAM_GIT_USERNAME: GIT_USER, TAGSTREAM_GIT_PASSWORD: GIT_PASSWORD };
    const args = ['--repo-url', remote, '--branch', 'main', '--data-dir', join(tmp, 'data'), '--listen', `127.0.0.1:${port}`, '--poll-interval', '1h', '--grace-period', '300ms'];
    daemon = startDaemonProcess(args, env);
    await waitFor('readiness', async () => ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 20_000);
    await waitFor('the first commit (all five tags imported)', async () => ((await remoteFile()).match(/^ {2}- tag: /gm)?.length === 5 ? true : undefined), 20_000);
  }, 90_000);

  afterAll(async () => {
    await daemon?.kill();
    await registry?.stop();
    await git?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 30_000);

  it('Docker Hub: push_data.tag of repository.repo_name, secret in the query string', async () => {
    const { digest, text } = await deliver('hub/svendowideit/testhook', fixture('dockerhub-push.json'), {}, `?secret=${encodeURIComponent(SECRET)}`);
    expect(text).toContain(`docker.io/svendowideit/testhook@${digest}`);
    expect(await gitCli(checkout, ['log', '-1', '--format=%B', 'origin/main'])).toMatch(/shop\/vendors:hub .*\(webhook\)/);
  }, 30_000);

  it('Harbor PUSH_ARTIFACT (Default and CloudEvents payloads): Authorization header from the policy; the payload digest is not trusted', async () => {
    const payload = fixture('harbor-push-artifact.json').replaceAll('localhost/', `${registry.host}/`);
    const claimed = (JSON.parse(payload) as { event_data: { resources: { digest: string }[] } }).event_data.resources[0]?.digest ?? '';
    const first = await deliver('harbor/alpine', payload, { authorization: `Bearer ${SECRET}` });
    expect(first.text).toContain(`${registry.host}/harbor/alpine@${first.digest}`);
    expect(first.text).not.toContain(claimed);
    const cloud = fixture('harbor-cloudevents-pushed.json').replaceAll('localhost/', `${registry.host}/`);
    const second = await deliver('harbor/alpine', cloud, { authorization: `Bearer ${SECRET}` });
    expect(second.text).toContain(`${registry.host}/harbor/alpine@${second.digest}`);
  }, 30_000);

  it('Quay repository push: updated_tags of docker_url, secret in the query string', async () => {
    const { digest, text } = await deliver('quay/dgangaia/test', fixture('quay-repo-push.json'), {}, `?secret=${encodeURIComponent(SECRET)}`);
    expect(text).toContain(`quay.io/dgangaia/test@${digest}`);
  }, 30_000);

  it('GitHub package event (GHCR): X-Hub-Signature-256 over the body; the payload digest is not trusted', async () => {
    const body = fixture('github-package-published.json');
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const { digest, text } = await deliver('ghcr/octo-org/hello_docker', body, { 'x-github-event': 'package', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-hub-signature-256': signature });
    expect(text).toContain(`ghcr.io/octo-org/hello_docker@${digest}`);
    expect(text).not.toContain('sha256:4c8b8f3b');
  }, 30_000);

  it('GitHub registry_package event (GHCR): X-Hub-Signature-256 over the body; the payload digest is not trusted', async () => {
    const body = fixture('github-registry-package-published.json');
    const claimed = (JSON.parse(body) as { registry_package: { package_version: { container_metadata: { tag: { digest: string } } } } }).registry_package.package_version.container_metadata.tag.digest;
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const { digest, text } = await deliver('ghcr/octo-org/hello_docker', body, { 'x-github-event': 'registry_package', 'x-github-delivery': '9f6e2a40-cc78-11e3-81ab-4c9367dc0958', 'x-hub-signature-256': signature });
    expect(digest).not.toBe(claimed);
    expect(text).toContain(`ghcr.io/octo-org/hello_docker@${digest}`);
    expect(text).not.toContain(claimed);
    expect(await gitCli(checkout, ['log', '-1', '--format=%B', 'origin/main'])).toMatch(/shop\/vendors:ghcr .*\(webhook\)/);
  }, 30_000);

  it('Azure Container Registry push: one distribution-style event, secret in the query string; the payload digest is not trusted', async () => {
    const { digest, text } = await deliver('acr/hello-world', fixture('acr-push.json'), {}, `?secret=${encodeURIComponent(SECRET)}`, 'v1');
    expect(text).toContain(`myregistry.azurecr.io/hello-world@${digest}`);
    expect(text).not.toContain('sha256:80f0d5c8');
  }, 30_000);

  it('a wrong signature or query secret queues nothing, and the secret never reaches the log', async () => {
    const body = fixture('github-package-published.json');
    const forged = `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`;
    expect((await fetch(`${base}/webhooks/registry`, { method: 'POST', body, headers: { 'x-github-event': 'package', 'x-hub-signature-256': forged } })).status).toBe(401);
    // registry_package: signed with another secret, or this secret over another body (the signature of the unchanged body, the tag changed).
    const registryPackage = fixture('github-registry-package-published.json');
    const forgedRp = `sha256=${createHmac('sha256', 'not-the-secret').update(registryPackage).digest('hex')}`;
    expect((await fetch(`${base}/webhooks/registry`, { method: 'POST', body: registryPackage, headers: { 'x-github-event': 'registry_package', 'x-hub-signature-256': forgedRp } })).status).toBe(401);
    const signedOriginal = `sha256=${createHmac('sha256', SECRET).update(registryPackage).digest('hex')}`;
    const tampered = registryPackage.replace('"name": "latest"', '"name": "pwned"');
    expect(tampered).not.toBe(registryPackage);
    expect((await fetch(`${base}/webhooks/registry`, { method: 'POST', body: tampered, headers: { 'x-github-event': 'registry_package', 'x-hub-signature-256': signedOriginal } })).status).toBe(401);
    expect((await fetch(`${base}/webhooks/registry?secret=guess-${SECRET.slice(0, 8)}`, { method: 'POST', body: fixture('quay-repo-push.json') })).status).toBe(401);
    const formats = daemon.logs().filter((l) => l['msg'] === 'registry notification').map((l) => l['format']);
    expect(formats).toEqual(['dockerhub', 'harbor', 'harbor', 'quay', 'github', 'github', 'acr']);
    expect(daemon.output()).not.toContain(SECRET);
    expect(daemon.output()).not.toContain(`guess-${SECRET.slice(0, 8)}`);
    expect(daemon.output()).not.toContain(GIT_PASSWORD);
  });
});
