/**
 * Tag policies at import time (issue #15), shared by reconcile and the `import-image` verb: for
 * every due import of a spec tag annotated `tagstream.io/tag-policy`, list the repository's tags
 * (the registry client lists each repository once per run, following Link pagination), pick the
 * winner, and ask the registry for `REPOSITORY:WINNER` instead of the tag in `from.name`. The
 * spec edit itself (`followWinner`) is made only once the winner's digest is known and accepted
 * (not held by a revert, not failed), so a tag keeps its last good image on any problem.
 *
 * `created:` needs each candidate's build time: one HEAD per candidate tag (the same per-run HEAD
 * cache resolve uses) and one config read per digest not seen before in this run nor kept in the
 * repository's persistent build-time cache (ImageCreatedCache: a digest's `created` never changes,
 * so an image's config is read once, not once per run).
 */
import { findSpecTag, streamKey, type ImageStream } from '../domain/image-stream.js';
import { atDigest, atTag, isParsed, referenceText, repositoryOf, sourceText, type ImageReference } from '../domain/image-reference.js';
import type { ImportMode } from '../domain/image-stream.js';
import type { ImportRequest, ImportResult } from '../domain/import-result.js';
import { withSpecTag } from '../domain/stream-edit.js';
import { writeStream, type WriteContext } from '../domain/stream-update.js';
import { parseTagPolicy, policyCandidates, selectTag, TAG_POLICY_ANNOTATION, type TagPolicy } from '../domain/tag-policy.js';
import { errorMessage } from '../errors.js';
import { imageCreatedKey, type ImageCreatedCache } from '../ports/image-created-cache.js';
import type { RegistryPort } from '../ports/registry.js';
import { failedAnswer, runImports, type ImportRun, type RunImportsOptions } from './run-imports.js';

/** A policy tag whose winner differs from the tag its spec follows. */
export interface PolicyFollow {
  /** `namespace/name`. */
  readonly stream: string;
  readonly tag: string;
  /** The annotation value. */
  readonly policy: string;
  /** Source tag in from.name before (empty when from.name has none) and the winner. */
  readonly fromTag: string;
  readonly toTag: string;
  /** `REPOSITORY:WINNER`, the new from.name. */
  readonly from: string;
}

/** Why a policy tag is not imported in this run (it keeps its image). */
export interface PolicySkip {
  readonly request: ImportRequest;
  readonly kind: 'invalid' | 'no-match' | 'list-failed';
  readonly message: string;
  /** The registry error of a failed listing (classified like a failed import). */
  readonly error?: unknown;
}

export interface PolicyPlan {
  /** The requests to send: policy tags point at their winner. */
  readonly requests: readonly ImportRequest[];
  /** By `namespace/stream:tag`. */
  readonly follows: ReadonlyMap<string, PolicyFollow>;
  readonly skipped: readonly PolicySkip[];
}

/** The policy of a spec tag, when it has the annotation (throws TagstreamError 'Invalid' for a bad value). */
export function tagPolicyOf(stream: ImageStream, tag: string): TagPolicy | undefined {
  const text = findSpecTag(stream, tag)?.annotations?.[TAG_POLICY_ANNOTATION];
  return text === undefined ? undefined : parseTagPolicy(text);
}

/** Build times by digest, per run (content-addressed: a digest's config never changes). */
export type CreatedCache = Map<string, Promise<string | undefined>>;

/** This run's build times, and the ones kept between runs when the repository keeps them. */
export interface CreatedCaches {
  readonly run: CreatedCache;
  readonly known?: ImageCreatedCache | undefined;
}

/**
 * The build time of `repository@digest`: from this run's reads, else from the persistent cache,
 * else one config read (remembered in both). A failed read is not remembered across runs.
 */
export function createdOf(
  repository: Pick<ImageReference, 'name'>,
  digest: string,
  caches: CreatedCaches,
  read: () => Promise<string | undefined>,
): Promise<string | undefined> {
  let when = caches.run.get(digest);
  if (when) return when;
  const key = imageCreatedKey(repository, digest);
  const known = caches.known?.get(key);
  if (known !== undefined) {
    when = Promise.resolve(known);
  } else {
    when = read().then((created) => {
      if (created) caches.known?.set(key, created);
      return created;
    });
  }
  caches.run.set(digest, when);
  return when;
}

async function createdTimes(
  registry: RegistryPort,
  repository: ImageReference,
  candidates: readonly string[],
  request: ImportRequest,
  caches: CreatedCaches,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    candidates.map(async (tag) => {
      const resolved = await registry.resolve(atTag(repository, tag), {
        importMode: request.importMode,
        insecure: request.insecure || undefined,
        preferArch: request.preferArch,
        preferOs: request.preferOs,
      });
      const created = await createdOf(repository, resolved.digest, caches, () =>
        registry.inspect(atDigest(repository, resolved.digest), { insecure: request.insecure || undefined }).then((m) => m.created),
      );
      if (created) out.set(tag, created);
    }),
  );
  return out;
}

/**
 * Point every policy tag among `requests` at its winner. Requests of tags without a policy pass
 * through unchanged; a tag with an invalid policy, no matching tag, or a failed listing is left
 * out (reported in `skipped`).
 */
export async function planTagPolicies(
  registry: RegistryPort,
  streams: ReadonlyMap<string, ImageStream>,
  requests: readonly ImportRequest[],
  caches: CreatedCaches = { run: new Map() },
): Promise<PolicyPlan> {
  const follows = new Map<string, PolicyFollow>();
  const skipped: PolicySkip[] = [];
  const out = await Promise.all(
    requests.map(async (request): Promise<ImportRequest | undefined> => {
      const key = streamKey(request.namespace, request.stream);
      const stream = streams.get(key);
      let policy: TagPolicy | undefined;
      try {
        policy = stream ? tagPolicyOf(stream, request.tag) : undefined;
      } catch (e) {
        skipped.push({ request, kind: 'invalid', message: errorMessage(e) });
        return undefined;
      }
      if (!policy) return request;
      let winner: string | undefined;
      let source: ImageReference | undefined;
      try {
        if (!isParsed(request.from)) throw request.from.error;
        source = request.from;
        const repository = repositoryOf(source);
        const tags = await registry.listTags(repository, { insecure: request.insecure || undefined });
        const created = policy.order === 'created' ? await createdTimes(registry, repository, policyCandidates(policy, tags), request, caches) : undefined;
        winner = selectTag(policy, tags, { current: source.tag ?? undefined, created });
      } catch (error) {
        const repository = source ? source.repository : sourceText(request.from);
        skipped.push({ request, kind: 'list-failed', message: `choosing a tag of ${repository} by policy "${policy.text}" failed: ${errorMessage(error)}`, error });
        return undefined;
      }
      const fromTag = source.tag ?? '';
      if (winner === undefined) {
        skipped.push({ request, kind: 'no-match', message: `no tag of ${source.repository} matches tag policy "${policy.text}"; ${request.tag} keeps its image` });
        return undefined;
      }
      if (winner === fromTag) return request;
      const followed = atTag(source, winner);
      const from = referenceText(followed);
      follows.set(`${key}:${request.tag}`, { stream: key, tag: request.tag, policy: policy.text, fromTag, toTag: winner, from });
      return { ...request, from: followed };
    }),
  );
  return { requests: out.filter((r): r is ImportRequest => r !== undefined), follows, skipped };
}

/**
 * The spec edit `oc tag REPOSITORY:WINNER stream:tag` would make: from.name rewritten, written as
 * a spec update (the stream and tag generations move, the observed-spec record follows).
 */
export function followWinner(stream: ImageStream, follow: PolicyFollow, ctx: WriteContext): ImageStream {
  const ref = findSpecTag(stream, follow.tag);
  if (!ref?.from) return stream;
  return writeStream(stream, withSpecTag(stream, { ...ref, from: { ...ref.from, name: follow.from } }), ctx);
}

export interface PolicyImportRun {
  readonly run: ImportRun;
  /** The input streams, policy tags whose winner was imported pointing at it (same order). */
  readonly streams: readonly ImageStream[];
  /** Winners written into from.name. */
  readonly followed: readonly PolicyFollow[];
  /** `warning: ...` lines: policy tags with no matching tag or an invalid value (left as they are). */
  readonly warnings: readonly string[];
}

/**
 * The verbs' import step with tag policies (`tag`, `import-image`): choose winners, resolve, copy
 * Local images (runImports), write each imported winner into its spec tag. A failed listing fails
 * its tag like a failed import.
 */
export async function runImportsWithPolicies(
  requests: readonly ImportRequest[],
  streams: readonly ImageStream[],
  options: RunImportsOptions & {
    readonly now: string;
    readonly defaultImportMode: ImportMode;
    /** The repository's persistent build-time cache (saved here when `created:` policies added to it). */
    readonly createdCache?: ImageCreatedCache | undefined;
  },
): Promise<PolicyImportRun> {
  const byKey = new Map(streams.map((s) => [streamKey(s.metadata.namespace ?? '', s.metadata.name), s]));
  const plan = await planTagPolicies(options.registry, byKey, requests, { run: new Map(), known: options.createdCache });
  await options.createdCache?.save();
  const run = await runImports(plan.requests, { ...options, streams: byKey });
  const results = [...run.results];
  const failures = [...run.failures];
  const resultsByStream = new Map([...run.resultsByStream].map(([k, v]) => [k, [...v]]));
  const warnings: string[] = [];
  for (const skip of plan.skipped) {
    if (skip.kind !== 'list-failed') {
      warnings.push(`warning: ${skip.kind === 'invalid' ? `${skip.request.stream}:${skip.request.tag}: ${skip.message}; the tag keeps its image` : skip.message}`);
      continue;
    }
    const { failure, record } = failedAnswer(skip.request, skip.error);
    failures.push({ ...failure, message: skip.message });
    results.push({ ok: false, request: skip.request, reason: failure.reason, message: skip.message });
    if (record) resultsByStream.set(failure.stream, [...(resultsByStream.get(failure.stream) ?? []), { ...record, message: skip.message } as ImportResult]);
  }
  const followed: PolicyFollow[] = [];
  const ctx = { streams: byKey, now: options.now, localRegistry: options.localRegistry, defaultImportMode: options.defaultImportMode };
  const next = streams.map((s) => {
    const key = streamKey(s.metadata.namespace ?? '', s.metadata.name);
    let out = s;
    for (const r of run.resultsByStream.get(key) ?? []) {
      const follow = r.ok ? plan.follows.get(`${key}:${r.request.tag}`) : undefined;
      if (!follow) continue;
      out = followWinner(out, follow, ctx);
      followed.push(follow);
    }
    return out;
  });
  return { run: { results, failures, resultsByStream }, streams: next, followed, warnings };
}
