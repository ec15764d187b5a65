/**
 * `oc import-image IMAGESTREAM[:TAG]` (oc pkg/cli/importimage/importimage.go, spec §3.1): the
 * refusals, the ImageStreamImport oc would post (as ImportRequests, or a repository import for
 * `--all`), and the stream the answers are recorded on. After the registry has answered, the app
 * calls applyImportResults(plan.target, results, now) and renders with importImageOutput().
 */
import { TagstreamError, UsageError } from '../errors.js';
import type { ImageStream, ImportMode, ReferencePolicyType, TagReference } from '../domain/image-stream.js';
import { INSECURE_REPOSITORY_ANNOTATION, PREFER_ARCH_ANNOTATION, PREFER_OS_ANNOTATION, findSpecTag } from '../domain/image-stream.js';
import type { ImportRequest, ImportResult } from '../domain/import-result.js';
import { parseOpenShiftReference, type OpenShiftReference } from '../domain/tag-source.js';
import { followTagReference } from '../domain/tracking.js';
import { assertNoCredentials, parseOrKeep } from '../domain/image-reference.js';
import { localRepository } from '../domain/resolve-tag.js';
import { writeStream } from '../domain/stream-update.js';
import type { RepositoryImportRequest } from '../planning/import-plan.js';
import { StreamSet, assertValidStreamName, importModeFlag, newStreamSkeleton } from './stream-set.js';
import type { VerbContext } from './verb-plan.js';

export interface ImportImageOptions {
  /** IMAGESTREAM[:TAG]. */
  readonly target: string;
  readonly from?: string | undefined;
  readonly confirm?: boolean | undefined;
  readonly all?: boolean | undefined;
  readonly scheduled?: boolean | undefined;
  /** `--insecure`; undefined = not given (then the stream's insecureRepository annotation decides). */
  readonly insecure?: boolean | undefined;
  /** `--reference-policy`; undefined = not given (existing tags keep theirs). */
  readonly referencePolicy?: string | undefined;
  /** `--import-mode` (default Legacy, always sent). */
  readonly importMode?: string | undefined;
  readonly dryRun?: boolean | undefined;
}

export interface ImportImagePlan {
  /** The stream the answers are applied to (a new, unsaved skeleton when creating). */
  readonly target: ImageStream;
  readonly creating: boolean;
  /** Tag imports (empty when `repository` is set). */
  readonly imports: readonly ImportRequest[];
  /** A whole-repository import: expand with planRepositoryImport over the registry's tag list. */
  readonly repository?: RepositoryImportRequest | undefined;
  /** `--dry-run`: ask the registry, show the result, store nothing. */
  readonly dryRun: boolean;
  /** Hand edits found on read that could not be resolved. */
  readonly warnings?: readonly string[] | undefined;
}

function referencePolicyOf(value: string | undefined): ReferencePolicyType | '' {
  if (value === undefined) return '';
  if (value === 'source') return 'Source';
  if (value === 'local') return 'Local';
  throw new UsageError("reference policy must be set to 'source' or 'local'");
}

interface Flags {
  readonly scheduled: boolean;
  readonly referencePolicy: ReferencePolicyType | '';
  readonly importMode: ImportMode;
}

/** newImageStreamImport: --insecure wins over the insecureRepository annotation. */
function streamInsecure(stream: ImageStream, options: ImportImageOptions): boolean {
  if (options.insecure !== undefined) return options.insecure;
  return stream.metadata.annotations?.[INSECURE_REPOSITORY_ANNOTATION] === 'true';
}

/**
 * newImageStreamImportTags: one request per tag, OR-ing the existing tag's insecure/scheduled.
 * `from` (a flag or the stream's own spec) is parsed here, once.
 */
function tagRequest(stream: ImageStream, tag: string, from: string, options: ImportImageOptions, flags: Flags): ImportRequest {
  const old = findSpecTag(stream, tag);
  return {
    namespace: stream.metadata.namespace ?? '',
    stream: stream.metadata.name,
    tag,
    from: parseOrKeep(from),
    importMode: flags.importMode,
    insecure: streamInsecure(stream, options) || Boolean(old?.importPolicy?.insecure),
    scheduled: flags.scheduled || Boolean(old?.importPolicy?.scheduled),
    preferArch: old?.annotations?.[PREFER_ARCH_ANNOTATION],
    preferOs: old?.annotations?.[PREFER_OS_ANNOTATION],
    referencePolicy: flags.referencePolicy,
  };
}

function repositoryRequest(stream: ImageStream, from: string, options: ImportImageOptions, flags: Flags): RepositoryImportRequest {
  return {
    namespace: stream.metadata.namespace ?? '',
    stream: stream.metadata.name,
    from: parseOrKeep(from),
    importMode: flags.importMode,
    insecure: streamInsecure(stream, options),
    scheduled: flags.scheduled,
    referencePolicy: flags.referencePolicy,
  };
}

/** Plan `oc import-image`. Throws UsageError / TagstreamError with oc's wording. */
export function planImportImage(current: ReadonlyMap<string, ImageStream>, options: ImportImageOptions, ctx: VerbContext): ImportImagePlan {
  if (options.target === '') throw new UsageError('you must specify the name of an image stream');
  // Refused before anything is recorded: the source would be written into from.name and conditions.
  for (const source of [options.from, options.target]) if (source) assertNoCredentials(source);
  let ref: OpenShiftReference;
  try {
    ref = parseOpenShiftReference(options.target);
  } catch {
    throw new TagstreamError(
      'Refused',
      'the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)',
    );
  }
  if (ref.id) throw new TagstreamError('Refused', "to import images by ID, use the 'tag' command");
  if (ref.tag && options.all) throw new TagstreamError('Refused', `cannot specify a tag "${options.target}" as well as --all`);
  const tag = ref.tag || (options.all ? '' : 'latest');
  const flags: Flags = {
    scheduled: Boolean(options.scheduled),
    referencePolicy: referencePolicyOf(options.referencePolicy),
    importMode: importModeFlag(options.importMode),
  };
  const dryRun = Boolean(options.dryRun);
  const streams = new StreamSet(current, ctx);
  const name = ref.name;
  const stream = streams.get(ctx.namespace, name);

  if (!stream) {
    if (!options.confirm) {
      throw new TagstreamError('Refused', `no image stream named "${name}" exists, pass --confirm to create and import`);
    }
    assertValidStreamName('ImageStream', ctx.namespace, name);
    const from = options.from || options.target;
    let skeleton = newStreamSkeleton(ctx.namespace, name);
    skeleton = { ...skeleton, metadata: { ...skeleton.metadata, creationTimestamp: ctx.now } };
    const repo = localRepository(skeleton, ctx.localRegistry);
    if (repo) skeleton = { ...skeleton, status: { dockerImageRepository: repo } };
    if (options.all) {
      const target = { ...skeleton, spec: { ...skeleton.spec, dockerImageRepository: from } };
      return { target, creating: true, imports: [], repository: repositoryRequest(target, from, options, flags), dryRun };
    }
    return { target: skeleton, creating: true, imports: [tagRequest(skeleton, tag, from, options, flags)], dryRun };
  }

  if (options.all) {
    let from = options.from ?? '';
    if (from === '') {
      if (stream.spec.dockerImageRepository) {
        from = stream.spec.dockerImageRepository;
      } else {
        const tags = (stream.spec.tags ?? []).filter((t) => t.from?.kind === 'DockerImage');
        if (tags.length === 0) throw new TagstreamError('Refused', 'image stream does not have tags pointing to external container images');
        return {
          target: stream,
          creating: false,
          imports: tags.map((t) => tagRequest(stream, t.name, t.from?.name ?? '', options, flags)),
          dryRun,
          warnings: streams.warnings(),
        };
      }
    }
    let target = stream;
    if (from !== (stream.spec.dockerImageRepository ?? '')) {
      if (!options.confirm) {
        if (!stream.spec.dockerImageRepository) {
          throw new TagstreamError('Refused', 'the image stream does not currently import an entire Docker repository, pass --confirm to update');
        }
        throw new TagstreamError('Refused', `the image stream has a different import spec "${stream.spec.dockerImageRepository}", pass --confirm to update`);
      }
      // a spec write: the stream generation moves like any other update
      target = writeStream(stream, { ...stream, spec: { ...stream.spec, dockerImageRepository: from } }, { ...ctx, streams: streams.all() });
    }
    return { target, creating: false, imports: [], repository: repositoryRequest(target, from, options, flags), dryRun, warnings: streams.warnings() };
  }

  // a single tag, following same-stream aliases to the tag that is really imported
  let from = options.from ?? '';
  let importTag = tag;
  const followed = followTagReference(stream, tag);
  switch (followed.error) {
    case 'invalid':
      throw new TagstreamError('Refused', `tag "${tag}" points to an invalid imagestreamtag`);
    case 'cross':
      throw new TagstreamError('Refused', `tag "${tag}" points to an imagestreamtag from another ImageStream`);
    case 'circular':
      throw new TagstreamError('Refused', `tag "${tag}" on the image stream is a reference to same tag`);
    case 'not-found':
      if (from === '' && tag === 'latest') from = stream.spec.dockerImageRepository ?? '';
      if (from === '') {
        throw new TagstreamError(
          'Refused',
          `the tag "${tag}" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
        );
      }
      break;
    default: {
      const existing = followed.ref as TagReference;
      if (existing.from && existing.from.kind !== 'DockerImage') {
        throw new TagstreamError('Refused', `tag "${tag}" points to existing ${existing.from.kind} "${existing.from.name}", it cannot be re-imported`);
      }
      if (!existing.from) {
        throw new TagstreamError('Refused', `tag "${tag}" already exists - you must use the 'tag' command if you want to change the source to "${from}"`);
      }
      if (from !== '' && from !== existing.from.name) {
        if (followed.multiple) {
          throw new TagstreamError(
            'Refused',
            `the tag "${tag}" points to the tag "${followed.finalTag}" which points to "${existing.from.name}" - use the 'tag' command if you want to change the source to "${from}"`,
          );
        }
        throw new TagstreamError(
          'Refused',
          `the tag "${tag}" points to "${existing.from.name}" - use the 'tag' command if you want to change the source to "${from}"`,
        );
      }
      from = existing.from.name;
      if (followed.multiple) importTag = followed.finalTag;
    }
  }
  return { target: stream, creating: false, imports: [tagRequest(stream, importTag, from, options, flags)], dryRun, warnings: streams.warnings() };
}

export interface ImportImageOutput {
  /** stdout lines. */
  readonly messages: readonly string[];
  /** stderr lines (`error: tag <t> failed: <message>`). */
  readonly errors: readonly string[];
  /** True when any import failed (the verb exits 1). */
  readonly failed: boolean;
}

/**
 * oc's summary after the answers: `imagestream.image.openshift.io/NAME imported` (or `imported
 * with errors`, each failed tag then named on stderr), and the additional tags of a bulk import.
 */
export function importImageOutput(
  results: readonly ImportResult[],
  options: { readonly stream: string; readonly dryRun?: boolean; readonly additionalTags?: readonly string[] },
): ImportImageOutput {
  const failed = results.some((r) => !r.ok);
  let head = `imagestream.image.openshift.io/${options.stream} ${failed ? 'imported with errors' : 'imported'}`;
  if (options.dryRun) head = `${head} (dry run)`;
  const messages = [head];
  const errors = results.flatMap((r) => (r.ok ? [] : [`error: tag ${r.request.tag} failed: ${r.message}`]));
  const extra = options.additionalTags ?? [];
  if (extra.length > 0) {
    messages.push(`info: The remote repository contained ${extra.length} additional tags which were not imported: ${extra.join(', ')}`);
  }
  return { messages, errors, failed };
}
