import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { isTagstreamError } from '../../../src/errors.js';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { parseImageStream, toImageStream } from '../../../src/inventory/image-stream-schema.js';
import { documentLocator, plainLocator } from '../../../src/edit/node-locator.js';

/** Parse YAML text as one ImageStream document located in `is.yaml`. */
function parseYaml(text: string, namespace?: string) {
  const file = loadSourceFile('is.yaml', text);
  const d = file.documents[0];
  if (!d) throw new Error('no document');
  return parseImageStream(d.value, documentLocator(file, d.doc), namespace ? { namespace } : {});
}

const head = 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\nspec:\n';

function tags(...lines: string[]): string {
  return `${head}  tags:\n${lines.join('\n')}\n`;
}

describe('parseImageStream: valid streams', () => {
  it('converts a full stream into a frozen model', () => {
    const r = parseYaml(
      `${head}  lookupPolicy:\n    local: true\n  tags:\n  - name: latest\n    annotations: null\n    from:\n      kind: DockerImage\n      name: quay.io/org/app:1.0\n    generation: 3\n    importPolicy:\n      scheduled: true\n      importMode: PreserveOriginal\n    referencePolicy:\n      type: Local\nstatus:\n  tags:\n  - tag: latest\n    items:\n    - created: "2024-01-01T00:00:00Z"\n      dockerImageReference: quay.io/org/app@sha256:${'a'.repeat(64)}\n      image: sha256:${'a'.repeat(64)}\n      generation: 3\n`,
    );
    expect(r.errors).toEqual([]);
    if (!r.ok) return;
    expect(r.stream.spec.lookupPolicy).toEqual({ local: true });
    expect(r.stream.spec.tags?.[0]).toEqual({
      name: 'latest',
      annotations: null,
      from: { kind: 'DockerImage', name: 'quay.io/org/app:1.0' },
      generation: 3,
      importPolicy: { scheduled: true, importMode: 'PreserveOriginal' },
      referencePolicy: { type: 'Local' },
    });
    expect(r.stream.status?.tags?.[0]?.items?.[0]?.generation).toBe(3);
    expect(Object.isFrozen(r.stream)).toBe(true);
    expect(Object.isFrozen(r.stream.spec.tags?.[0]?.from)).toBe(true);
  });

  it.each([
    ['2.0', '2.0'],
    ['1.10', '1.10'],
    ['10', '10'],
    ['"3.0"', '3.0'],
    ['true', 'true'],
  ])('keeps the source text of tag name %s', (yamlName, expected) => {
    const r = parseYaml(tags(`  - name: ${yamlName}`, '    from:', '      kind: DockerImage', '      name: busybox'));
    expect(r.ok && r.stream.spec.tags?.[0]?.name).toBe(expected);
  });

  it('accepts the legacy v1 apiVersion, ImageStreamTag aliases and ImageStreamImage', () => {
    const r = parseYaml(
      `apiVersion: v1\nkind: ImageStream\nmetadata:\n  name: app\nspec:\n  tags:\n  - name: a\n    from: {kind: ImageStreamTag, name: "1.0"}\n  - name: b\n    from: {kind: ImageStreamImage, name: "app@sha256:${'b'.repeat(64)}"}\n`,
    );
    expect(r.errors).toEqual([]);
  });

  it('accepts a stream without spec', () => {
    const r = parseYaml('apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n');
    expect(r.ok && r.stream.spec).toEqual({});
  });
});

describe('parseImageStream: OpenShift validation, located at the offending node', () => {
  it.each([
    [
      'unsupported from.kind',
      tags('  - name: a', '    from: {kind: DockerImage, name: busybox}', '  - name: b', '    from: {kind: DockerImage, name: busybox}', '  - name: c', '    from:', '      kind: Foo', '      name: x'),
      `The ImageStream "app" is invalid: spec.tags[c].from.kind: Unsupported value: "Foo": valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag' (is.yaml:13:13)`,
    ],
    [
      'invalid import mode',
      tags('  - name: a', '    from: {kind: DockerImage, name: busybox}', '    importPolicy:', '      importMode: Fast'),
      `The ImageStream "app" is invalid: spec.tags[a].importPolicy.importMode: invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'; got "Fast" (is.yaml:10:19)`,
    ],
    [
      'invalid reference policy',
      tags('  - name: a', '    from: {kind: DockerImage, name: busybox}', '  - name: b', '    from: {kind: DockerImage, name: busybox}', '    referencePolicy:', '      type: Remote'),
      'The ImageStream "app" is invalid: spec.tags[b].referencePolicy.type: valid values are "Source", "Local"; got "Remote" (is.yaml:12:13)',
    ],
    [
      'scheduled on an ImageStreamTag',
      tags('  - name: a', '    from: {kind: ImageStreamTag, name: "other:1"}', '    importPolicy: {scheduled: true}'),
      'The ImageStream "app" is invalid: spec.tags[a].importPolicy.scheduled: only tags pointing to Docker repositories may be scheduled for background import (is.yaml:9:31)',
    ],
    ['missing from.name', tags('  - name: a', '    from: {kind: DockerImage}'), 'The ImageStream "app" is invalid: spec.tags[a].from.name: Required value (is.yaml:8:11)'],
    ['empty from.name', tags('  - name: a', '    from: {kind: DockerImage, name: ""}'), 'The ImageStream "app" is invalid: spec.tags[a].from.name: Required value (is.yaml:8:37)'],
    ['bad pull spec', tags('  - name: a', '    from: {kind: DockerImage, name: "Busy Box"}'), 'The ImageStream "app" is invalid: spec.tags[a].from.name: Invalid value: "Busy Box": invalid reference format (is.yaml:8:37)'],
    [
      'duplicate tag names',
      tags('  - name: a', '    from: {kind: DockerImage, name: busybox}', '  - name: a', '    from: {kind: DockerImage, name: busybox}'),
      'The ImageStream "app" is invalid: spec.tags[a].name: Duplicate value: "a": defined more than once (spec.tags[0] and spec.tags[1]) (is.yaml:9:11)',
    ],
    ['reference not a boolean', tags('  - name: a', '    reference: "yes"'), 'spec.tags[a].reference: expected a boolean (is.yaml:8:16)'],
    ['tags not a list', `${head}  tags: latest\n`, 'spec.tags: expected a list (is.yaml:6:9)'],
    ['lookupPolicy.local not a boolean', `${head}  lookupPolicy:\n    local: "true"\n`, 'spec.lookupPolicy.local: expected a boolean (is.yaml:7:12)'],
    [
      'dockerImageRepository with a tag',
      `${head}  dockerImageRepository: quay.io/org/app:1.0\n`,
      'The ImageStream "app" is invalid: spec.dockerImageRepository: Invalid value: "quay.io/org/app:1.0": the repository name may not contain a tag (is.yaml:6:26)',
    ],
    [
      'dockerImageRepository with a digest',
      `${head}  dockerImageRepository: quay.io/org/app@sha256:${'c'.repeat(64)}\n`,
      `The ImageStream "app" is invalid: spec.dockerImageRepository: Invalid value: "quay.io/org/app@sha256:${'c'.repeat(64)}": the repository name may not contain an ID (is.yaml:6:26)`,
    ],
    [
      'stream name with upper case',
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: MyApp\n',
      'The ImageStream "MyApp" is invalid: metadata.name: Invalid value: "MyApp": must match "[a-z0-9]+(?:[._-][a-z0-9]+)*" (is.yaml:4:9)',
    ],
    ['missing name', 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  labels: {}\n', 'The ImageStream "" is invalid: metadata.name: Required value: name or generateName is required (is.yaml:4:3)'],
    ['tag name with a colon', tags('  - name: "a:b"'), 'The ImageStream "app" is invalid: spec.tags[a:b].name: Invalid value: "a:b": may not contain \':\', \'/\' or \'@\' (is.yaml:7:11)'],
    [
      'status item without a reference',
      `${head}  tags: []\nstatus:\n  tags:\n  - tag: a\n    items:\n    - created: x\n      image: sha256:x\n      generation: 1\n`,
      'The ImageStream "app" is invalid: status.tags[a].items[0].dockerImageReference: Required value (is.yaml:11:7)',
    ],
    ['annotation value not a string', `${head}  tags:\n  - name: a\n    annotations:\n      n: 1\n`, 'spec.tags[a].annotations.n: expected a string value (is.yaml:9:10)'],
  ])('%s', (_name, text, message) => {
    const r = parseYaml(text);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.message)).toEqual([message]);
  });

  it('reports every problem of a stream, not only the first', () => {
    const r = parseYaml(tags('  - name: a', '    from: {kind: Foo, name: x}', '    reference: 1', '    referencePolicy: {type: X}'));
    expect(r.errors.map((e) => e.reason)).toHaveLength(3);
    expect(r.errors.map((e) => e.code).sort()).toEqual(['Invalid', 'Invalid', 'ManifestSchema']);
  });

  it('applies the namespace/name length rule with the effective namespace', () => {
    const ns = 'n'.repeat(63);
    const ok = parseYaml(`apiVersion: v1\nkind: ImageStream\nmetadata:\n  name: ${'a'.repeat(191)}\n`, ns);
    const bad = parseYaml(`apiVersion: v1\nkind: ImageStream\nmetadata:\n  name: ${'a'.repeat(192)}\n`, ns);
    expect(ok.errors).toEqual([]);
    expect(bad.errors[0]?.reason).toMatch(/'namespace\/name' cannot be longer than 255 characters$/);
  });
});

describe('plain objects', () => {
  it('validates objects that did not come from a file', () => {
    const r = parseImageStream({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'x' }, spec: { tags: [{ name: 'a', from: { kind: 'Nope', name: 'b' } }] } }, plainLocator('api'));
    expect(r.errors.map((e) => e.message)).toEqual([`The ImageStream "x" is invalid: spec.tags[a].from.kind: Unsupported value: "Nope": valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag' (api)`]);
  });

  it('names the stream once and lists every field error, as kubectl prints an aggregate (oc test/cmd wording)', () => {
    const stream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'ruby-20-centos7' },
      spec: { tags: [{ name: 'prod', from: { kind: 'ImageStreamTag', name: 'ruby:2' }, importPolicy: { scheduled: true } }, { name: 'x', from: { kind: 'Bad', name: 'y' } }] },
    };
    expect(() => toImageStream(stream, plainLocator('is.yaml'))).toThrow(
      `The ImageStream "ruby-20-centos7" is invalid: [spec.tags[prod].importPolicy.scheduled: only tags pointing to Docker repositories may be scheduled for background import, spec.tags[x].from.kind: Unsupported value: "Bad": valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'] (is.yaml)`,
    );
  });

  it('toImageStream throws a typed error listing every problem', () => {
    let caught: unknown;
    try {
      toImageStream({ apiVersion: 'v1', kind: 'ImageStream', metadata: { name: 'X' }, spec: { tags: 'no' } });
    } catch (e) {
      caught = e;
    }
    expect(isTagstreamError(caught)).toBe(true);
    expect((caught as Error).message).toContain('metadata.name: Invalid value: "X"');
    expect((caught as Error).message).toContain('spec.tags: expected a list');
  });
});

describe('parseImageStream: one reference grammar (#11.2)', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../fixtures/reference-vectors.json', import.meta.url), 'utf8')) as { input: string; valid: boolean }[];
  // JSON-quoted so YAML reads back exactly the vector's text.
  const accepted = (input: string) => parseYaml(tags('  - name: a', `    from: {kind: DockerImage, name: ${JSON.stringify(input)}}`)).ok;

  it.each(vectors.filter((v) => v.input !== '').map((v) => [v.input.slice(0, 80), v] as const))('from.name %s: the schema agrees with parseImageReference', (_, v) => {
    expect(accepted(v.input)).toBe(v.valid);
  });

  it.each([
    ['a digest of the wrong length', `quay.io/org/app@sha256:${'a'.repeat(32)}`],
    ['an upper-case digest', `quay.io/org/app@sha256:${'A'.repeat(64)}`],
    ['a 64-hex identifier as a name', 'a'.repeat(64)],
  ])('rejects %s, as the parser does', (_, input) => {
    expect(() => parseImageReference(input)).toThrow();
    expect(accepted(input)).toBe(false);
  });
});
