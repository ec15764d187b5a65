/**
 * Asking the registries for ImportRequests, shared by reconcile and the verbs (`tag`,
 * `import-image`, `create istag`): resolve every request (the client dedupes identical lookups
 * and limits concurrency per registry), copy `referencePolicy: Local` images into the
 * configured localRegistry before anything may point at them, and turn each answer into the
 * ImportResult that applyImportResults records (transient failures are reported, not recorded).
 */
import { errorMessage } from '../errors.js';
import type { TagFailure } from '../domain/change-set.js';
import { findSpecTag, findStatusTag, streamKey, type ImageStream } from '../domain/image-stream.js';
import { atDigest, isParsed, parseImageReference, sourceText } from '../domain/image-reference.js';
import type { ImportRequest, ImportResult } from '../domain/import-result.js';
import { importFailureFor } from '../planning/import-failure.js';
import type { RegistryPort } from '../ports/registry.js';

/** What the registry said about one request: a digest, or what was thrown. */
export type RegistryAnswer =
  | { readonly request: ImportRequest; readonly digest: string }
  | { readonly request: ImportRequest; readonly error: unknown };

/**
 * Resolve every request concurrently; never throws (each failure becomes an answer). `streams`
 * (by key, as they are now) give each tag's pinned digest: the registry verifies only a new one.
 */
export async function askRegistry(
  registry: RegistryPort,
  requests: readonly ImportRequest[],
  streams: ReadonlyMap<string, ImageStream>,
): Promise<RegistryAnswer[]> {
  return Promise.all(
    requests.map(async (request): Promise<RegistryAnswer> => {
      try {
        if (!isParsed(request.from)) throw request.from.error;
        const stream = streams.get(streamKey(request.namespace, request.stream));
        const resolved = await registry.resolve(request.from, {
          importMode: request.importMode,
          insecure: request.insecure || undefined,
          preferArch: request.preferArch,
          preferOs: request.preferOs,
          knownDigest: stream ? findStatusTag(stream, request.tag)?.items?.[0]?.image : undefined,
        });
        return { request, digest: resolved.digest };
      } catch (error) {
        return { request, error };
      }
    }),
  );
}

/**
 * A registry error as a failed tag and, unless the failure is transient (network, 429, 5xx after
 * retries: reported but not written, so a flaky network makes no commit), the result to record.
 */
export function failedAnswer(request: ImportRequest, error: unknown): { failure: TagFailure; record?: ImportResult | undefined } {
  const f = importFailureFor(error, request.from);
  const failure: TagFailure = { stream: streamKey(request.namespace, request.stream), tag: request.tag, reason: f.reason, message: f.message, ...(f.detail === undefined ? {} : { detail: f.detail }) };
  return { failure, record: f.transient ? undefined : { ok: false, request, reason: f.reason, message: f.message } };
}

/** Why a Local copy could not be made: recorded on the tag like a failed import. */
export interface LocalCopyProblem {
  readonly reason: string;
  readonly message: string;
}

/** The tag's effective reference policy is Local (the spec's, else what the request asks for). */
export function isLocalPolicy(stream: ImageStream | undefined, request: ImportRequest): boolean {
  const spec = stream ? findSpecTag(stream, request.tag) : undefined;
  return (spec?.referencePolicy?.type || request.referencePolicy) === 'Local';
}

/**
 * Copy `request.from`'s repository at `digest` to `<localRegistry>/<namespace>/<stream>`, so that
 * `<localRegistry>/<ns>/<stream>@<digest>` (what Local policy consumers get) exists.
 */
export async function copyToLocal(
  registry: RegistryPort,
  localRegistry: string | undefined,
  request: ImportRequest,
  digest: string,
): Promise<LocalCopyProblem | undefined> {
  if (!localRegistry) {
    return {
      reason: 'BadRequest',
      message: `tag ${request.tag} has referencePolicy Local but no localRegistry is configured in .tagstream.yaml`,
    };
  }
  const destination = `${localRegistry}/${request.namespace}/${request.stream}`;
  try {
    if (!isParsed(request.from)) throw request.from.error;
    await registry.copy(atDigest(request.from, digest), parseImageReference(destination), { insecure: request.insecure || undefined });
    return undefined;
  } catch (e) {
    return { reason: 'InternalError', message: `copying ${sourceText(request.from)} to ${destination} failed: ${errorMessage(e)}` };
  }
}

export interface ImportRun {
  /** Answers to record with applyImportResults, by stream key (`namespace/name`). */
  readonly resultsByStream: ReadonlyMap<string, readonly ImportResult[]>;
  /** Every result in request order, transient failures included (for output). */
  readonly results: readonly ImportResult[];
  /** Every failed tag, transient ones included. */
  readonly failures: readonly TagFailure[];
}

export interface RunImportsOptions {
  readonly registry: RegistryPort;
  readonly localRegistry?: string | undefined;
  /** The streams the requests belong to, by key, as they are before the answers are recorded. */
  readonly streams: ReadonlyMap<string, ImageStream>;
}

/**
 * Resolve `requests`, make the Local copies, and classify the answers (verbs; never throws).
 * Unlike reconcile, which copies only images that move, a verb copies every Local-policy answer:
 * the user asked for this tag now and it may have just switched to Local (existing blobs are
 * skipped, so an unchanged image costs a few HEAD requests).
 */
export async function runImports(requests: readonly ImportRequest[], options: RunImportsOptions): Promise<ImportRun> {
  const answers = await askRegistry(options.registry, requests, options.streams);
  const results: ImportResult[] = [];
  const failures: TagFailure[] = [];
  const resultsByStream = new Map<string, ImportResult[]>();
  const record = (key: string, r: ImportResult) => resultsByStream.set(key, [...(resultsByStream.get(key) ?? []), r]);
  for (const answer of answers) {
    const { request } = answer;
    const key = streamKey(request.namespace, request.stream);
    if ('error' in answer) {
      const { failure, record: recorded } = failedAnswer(request, answer.error);
      failures.push(failure);
      results.push({ ok: false, request, reason: failure.reason, message: failure.message });
      if (recorded) record(key, recorded);
      continue;
    }
    if (isLocalPolicy(options.streams.get(key), request)) {
      const problem = await copyToLocal(options.registry, options.localRegistry, request, answer.digest);
      if (problem) {
        const result: ImportResult = { ok: false, request, reason: problem.reason, message: problem.message };
        failures.push({ stream: key, tag: request.tag, ...problem });
        results.push(result);
        record(key, result);
        continue;
      }
    }
    const result: ImportResult = { ok: true, request, digest: answer.digest };
    results.push(result);
    record(key, result);
  }
  return { resultsByStream, results, failures };
}
