/**
 * Tag policies at import time (issue #15), shared by reconcile and the `import-image` verb: for
 * every due import of a spec tag annotated `tagstream.io/tag-policy`, list the repository's tags
 * (the registry client lists each repository once per run, following Link pagination), pick the
 * winner, and ask the registry for `REPOSITORY:WINNER` instead of the tag in `from.name`. The
 * spec edit itself (`followWinner`) is made only once the winner's digest is known and accepted
 * (not held by a revert, not failed), so a tag keeps its last good image on any problem.
 *
 * `created:` needs each candidate's build time: one HEAD per candidate tag (the same per-run HEAD
 * cache resolve uses) and one config read per digest not seen before in this run.
 */
import { findSpecTag, streamKey, type ImageStream } from '../domain/image-stream.js';
import { atDigest, atTag, isParsed, referenceText, repositoryOf, sourceText, type ImageReference } from '../domain/image-reference.js';
import type { ImportRequest } from '../domain/import-result.js';
import { withSpecTag } from '../domain/stream-edit.js';
import { writeStream, type WriteContext } from '../domain/stream-update.js';
import { parseTagPolicy, policyCandidates, selectTag, TAG_POLICY_ANNOTATION, type TagPolicy } from '../domain/tag-policy.js';
import { errorMessage } from '../errors.js';
import type { RegistryPort } from '../ports/registry.js';

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

async function createdTimes(
  registry: RegistryPort,
  repository: ImageReference,
  candidates: readonly string[],
  request: ImportRequest,
  cache: CreatedCache,
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
      let when = cache.get(resolved.digest);
      if (!when) {
        when = registry.inspect(atDigest(repository, resolved.digest), { insecure: request.insecure || undefined }).then((m) => m.created);
        cache.set(resolved.digest, when);
      }
      const created = await when;
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
  cache: CreatedCache = new Map(),
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
        const created = policy.order === 'created' ? await createdTimes(registry, repository, policyCandidates(policy, tags), request, cache) : undefined;
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
