/**
 * Which imports a stream needs (the import controller's and the scheduler's choices) and how a
 * repository (`--all` / spec.dockerImageRepository) import expands into tag imports.
 * imagestream_controller.go needsImport, scheduled_image_controller.go, importer.go + §3.5.
 */
import type { ImageStream, ImportMode, ReferencePolicyType, TagReference } from '../domain/image-stream.js';
import { DOCKER_REPOSITORY_CHECK_ANNOTATION, PREFER_ARCH_ANNOTATION, PREFER_OS_ANNOTATION, findSpecTag } from '../domain/image-stream.js';
import { DEFAULT_IMPORT_MODE, isImportable, tagNeedsImport } from '../domain/generation.js';
import { atTag, isParsed, parseOrKeep, type ImageReference, type UnparsedReference } from '../domain/image-reference.js';
import { sourceReference } from '../domain/stream-references.js';
import type { ImportRequest } from '../domain/import-result.js';
import { prioritizeTags } from '../domain/prioritize-tags.js';

/** Bulk import cap per repository (maxImagesBulkImportedPerRepository); -1 = unlimited. */
export const DEFAULT_MAX_TAGS_PER_REPOSITORY = 50;

export interface PlanImportsOptions {
  /** True when this stream's scheduled check is due (§7). */
  readonly scheduledDue?: boolean | undefined;
  readonly defaultImportMode?: ImportMode | undefined;
  /** Only consider these tags (a verb asking for the tags it just wrote). */
  readonly onlyTags?: readonly string[] | undefined;
  /** Import the considered importable tags whether or not they are due (a registry push hint). */
  readonly force?: boolean | undefined;
}

/** A whole-repository import (ImageStreamImport spec.repository). */
export interface RepositoryImportRequest {
  readonly namespace: string;
  readonly stream: string;
  /** The repository (no tag), parsed where it entered (text kept as written), or why it is not one. */
  readonly from: ImageReference | UnparsedReference;
  readonly importMode: ImportMode;
  readonly insecure: boolean;
  readonly scheduled: boolean;
  readonly referencePolicy: ReferencePolicyType | '';
}

/**
 * The import request the controller posts for one (importable) spec tag, its own policies and
 * annotations. `from.name` as the value every later step uses: the one the inventory's schema
 * parsed it into (sourceReference; parsed here for a stream built another way, which may carry a
 * malformed one, then recorded as an Invalid import).
 */
export function importRequestForTag(stream: ImageStream, ref: TagReference, defaultImportMode: ImportMode = DEFAULT_IMPORT_MODE): ImportRequest {
  return {
    namespace: stream.metadata.namespace ?? '',
    stream: stream.metadata.name,
    tag: ref.name,
    from: ref.from ? sourceReference(ref.from) : parseOrKeep(''),
    importMode: ref.importPolicy?.importMode || defaultImportMode,
    insecure: Boolean(ref.importPolicy?.insecure),
    scheduled: Boolean(ref.importPolicy?.scheduled),
    preferArch: ref.annotations?.[PREFER_ARCH_ANNOTATION],
    preferOs: ref.annotations?.[PREFER_OS_ANNOTATION],
    referencePolicy: ref.referencePolicy?.type ?? '',
  };
}

/**
 * Tag imports a stream needs now: importable tags whose spec generation is ahead of what was
 * observed; every importable tag when the stream was never imported (no dockerRepositoryCheck
 * annotation); and, when the scheduled check is due, every scheduled importable tag with a
 * parseable `from.name` — except digest-pinned ones already imported at their generation.
 */
export function planImports(stream: ImageStream, options: PlanImportsOptions = {}): ImportRequest[] {
  const neverImported = stream.metadata.annotations?.[DOCKER_REPOSITORY_CHECK_ANNOTATION] === undefined;
  const only = options.onlyTags ? new Set(options.onlyTags) : undefined;
  const out: ImportRequest[] = [];
  for (const ref of stream.spec.tags ?? []) {
    if (only && !only.has(ref.name)) continue;
    if (!isImportable(ref)) continue;
    const pending = tagNeedsImport(stream, ref.name);
    const request = importRequestForTag(stream, ref, options.defaultImportMode);
    let due = pending || neverImported || options.force === true;
    if (!due && options.scheduledDue && ref.importPolicy?.scheduled) {
      // a digest cannot move: re-trying it only makes sense until it has been imported once
      due = isParsed(request.from) && request.from.digest === null;
    }
    if (due) out.push(request);
  }
  return out;
}

/** The repository import a never-imported stream with spec.dockerImageRepository needs. */
export function repositoryImportDue(stream: ImageStream, options: PlanImportsOptions = {}): RepositoryImportRequest | undefined {
  const repository = stream.spec.dockerImageRepository;
  if (!repository) return undefined;
  if (stream.metadata.annotations?.[DOCKER_REPOSITORY_CHECK_ANNOTATION] !== undefined) return undefined;
  return {
    namespace: stream.metadata.namespace ?? '',
    stream: stream.metadata.name,
    from: parseOrKeep(repository),
    importMode: options.defaultImportMode ?? DEFAULT_IMPORT_MODE,
    insecure: false,
    scheduled: false,
    referencePolicy: '',
  };
}

export interface RepositoryImportPlan {
  readonly imports: readonly ImportRequest[];
  /** Tags beyond the cap, in priority order (reported by `import-image --all`). */
  readonly additionalTags: readonly string[];
}

/**
 * Expand a repository import over the registry's tag list: PrioritizeTags, import the first
 * `maxTags` (default 50, -1 = all) as `<repo>:<tag>`, report the rest.
 */
export function planRepositoryImport(
  request: RepositoryImportRequest,
  remoteTags: readonly string[],
  stream: ImageStream | undefined,
  maxTags: number = DEFAULT_MAX_TAGS_PER_REPOSITORY,
): RepositoryImportPlan {
  const repository = request.from;
  if (!isParsed(repository)) throw repository.error; // its tags could not have been listed
  const ordered = [...new Set(prioritizeTags(remoteTags))];
  const cut = maxTags < 0 ? ordered.length : Math.min(maxTags, ordered.length);
  const imports = ordered.slice(0, cut).map((tag): ImportRequest => {
    const existing = stream ? findSpecTag(stream, tag) : undefined;
    return {
      namespace: request.namespace,
      stream: request.stream,
      tag,
      from: atTag(repository, tag),
      importMode: request.importMode,
      insecure: request.insecure,
      scheduled: request.scheduled,
      preferArch: existing?.annotations?.[PREFER_ARCH_ANNOTATION],
      preferOs: existing?.annotations?.[PREFER_OS_ANNOTATION],
      referencePolicy: request.referencePolicy,
    };
  });
  return { imports, additionalTags: ordered.slice(cut) };
}
