import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../../src/errors.js';
import { referenceText } from '../../../src/domain/image-reference.js';
import type { ImageMetadata, InspectOptions, RegistryPort } from '../../../src/ports/registry.js';
import { BASIC_REPO, runCli, unreachableRegistry } from './helpers.js';

const D3 = `sha256:${'3'.repeat(64)}`;
const WARN_BROKEN = 'warning: broken.yaml:6:1: invalid YAML: ';
const WARN_CONFLICT = 'warning: imagestream openshift/dup is defined in more than one file: openshift/dup.yaml:1:1, openshift/python-copy.yaml:1:1\n';

describe('tagstream get', () => {
  it('get is: table of the default namespace, warnings on stderr, exit 0', async () => {
    const r = await runCli(['get', 'is']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'NAME    IMAGE REPOSITORY                                             TAGS             UPDATED',
        'empty                                                                                 ',
        'ruby    image-registry.openshift-image-registry.svc:5000/apps/ruby   3.3,latest,3.1   21 hours ago',
        'web                                                                  stable,next      About an hour ago',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain(WARN_BROKEN);
    expect(r.stderr).toContain(WARN_CONFLICT);
    // one line per problem: the per-site duplicate diagnostics are folded into the conflict line
    expect(r.stderr.split('\n').filter((l) => l.includes('dup'))).toHaveLength(1);
  });

  it('get is -A -o name: every stream outside Templates and conflicts; flags before the verb work too', async () => {
    for (const argv of [['get', 'is', '-A', '-o', 'name'], ['-A', '--output=name', 'get', 'is']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        ['empty', 'ruby', 'web', 'python'].map((n) => `imagestream.image.openshift.io/${n}\n`).join(''),
      );
      expect(r.stdout).not.toContain('from-template');
    }
  });

  it('--repo points at another directory', async () => {
    const r = await runCli(['get', 'is', '--repo', BASIC_REPO, '-n', 'openshift', '-o', 'name'], { cwd: '/' });
    expect(r.stdout).toBe('imagestream.image.openshift.io/python\n');
  });

  it('get is NAME -o json prints the object; several names print a List', async () => {
    const one = await runCli(['get', 'is', 'ruby', '-o', 'json']);
    expect(one.code).toBe(0);
    const obj = JSON.parse(one.stdout) as { kind: string; metadata: { namespace: string } };
    expect(obj.kind).toBe('ImageStream');
    expect(obj.metadata.namespace).toBe('apps');
    const two = await runCli(['get', 'is', 'ruby', 'web', '-o', 'yaml']);
    expect(two.stdout).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: image.openshift.io\/v1\n/);
    expect(two.stdout).toContain('\nkind: List\n');
  });

  it('get istag NAME:TAG -o json prints one ImageStreamTag', async () => {
    const r = await runCli(['get', 'istag', 'ruby:3.3', '-o', 'json']);
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.stdout) as { kind: string; metadata: { name: string }; image: { dockerImageReference: string } };
    expect(obj.kind).toBe('ImageStreamTag');
    expect(obj.metadata.name).toBe('ruby:3.3');
    expect(obj.image.dockerImageReference).toBe(`quay.io/sclorg/ruby-33-c9s@${D3}`);
  });

  it('get istag -o wide lists only tags with an image', async () => {
    const r = await runCli(['get', 'istag', '-o', 'wide']);
    const names = r.stdout.split('\n').slice(1, -1).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['ruby:3.1', 'ruby:3.3', 'ruby:latest', 'web:next']);
    expect(r.stdout.split('\n')[0]).toMatch(/IMAGE NAME$/);
  });

  it('unknown names: oc NotFound, exit 1, found objects still printed', async () => {
    const r = await runCli(['get', 'is', 'ruby', 'nope', '-o', 'name']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('imagestream.image.openshift.io/ruby\n');
    expect(r.stderr).toContain('Error from server (NotFound): imagestreams.image.openshift.io "nope" not found\n');
    const t = await runCli(['get', 'istag', 'web:stable']);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('Error from server (NotFound): imagestreamtags.image.openshift.io "web:stable" not found\n');
    const bad = await runCli(['get', 'istag', 'ruby']);
    expect(bad.stderr).toContain('Error from server (BadRequest): ImageStreamTags must be retrieved with <name>:<tag>\n');
  });

  it('a conflicting stream says so instead of NotFound', async () => {
    const r = await runCli(['get', 'is', 'dup', '-n', 'openshift']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: imagestream openshift/dup is defined in more than one file (openshift/dup.yaml, openshift/python-copy.yaml)');
  });

  it('empty namespace: kubectl notice on stderr, exit 0', async () => {
    const r = await runCli(['get', 'is', '-n', 'nothing-here']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No resources found in nothing-here namespace.\n');
  });

  it.each([
    [['get', 'is', '--bogus'], "error: unknown option '--bogus'"],
    [['get', 'is', '-o', 'xml'], 'error: unable to match a printer suitable for the output format "xml", allowed formats are: json,name,wide,yaml\n'],
    [['get', 'pods'], 'error: the server doesn\'t have a resource type "pods"'],
    [['get', 'is', 'ruby', '-A'], 'error: a resource cannot be retrieved by name across all namespaces'],
    [['get', 'is', '-n', 'Bad_NS'], 'error: invalid namespace "Bad_NS"'],
    [['tag', '--reference-policy=bogus', 'a', 'b:c'], "error: reference policy must be set to 'source' or 'local'\n"],
    [['tag', '--source=foo', 'a', 'b:c'], 'error: invalid source "foo"; valid values are docker, dockerimage, imagestreamimage, imagestreamtag, isimage, istag\n'],
    [['tag', '--import-mode=Modern', 'quay.io/a:1', 'b:c'], 'error: valid ImportMode values are Legacy or PreserveOriginal\n'],
    [['create', 'istag', 'a:1', '--from-image=quay.io/a:1', '--reference-policy=pull'], 'error: valid values for --reference-policy are: source, local\n'],
    [['create', 'istag', 'a:1', '-A', 'foo'], 'error: annotations must be of the form key=value, but is "foo"\n'],
    [['set', 'image-lookup', '--enabled=maybe', 'ruby'], 'error: invalid argument "maybe" for "--enabled" flag'],
    [[], 'Usage: tagstream'],
  ])('usage error %j exits 2', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('tagstream describe', () => {
  it('describe is/NAME and describe is NAME print the oc layout', async () => {
    const a = await runCli(['describe', 'is/ruby']);
    const b = await runCli(['describe', 'is', 'ruby']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.startsWith('Name:\t\t\truby\nNamespace:\t\tapps\n')).toBe(true);
    expect(a.stdout).toContain('\n3.3 (latest)\n  updates automatically from registry quay.io/sclorg/ruby-33-c9s:latest\n');
    expect(a.stdout).toContain('  ! error: Import failed (NotFound): ');
  });

  it('describe istag with registry metadata', async () => {
    const seen: { ref: string; options?: InspectOptions }[] = [];
    const meta: ImageMetadata = { digest: D3, mediaType: 'application/vnd.oci.image.manifest.v1+json', os: 'linux', architecture: 'amd64', layers: [{ digest: 'sha256:aa', size: 1000, mediaType: 'l' }], size: 2000 };
    const registry: RegistryPort = { ...unreachableRegistry(), inspect: async (ref, options) => (seen.push({ ref: referenceText(ref), options }), meta) };
    const r = await runCli(['describe', 'istag/ruby:3.3'], { registry });
    expect(r.code).toBe(0);
    expect(seen).toEqual([{ ref: `quay.io/sclorg/ruby-33-c9s@${D3}`, options: { insecure: false } }]);
    expect(r.stdout).toContain('Image Size:\t2kB in 1 layer\nLayers:\t\t1kB\tsha256:aa\n');
    expect(r.stderr).not.toContain('fetching'); // no progress without a terminal
    const tty = await runCli(['describe', 'istag/ruby:3.3'], { registry, tty: true });
    expect(tty.stderr).toContain('\rfetching image metadata for ruby:3.3 ...');
    expect(tty.stdout).not.toContain('fetching');
    expect(r.stdout).toContain('Arch:\t\tamd64\n');
  });

  it('registry failure: prints what the repo holds plus why metadata is missing, redacted', async () => {
    const registry: RegistryPort = {
      ...unreachableRegistry(),
      inspect: async () => {
        throw new RegistryError('RegistryTransient', 'connect ECONNREFUSED https://robot:s3cr3tpass@quay.io/v2/', { registry: 'quay.io' });
      },
    };
    const r = await runCli(['describe', 'istag', 'ruby:3.1'], { registry });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Docker Image:\timage-registry.openshift-image-registry.svc:5000/apps/ruby@sha256:');
    expect(r.stderr).toContain('warning: image metadata for ruby:3.1 could not be fetched from quay.io/sclorg/ruby-31-c9s@sha256:');
    expect(r.stderr).not.toContain('s3cr3tpass');
  });

  it('--no-registry never contacts a registry', async () => {
    const registry = unreachableRegistry();
    const r = await runCli(['describe', 'istag/ruby:3.3', '--no-registry'], { registry });
    expect(r.code).toBe(0);
    expect(registry.calls).toEqual([]);
    expect(r.stderr).not.toContain('image metadata');
  });
});

describe('tagstream image info', () => {
  const child = `sha256:${'c'.repeat(64)}`;
  const index: ImageMetadata = {
    digest: `sha256:${'f'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { digest: `sha256:${'a'.repeat(64)}`, mediaType: 'm', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: child, mediaType: 'm', size: 1, platform: { os: 'linux', architecture: 'arm64' } },
    ],
  };
  const registry: RegistryPort = {
    ...unreachableRegistry(),
    inspect: async (reference) => {
      const ref = referenceText(reference);
      if (ref.endsWith(child)) return { digest: child, mediaType: 'application/vnd.oci.image.manifest.v1+json', os: 'linux', architecture: 'arm64', created: '2026-11-20T06:00:00Z' };
      if (ref.includes('missing')) throw new RegistryError('RegistryNotFound', 'manifest unknown', { registry: 'r.example', status: 404 });
      return index;
    },
  };

  it('an index without --filter-by-os lists its platforms and fails like oc', async () => {
    const r = await runCli(['image', 'info', 'r.example/app:1'], { registry });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the image is a manifest list and contains multiple images - use --filter-by-os to select from:\n\n  OS          DIGEST\n  linux/amd64 sha256:');
  });

  it('--filter-by-os picks one platform', async () => {
    const r = await runCli(['image', 'info', 'r.example/app:1', '--filter-by-os', 'linux/arm64'], { registry });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Digest:        ${child}\nManifest List: sha256:${'f'.repeat(64)}\n`);
    expect(r.stdout).toContain('Created:       1d ago\n');
    const j = await runCli(['image', 'info', 'r.example/app:1', '--filter-by-os=linux/arm64', '-o', 'json'], { registry });
    expect((JSON.parse(j.stdout) as { digest: string }).digest).toBe(child);
  });

  it('registry errors read like oc', async () => {
    const r = await runCli(['image', 'info', 'r.example/missing:1'], { registry });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: image does not exist\n');
    const noTag = await runCli(['image', 'info', 'r.example/app'], { registry });
    expect(noTag.code).toBe(2);
  });
});
