import { describe, expect, it } from 'vitest';
import { planImportImage, importImageOutput, type ImportImageOptions } from '../../../src/verbs/import-image-command.js';
import { followTagReference } from '../../../src/domain/tracking.js';
import { planRepositoryImport } from '../../../src/planning/import-plan.js';
import { applyImportResults, type ImportResult } from '../../../src/domain/import-result.js';
import { INSECURE_REPOSITORY_ANNOTATION, findSpecTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import type { TagReference } from '../../../src/domain/image-stream.js';
import { recordObservedSpec } from '../../../src/domain/spec-fingerprint.js';
import type { RegistryPort, ResolveOptions } from '../../../src/ports/registry.js';
import { parseImageReference, referenceText, sourceText, type ImageReference } from '../../../src/domain/image-reference.js';
import { D1, D2, NOW, byKey, dockerTag, ev, frozen, stream } from '../domain/stream-builders.js';

const alias = (name: string, from: string, namespace?: string): TagReference => ({
  name,
  from: { kind: 'ImageStreamTag', name: from, ...(namespace ? { namespace } : {}) },
  generation: 2,
});
const app = recordObservedSpec(stream('app', {
  generation: 2,
  annotations: { 'openshift.io/image.dockerRepositoryCheck': '2024-01-01T00:00:00Z' },
  tags: [
    dockerTag('1', 'quay.io/o/app:1', 2, { importPolicy: { importMode: 'PreserveOriginal', scheduled: true, insecure: true }, annotations: { 'importer.image.openshift.io/prefer-arch': 'arm64' } }),
    dockerTag('plain', 'quay.io/o/app:plain', 2),
    alias('stable', '1'),
    alias('chain', 'app:stable'),
    alias('cross', 'other:1'),
    alias('crossns', '1', 'elsewhere'),
    alias('bad', 'app:x:y'),
    alias('loop1', 'loop2'),
    alias('loop2', 'loop1'),
    alias('dangling', 'nothing'),
    { name: 'copy', from: { kind: 'ImageStreamImage', name: `app@${D1}` }, generation: 2 },
    { name: 'nofrom', generation: 2 },
  ],
  status: [{ tag: '1', items: [ev('quay.io/o/app@' + D1, D1, 2)] }, { tag: 'plain', items: [ev('quay.io/o/app@' + D1, D1, 2)] }],
}));
const repo = stream('repo', { generation: 1, dockerImageRepository: 'quay.io/o/repo', annotations: { [INSECURE_REPOSITORY_ANNOTATION]: 'true' } });
const noExternal = stream('internal', { generation: 1, tags: [alias('a', 'b')] });
const streams = frozen(byKey(app, repo, noExternal));
const ctx = { namespace: 'ns', now: NOW };
const plan = (o: ImportImageOptions) => planImportImage(streams, o, ctx);

describe('oc import-image: refusals (§3.1)', () => {
  it.each([
    { o: { target: '' }, code: 'Usage', message: 'you must specify the name of an image stream' },
    { o: { target: 'Bad Name' }, code: 'Refused', message: 'the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)' },
    { o: { target: `app@${D1}` }, code: 'Refused', message: "to import images by ID, use the 'tag' command" },
    { o: { target: 'app:1', all: true }, code: 'Refused', message: 'cannot specify a tag "app:1" as well as --all' },
    { o: { target: 'ghost' }, code: 'Refused', message: 'no image stream named "ghost" exists, pass --confirm to create and import' },
    { o: { target: 'app:cross' }, code: 'Refused', message: 'tag "cross" points to an imagestreamtag from another ImageStream' },
    { o: { target: 'app:crossns' }, code: 'Refused', message: 'tag "crossns" points to an imagestreamtag from another ImageStream' },
    { o: { target: 'app:loop1' }, code: 'Refused', message: 'tag "loop1" on the image stream is a reference to same tag' },
    { o: { target: 'app:bad' }, code: 'Refused', message: 'tag "bad" points to an invalid imagestreamtag' },
    { o: { target: 'app:copy' }, code: 'Refused', message: `tag "copy" points to existing ImageStreamImage "app@${D1}", it cannot be re-imported` },
    { o: { target: 'app:nofrom', from: 'q/x:1' }, code: 'Refused', message: `tag "nofrom" already exists - you must use the 'tag' command if you want to change the source to "q/x:1"` },
    { o: { target: 'app:1', from: 'quay.io/o/app:2' }, code: 'Refused', message: `the tag "1" points to "quay.io/o/app:1" - use the 'tag' command if you want to change the source to "quay.io/o/app:2"` },
    {
      o: { target: 'app:chain', from: 'quay.io/o/app:2' },
      code: 'Refused',
      message: `the tag "chain" points to the tag "1" which points to "quay.io/o/app:1" - use the 'tag' command if you want to change the source to "quay.io/o/app:2"`,
    },
    { o: { target: 'app:missing' }, code: 'Refused', message: `the tag "missing" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag` },
    { o: { target: 'internal', all: true }, code: 'Refused', message: 'image stream does not have tags pointing to external container images' },
    { o: { target: 'app', all: true, from: 'quay.io/o/app' }, code: 'Refused', message: 'the image stream does not currently import an entire Docker repository, pass --confirm to update' },
    { o: { target: 'repo', all: true, from: 'quay.io/o/other' }, code: 'Refused', message: 'the image stream has a different import spec "quay.io/o/repo", pass --confirm to update' },
    { o: { target: 'app:1', referencePolicy: 'remote' }, code: 'Usage', message: "reference policy must be set to 'source' or 'local'" },
    { o: { target: 'app:1', importMode: 'All' }, code: 'Usage', message: 'valid ImportMode values are Legacy or PreserveOriginal' },
    { o: { target: 'Bad', confirm: true }, code: 'Refused', message: /image name must be a valid/ },
  ])('$message', ({ o, code, message }) => {
    let caught: unknown;
    try {
      plan(o as ImportImageOptions);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code });
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });
});

describe('oc import-image: what is requested', () => {
  it('existing tag: flags OR-ed with the tag, mode from the flag (a plain re-import resets to Legacy)', () => {
    const p = plan({ target: 'app:1' });
    expect(p.imports).toEqual([
      { namespace: 'ns', stream: 'app', tag: '1', from: parseImageReference('quay.io/o/app:1'), importMode: 'Legacy', insecure: true, scheduled: true, preferArch: 'arm64', preferOs: undefined, referencePolicy: '' },
    ]);
    expect(p.target).toBe(app);
  });

  it('--scheduled / --insecure / --reference-policy / --import-mode are sent', () => {
    const [r] = plan({ target: 'app:plain', scheduled: true, insecure: true, referencePolicy: 'local', importMode: 'PreserveOriginal' }).imports;
    expect(r).toMatchObject({ tag: 'plain', scheduled: true, insecure: true, referencePolicy: 'Local', importMode: 'PreserveOriginal' });
  });

  it('--insecure=false overrides the stream annotation; the annotation applies otherwise', () => {
    const annotated = frozen(byKey({ ...app, metadata: { ...app.metadata, annotations: { [INSECURE_REPOSITORY_ANNOTATION]: 'true' } } }));
    expect(planImportImage(annotated, { target: 'app:plain' }, ctx).imports[0]?.insecure).toBe(true);
    expect(planImportImage(annotated, { target: 'app:plain', insecure: false }, ctx).imports[0]?.insecure).toBe(false);
  });

  it('aliases are followed; the final tag is imported', () => {
    expect(plan({ target: 'app:chain' }).imports.map((r) => [r.tag, sourceText(r.from)])).toEqual([['1', 'quay.io/o/app:1']]);
    expect(followTagReference(app, 'chain')).toMatchObject({ finalTag: '1', multiple: true });
  });

  it('with --from a missing tag is created without --confirm', () => {
    expect(plan({ target: 'app:new', from: 'quay.io/o/app:new' }).imports.map((r) => [r.tag, sourceText(r.from)])).toEqual([['new', 'quay.io/o/app:new']]);
  });

  it('latest falls back to spec.dockerImageRepository', () => {
    expect(plan({ target: 'repo' }).imports.map((r) => [r.tag, sourceText(r.from)])).toEqual([['latest', 'quay.io/o/repo']]);
  });

  it('new stream with --confirm imports into the target tag (latest), not the tag of --from', () => {
    const p = plan({ target: 'fresh', from: 'quay.io/o/fresh:2.0', confirm: true });
    expect(p.creating).toBe(true);
    expect(p.imports.map((r) => [r.namespace, r.stream, r.tag, sourceText(r.from)])).toEqual([['ns', 'fresh', 'latest', 'quay.io/o/fresh:2.0']]);
    const stored = applyImportResults(p.target, [{ ok: true, request: p.imports[0] as never, digest: D2 }], NOW);
    expect(stored.metadata.generation).toBe(1);
    expect(latestTagEvent(stored, 'latest')).toEqual(ev('quay.io/o/fresh@' + D2, D2, 1, NOW));
  });

  it('new stream without --from imports the target itself', () => {
    expect(plan({ target: 'quay.io/o/tool:3', confirm: true }).imports.map((r) => [r.stream, r.tag, sourceText(r.from)])).toEqual([['tool', '3', 'quay.io/o/tool:3']]);
  });

  it('--all without a repository re-imports every DockerImage tag', () => {
    expect(plan({ target: 'app', all: true }).imports.map((r) => r.tag)).toEqual(['1', 'plain']);
  });

  it('--dry-run is carried and reported', () => {
    expect(plan({ target: 'app:1', dryRun: true }).dryRun).toBe(true);
  });
});

/** A registry that knows one repository's tags and digests. */
function fakeRegistry(tags: string[]): RegistryPort & { calls: ResolveOptions[] } {
  const calls: ResolveOptions[] = [];
  return {
    calls,
    async resolve(ref, options) {
      const reference = referenceText(ref);
      calls.push(options);
      if (reference.endsWith(':broken')) throw new Error('manifest unknown');
      return { digest: reference.endsWith(':latest') ? D1 : D2, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    },
    async inspect() {
      throw new Error('not used');
    },
    async listTags() {
      return tags;
    },
    async copy() {
      throw new Error('not used');
    },
  };
}

describe('oc import-image --all: repository import', () => {
  it('imports at most N tags in priority order, reports the rest, records failures', async () => {
    const p = plan({ target: 'repo', all: true });
    expect(p.repository).toMatchObject({ from: parseImageReference('quay.io/o/repo'), insecure: true, importMode: 'Legacy' });
    const registry = fakeRegistry(['other', 'latest', '1.0', '2.0.1', 'broken', '2.1']);
    const listed = await registry.listTags(p.repository!.from as ImageReference);
    const expanded = planRepositoryImport(p.repository as NonNullable<typeof p.repository>, listed, p.target, 4);
    expect(expanded.imports.map((r) => sourceText(r.from))).toEqual(['quay.io/o/repo:latest', 'quay.io/o/repo:2.1', 'quay.io/o/repo:1.0', 'quay.io/o/repo:2.0.1']);
    expect(expanded.additionalTags).toEqual(['broken', 'other']);
    const results: ImportResult[] = [];
    for (const r of [...expanded.imports, { ...expanded.imports[0], tag: 'broken', from: parseImageReference('quay.io/o/repo:broken') } as never]) {
      try {
        results.push({ ok: true, request: r, digest: (await registry.resolve(r.from as ImageReference, { importMode: r.importMode, insecure: r.insecure })).digest });
      } catch (e) {
        results.push({ ok: false, request: r, reason: 'NotFound', message: (e as Error).message });
      }
    }
    expect(registry.calls.every((c) => c.insecure === true && c.importMode === 'Legacy')).toBe(true);
    const stored = applyImportResults(p.target, results, NOW);
    expect(findSpecTag(stored, '2.1')?.from).toEqual({ kind: 'DockerImage', name: 'quay.io/o/repo:2.1' });
    expect(latestTagEvent(stored, 'latest')?.dockerImageReference).toBe('quay.io/o/repo@' + D1);
    const out = importImageOutput(results, { stream: 'repo', additionalTags: expanded.additionalTags });
    expect(out).toEqual({
      messages: ['imagestream.image.openshift.io/repo imported with errors', 'info: The remote repository contained 2 additional tags which were not imported: broken, other'],
      errors: ['error: tag broken failed: manifest unknown'],
      failed: true,
    });
  });

  it('default cap is 50, -1 is unlimited', () => {
    const tags = Array.from({ length: 60 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const req = { namespace: 'ns', stream: 'repo', from: parseImageReference('quay.io/o/repo'), importMode: 'Legacy' as const, insecure: false, scheduled: false, referencePolicy: '' as const };
    expect(planRepositoryImport(req, tags, undefined).imports).toHaveLength(50);
    expect(planRepositoryImport(req, tags, undefined).additionalTags).toHaveLength(10);
    expect(planRepositoryImport(req, tags, undefined, -1).additionalTags).toEqual([]);
  });

  it('--confirm --all on a stream with another repository switches it (a spec update)', () => {
    const p = plan({ target: 'repo', all: true, from: 'quay.io/o/other', confirm: true });
    expect(p.target.spec.dockerImageRepository).toBe('quay.io/o/other');
    expect(p.target.metadata.generation).toBe(2);
    expect(sourceText(p.repository!.from)).toBe('quay.io/o/other');
  });

  it('new stream with --confirm --all sets spec.dockerImageRepository', () => {
    const p = plan({ target: 'bulk', from: 'quay.io/o/bulk', all: true, confirm: true });
    expect(p.target.spec.dockerImageRepository).toBe('quay.io/o/bulk');
    expect(sourceText(p.repository!.from)).toBe('quay.io/o/bulk');
  });
});

describe('importImageOutput', () => {
  it('success and dry run name the stream as oc does', () => {
    expect(importImageOutput([], { stream: 'app' }).messages).toEqual(['imagestream.image.openshift.io/app imported']);
    expect(importImageOutput([], { stream: 'app', dryRun: true })).toEqual({ messages: ['imagestream.image.openshift.io/app imported (dry run)'], errors: [], failed: false });
  });
});

describe('planImportImage --all warnings', () => {
  // a hand edit pointing at a stream that does not exist cannot be resolved on read
  const edited = stream('edited', {
    generation: 1,
    dockerImageRepository: 'quay.io/o/edited',
    tags: [dockerTag('ext', 'quay.io/o/edited:ext', 1), { name: 'copy', from: { kind: 'ImageStreamTag', name: 'gone:1' }, generation: 0 }],
  });
  const run = (o: ImportImageOptions) => planImportImage(frozen(byKey(edited)), o, ctx);

  it('reports unresolvable hand edits for a repository import', () => {
    const p = run({ target: 'edited', all: true });
    expect(p.repository).toBeDefined();
    expect(p.warnings).toEqual([expect.stringContaining('ns/edited: spec.tags[copy].from.name: Not found')]);
  });

  it('reports unresolvable hand edits for an --all over external tags', () => {
    const noRepo = { ...edited, spec: { tags: edited.spec.tags } };
    const p = planImportImage(frozen(byKey(noRepo)), { target: 'edited', all: true }, ctx);
    expect(p.imports.map((r) => r.tag)).toEqual(['ext']);
    expect(p.warnings).toEqual([expect.stringContaining('Not found')]);
  });
});
