import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImageStream, TagReference } from '../../../src/domain/image-stream.js';
import { importKeysForHints, type StreamSite } from '../../../src/daemon/event-targets.js';
import { parseRegistryNotification, type RegistryHint } from '../../../src/daemon/registry-events.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/daemon/${name}`, import.meta.url)), 'utf8'));

describe('parseRegistryNotification', () => {
  it('reads the push of a real docker-registry envelope, host from request.host', () => {
    const sample = fixture('notification-push-event.json') as { body: unknown };
    expect(parseRegistryNotification(sample.body)).toEqual({
      format: 'distribution',
      hints: [{ registry: '127.0.0.1:39131', repository: 'notify/app', tag: 'v1', digest: 'sha256:a82df56ea78f99f043c523e3b047943d3723ab4f24fe44ad2dbc6256a196a6e9' }],
      ignored: 0,
    });
  });

  it('keeps pushes and ignores pulls and deletes across a captured session', () => {
    const deliveries = fixture('notification-events-all.json') as { body: unknown }[];
    const results = deliveries.map((d) => parseRegistryNotification(d.body));
    expect(results.flatMap((r) => r.hints.map((h) => `${h.repository}:${h.tag}`))).toEqual(['notify/app:v1', 'notify/app:v1']);
    expect(results.reduce((n, r) => n + r.ignored, 0)).toBe(3);
  });

  const event = (over: Record<string, unknown>) => ({ action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'a/b', tag: 't', digest: 'sha256:x' }, request: { host: 'reg.example:5000' }, source: { addr: 'vm:5000' }, ...over });

  it.each<[string, unknown, RegistryHint[], number]>([
    ['blob push', { events: [event({ target: { mediaType: 'application/octet-stream', repository: 'a/b', digest: 'sha256:y' } })] }, [], 1],
    ['layer push with a tag field', { events: [event({ target: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', repository: 'a/b', tag: 't' } })] }, [], 1],
    ['push by digest (no tag)', { events: [event({ target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'a/b', digest: 'sha256:z' } })] }, [], 1],
    ['pull', { events: [event({ action: 'pull' })] }, [], 1],
    ['source.addr when request.host is missing', { events: [event({ request: {} })] }, [{ registry: 'vm:5000', repository: 'a/b', tag: 't', digest: 'sha256:x' }], 0],
    ['no host at all', { events: [event({ request: {}, source: {} })] }, [{ registry: undefined, repository: 'a/b', tag: 't', digest: 'sha256:x' }], 0],
    ['empty list', { events: [] }, [], 0],
    ['generic form', { repository: 'quay.io/org/app', tag: '1.0' }, [{ registry: undefined, repository: 'quay.io/org/app', tag: '1.0', digest: undefined }], 0],
    ['generic form with registry', { registry: '127.0.0.1:5000', repository: 'org/app', tag: 'latest' }, [{ registry: '127.0.0.1:5000', repository: 'org/app', tag: 'latest', digest: undefined }], 0],
  ])('%s', (_name, body, hints, ignored) => {
    expect(parseRegistryNotification(body)).toMatchObject({ hints, ignored });
  });

  it.each([
    ['not an object', [1, 2], /JSON object/],
    ['events not a list', { events: {} }, /events: expected a list/],
    ['event not an object', { events: ['x'] }, /events\[0\]: expected an object/],
    ['bad tag in event', { events: [event({ target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'a/b', tag: '-bad' } })] }, /events\[0\]\.target\.tag/],
    ['generic without tag', { repository: 'a/b' }, /tag: expected/],
    ['generic without repository', { tag: 'x' }, /repository: expected/],
    ['generic bad registry', { registry: 'http://x', repository: 'a', tag: 'b' }, /registry: expected host/],
  ])('rejects %s', (_name, body, message) => {
    expect(() => parseRegistryNotification(body)).toThrow(message);
  });
});

const vendor = (name: string): unknown => fixture(`webhooks/${name}`);

describe('vendor webhook payloads (fixtures from the vendors\' documentation)', () => {
  it.each<[string, string, Record<string, string>, RegistryHint[], number]>([
    ['Azure Container Registry push', 'acr-push.json', {}, [{ registry: 'myregistry.azurecr.io', repository: 'hello-world', tag: 'v1', digest: 'sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d' }], 0],
    ['Docker Hub', 'dockerhub-push.json', {}, [{ registry: undefined, repository: 'docker.io/svendowideit/testhook', tag: 'latest', digest: undefined }], 0],
    ['Harbor PUSH_ARTIFACT', 'harbor-push-artifact.json', {}, [{ registry: 'localhost', repository: 'harbor/alpine', tag: 'latest', digest: 'sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4' }], 0],
    ['Harbor push by digest', 'harbor-push-artifact-by-digest.json', {}, [], 1],
    ['Harbor CloudEvents', 'harbor-cloudevents-pushed.json', {}, [{ registry: 'localhost', repository: 'harbor/alpine', tag: 'latest', digest: 'sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4' }], 0],
    ['Quay repository push', 'quay-repo-push.json', {}, [{ registry: 'quay.io', repository: 'dgangaia/test', tag: 'latest', digest: undefined }], 0],
    ['GitHub package (by payload)', 'github-package-published.json', {}, [{ registry: 'ghcr.io', repository: 'octo-org/hello_docker', tag: 'latest', digest: expect.stringMatching(/^sha256:4c8b/) as string }], 0],
    ['GitHub package (X-GitHub-Event)', 'github-package-published.json', { githubEvent: 'package' }, [{ registry: 'ghcr.io', repository: 'octo-org/hello_docker', tag: 'latest', digest: expect.stringMatching(/^sha256:/) as string }], 0],
    ['GitHub ping', 'github-package-published.json', { githubEvent: 'ping' }, [], 1],
  ])('%s', (_name, file, context, hints, ignored) => {
    expect(parseRegistryNotification(vendor(file), context)).toMatchObject({ hints, ignored });
  });

  it.each<[string, unknown, RegistryHint[], number]>([
    ['Quay\'s older tag -> image map', { repository: 'devtable/ubuntu', docker_url: 'quay.io/devtable/ubuntu', updated_tags: { latest: 'b750fe79' } }, [{ registry: 'quay.io', repository: 'devtable/ubuntu', tag: 'latest', digest: undefined }], 0],
    ['self-hosted Quay with a port', { docker_url: 'quay.corp:8443/team/app', updated_tags: ['v1', 'v2'] }, [{ registry: 'quay.corp:8443', repository: 'team/app', tag: 'v1', digest: undefined }, { registry: 'quay.corp:8443', repository: 'team/app', tag: 'v2', digest: undefined }], 0],
    ['Docker Hub without push_data.tag', { push_data: { images: ['x'] }, repository: { repo_name: 'a/b' } }, [], 1],
    ['Harbor pull', { type: 'PULL_ARTIFACT', event_data: { resources: [{ tag: 'v1' }], repository: { repo_full_name: 'p/r' } } }, [], 1],
    ['GitHub npm package', { action: 'published', package: { package_type: 'npm', name: 'x', namespace: 'y' } }, [], 1],
    ['GitHub untagged container version', { action: 'published', registry_package: { package_type: 'CONTAINER', name: 'x', namespace: 'y', package_version: { container_metadata: { tag: { name: '', digest: 'sha256:1' } } } } }, [], 1],
    ['GitHub mixed-case owner', { action: 'updated', registry_package: { package_type: 'CONTAINER', name: 'App', namespace: 'My-Org', package_version: { container_metadata: { tag: { name: 'v1' } } }, registry: { url: 'https://ghcr.io/My-Org' } } }, [{ registry: 'ghcr.io', repository: 'my-org/app', tag: 'v1', digest: undefined }], 0],
  ])('%s', (_name, body, hints, ignored) => {
    expect(parseRegistryNotification(body)).toMatchObject({ hints, ignored });
  });

  it.each([
    ['Docker Hub without repo_name', { push_data: { tag: 'x' }, repository: {} }, /repository\.repo_name/],
    ['Quay with a bad tag', { docker_url: 'quay.io/a/b', updated_tags: ['-x'] }, /updated_tags\[0\]: invalid tag/],
    ['ACR with a bad tag', { action: 'push', target: { repository: 'a', tag: '-x', mediaType: 'application/vnd.oci.image.manifest.v1+json' }, request: { host: 'r.azurecr.io' } }, /^target\.tag: invalid tag/],
    ['Quay without docker_url', { updated_tags: ['x'] }, /docker_url/],
    ['Harbor with a bad tag', { type: 'PUSH_ARTIFACT', event_data: { resources: [{ tag: 'a b' }], repository: { repo_full_name: 'p/r' } } }, /event_data\.resources\[0\]\.tag/],
  ])('rejects %s', (_name, body, message) => {
    expect(() => parseRegistryNotification(body)).toThrow(message);
  });

  it('the GitHub fixture satisfies the webhook-package-published schema of GitHub\'s OpenAPI description', () => {
    const spec = JSON.parse(readFileSync(fileURLToPath(new URL('../../../node_modules/@octokit/openapi/generated/api.github.com.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
    const problems = schemaProblems(spec, { $ref: '#/components/schemas/webhook-package-published' }, vendor('github-package-published.json'), '$');
    expect(problems).toEqual([]);
  });

  it('the GitHub registry_package fixture satisfies the webhook-registry-package-published schema and parses to its container tag', () => {
    const spec = JSON.parse(readFileSync(fileURLToPath(new URL('../../../node_modules/@octokit/openapi/generated/api.github.com.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
    const payload = vendor('github-registry-package-published.json');
    expect(schemaProblems(spec, { $ref: '#/components/schemas/webhook-registry-package-published' }, payload, '$')).toEqual([]);
    expect(parseRegistryNotification(payload, { githubEvent: 'registry_package' })).toEqual({
      format: 'github',
      hints: [{ registry: 'ghcr.io', repository: 'octo-org/hello_docker', tag: 'latest', digest: 'sha256:9d1b6c1b4e2a7f3d5c8e0a2b4d6f8a0c2e4a6c8e0b2d4f6a8c0e2a4c6e8f0b1d' }],
      ignored: 0,
    });
  });
});

type Schema = { $ref?: string; type?: string; nullable?: boolean; required?: string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; enum?: unknown[] };

/** Required keys, types and enums along the payload (enough of JSON Schema for webhook payloads). */
function schemaProblems(spec: Record<string, unknown>, schema: Schema, value: unknown, path: string): string[] {
  while (schema.$ref !== undefined) schema = schema.$ref.split('/').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], spec) as Schema;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) {
    const results = alternatives.map((alt) => schemaProblems(spec, alt, value, path));
    return results.some((r) => r.length === 0) ? [] : (results[0] ?? []);
  }
  if (schema.allOf !== undefined) return schema.allOf.flatMap((s) => schemaProblems(spec, s, value, path));
  if (value === null) return schema.nullable === true || schema.type === undefined || schema.type === 'null' ? [] : [`${path}: null`];
  if (schema.enum !== undefined && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`];
  const type = Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type !== undefined && schema.type !== type && !(schema.type === 'number' && type === 'integer')) return [`${path}: expected ${schema.type}, got ${type}`];
  if (Array.isArray(value)) return schema.items === undefined ? [] : value.flatMap((v, i) => schemaProblems(spec, schema.items as Schema, v, `${path}[${i}]`));
  if (typeof value !== 'object') return [];
  const obj = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((k) => !(k in obj)).map((k) => `${path}.${k}: missing`);
  const nested = Object.entries(schema.properties ?? {}).flatMap(([k, s]) => (k in obj ? schemaProblems(spec, s, obj[k], `${path}.${k}`) : []));
  return [...missing, ...nested];
}

function stream(namespace: string, name: string, tags: TagReference[], dockerImageRepository?: string): StreamSite {
  const s: ImageStream = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name, namespace }, spec: { tags, dockerImageRepository } };
  return { namespace, name, stream: s };
}
const tag = (name: string, from: string, kind = 'DockerImage', extra: Partial<TagReference> = {}): TagReference => ({ name, from: { kind, name: from }, ...extra });

describe('importKeysForHints', () => {
  const streams = [
    stream('shop', 'app', [tag('latest', '127.0.0.1:5000/notify/app:v1'), tag('stable', '127.0.0.1:5000/notify/app:v2'), tag('pinned', '127.0.0.1:5000/notify/app@sha256:' + 'a'.repeat(64))]),
    stream('shop', 'busy', [tag('1', 'busybox'), tag('2', 'docker.io/library/busybox:latest'), tag('3', 'index.docker.io/library/busybox:1.36')]),
    stream('ops', 'local', [tag('dev', 'localhost:5000/team/tool:dev'), tag('ref', 'localhost:5000/team/tool:dev', 'DockerImage', { reference: true })]),
    stream('ops', 'follow', [tag('x', 'app:latest', 'ImageStreamTag')]),
    stream('ops', 'bulk', [], 'quay.io/org/bulk'),
    stream('ops', 'policy', [tag('stable', 'quay.io/org/policy:1.3.0', 'DockerImage', { annotations: { 'tagstream.io/tag-policy': 'semver:^1' } }), tag('fixed', 'quay.io/org/policy:1.3.0')]),
  ];
  const h = (registry: string | undefined, repository: string, t: string): RegistryHint => ({ registry, repository, tag: t, digest: undefined });

  it.each<[string, RegistryHint[], string[]]>([
    ['registry host + repository + tag', [h('127.0.0.1:5000', 'notify/app', 'v1')], ['shop/app:latest']],
    ['other tag of the same repository', [h('127.0.0.1:5000', 'notify/app', 'v2')], ['shop/app:stable']],
    ['unknown tag', [h('127.0.0.1:5000', 'notify/app', 'v3')], []],
    ['other registry, same path', [h('127.0.0.1:5001', 'notify/app', 'v1')], []],
    ['docker hub normalization (implicit latest)', [h('docker.io', 'library/busybox', 'latest')], ['shop/busy:1', 'shop/busy:2']],
    ['docker hub without host', [h(undefined, 'busybox', '1.36')], ['shop/busy:3']],
    ['loopback names are one registry; reference tags skipped', [h('127.0.0.1:5000', 'team/tool', 'dev')], ['ops/local:dev']],
    ['bulk import stream', [h('quay.io', 'org/bulk', '9')], ['ops/bulk:9']],
    ['several hints, sorted and unique', [h('127.0.0.1:5000', 'notify/app', 'v2'), h('localhost:5000', 'notify/app', 'v1'), h('127.0.0.1:5000', 'notify/app', 'v1')], ['shop/app:latest', 'shop/app:stable']],
    ['invalid repository in hint', [h('127.0.0.1:5000', 'UPPER/case', 'v1')], []],
    ['a new tag of a repository a tag policy follows', [h('quay.io', 'org/policy', '1.4.0')], ['ops/policy:stable']],
    ['a tag policy of another repository is not concerned', [h('quay.io', 'org/other', '1.4.0')], []],
  ])('%s', (_name, hints, keys) => {
    expect(importKeysForHints(streams, hints)).toEqual(keys);
  });

  it('maps a push to a mirror back to the source repository', () => {
    const mirrors = [{ source: 'docker.io/library', mirror: 'mirror.example.com/hub' }];
    expect(importKeysForHints(streams, [h('mirror.example.com', 'hub/busybox', 'latest')], mirrors)).toEqual(['shop/busy:1', 'shop/busy:2']);
    expect(importKeysForHints(streams, [h('mirror.example.com', 'hub/busybox', 'latest')])).toEqual([]);
  });
});
