/**
 * Container image references: the distribution/reference grammar and Docker normalization
 * (ParseNormalizedNamed, FamiliarString), ported from regexp.go / normalize.go at v0.6.0+.
 * Pure: no I/O. Errors are TagstreamError('InvalidReference').
 */
import { TagstreamError } from '../errors.js';

export interface ImageReference {
  /** Normalized full name without tag or digest (`docker.io/library/busybox`). */
  readonly name: string;
  /** `docker.io` for Docker Hub, otherwise host[:port] as written. */
  readonly domain: string;
  /** Repository path inside the registry (`library/busybox`). */
  readonly path: string;
  readonly tag: string | null;
  readonly digest: string | null;
  /** Docker's short form, tag and digest included (`busybox:latest`). */
  readonly familiar: string;
  /**
   * The repository exactly as written, without tag and digest (`busybox`, `quay.io/org/app`):
   * OpenShift records `<repository as written>@<digest>`, so the value keeps what was typed.
   */
  readonly repository: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
/** Since distribution/reference v0.6.0 only the path counts towards the limit. */
const REPOSITORY_NAME_MAX = 255;

// Pieces of regexp.go; RE2 and JS agree on leftmost-first submatching for these.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const TAG_RE = new RegExp(`^${TAG}$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);

/** Registered digest algorithms and their hex lengths (go-digest with sha256/384/512 linked). */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(message: string): TagstreamError {
  return new TagstreamError('InvalidReference', message);
}

/** go-digest Validate: returns the problem, or undefined when the digest is acceptable. */
export function digestProblem(digest: string): string | undefined {
  const i = digest.indexOf(':');
  if (i <= 0 || i + 1 === digest.length) return 'invalid checksum digest format';
  const algorithm = digest.slice(0, i);
  const encoded = digest.slice(i + 1);
  const size = DIGEST_HEX_LENGTH[algorithm];
  if (size === undefined) {
    return DIGEST_RE.test(digest) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (encoded.length !== size) return 'invalid checksum digest length';
  return /^[a-f0-9]+$/.test(encoded) ? undefined : 'invalid checksum digest format';
}

/** True for a well-formed digest of a supported algorithm (`sha256:<64 lower-case hex>`). */
/** A well-formed sha256 digest, the form nearly every digest has (one test, no slices: checked per HEAD). */
const SHA256_DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return SHA256_DIGEST_RE.test(value) || digestProblem(value) === undefined;
}

/** True when `tag` is a valid reference tag (`[\w][\w.-]{0,127}`). */
export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** splitDockerDomain from normalize.go, without the validation that Parse does afterwards. */
function splitDockerDomain(input: string): { domain: string; remainder: string } {
  const slash = input.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash === -1 ? '' : input.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = input;
  } else {
    domain = first;
    remainder = input.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** reference.Parse on an already domain-qualified string. */
function parseRaw(s: string, original: string): { domain: string; path: string; tag: string | null; digest: string | null } {
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    if (s === '') throw invalid('invalid reference format: repository name must have at least one component');
    if (REFERENCE_RE.test(s.toLowerCase())) throw invalid(`invalid reference format: repository name (${original}) must be lowercase`);
    throw invalid(`invalid reference format: "${original}" is not a valid image reference`);
  }
  const nameMatch = ANCHORED_NAME_RE.exec(m[1] ?? '');
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? m[1] ?? '';
  if (path.length > REPOSITORY_NAME_MAX) {
    throw invalid(`invalid reference format: repository name (${path.slice(0, 40)}...) must not be more than ${REPOSITORY_NAME_MAX} characters`);
  }
  const digest = m[3] ?? null;
  if (digest !== null) {
    const problem = digestProblem(digest);
    if (problem) throw invalid(`${problem}: ${digest} in "${original}"`);
  }
  return { domain, path, tag: m[2] ?? null, digest };
}

/**
 * The reference with any `user:password@` before the registry host masked, for messages. Image
 * references never carry credentials: an `@` followed by a `/` can only be userinfo (a digest has
 * no `/`).
 */
export function redactReference(input: string): string {
  let at = -1;
  for (let i = input.indexOf('@'); i !== -1; i = input.indexOf('@', i + 1)) if (input.includes('/', i + 1)) at = i;
  if (at === -1) return input;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(input)?.[0] ?? '';
  return `${scheme}***@${input.slice(at + 1)}`;
}

/** Refuse userinfo in a reference, without echoing it (TagstreamError 'InvalidReference'). */
export function assertNoCredentials(input: string): void {
  const redacted = redactReference(input);
  if (redacted !== input) {
    throw invalid(`invalid reference format: "${redacted}" contains credentials (user:password@); an image reference must not, put them in the registry credentials (Docker config) instead`);
  }
}

/**
 * Parse and normalize an image reference as Docker does (ParseNormalizedNamed): `busybox` ->
 * `docker.io/library/busybox`. Tag and digest are kept as given; no `latest` is added.
 */
export function parseImageReference(input: string): ImageReference {
  if (input === '') throw invalid('invalid reference format: empty image reference');
  assertNoCredentials(input);
  if (ANCHORED_IDENTIFIER_RE.test(input)) {
    throw invalid(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain: splitDomain, remainder } = splitDockerDomain(input);
  const colon = remainder.indexOf(':');
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalid(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const { domain, path, tag, digest } = parseRaw(`${splitDomain}/${remainder}`, input);
  const name = domain === '' ? path : `${domain}/${path}`;
  let repository = input;
  if (digest !== null) repository = repository.slice(0, repository.length - digest.length - 1);
  if (tag !== null) repository = repository.slice(0, repository.length - tag.length - 1);
  return Object.freeze({ name, domain, path, tag, digest, familiar: familiarString(domain, path, tag, digest), repository });
}

/**
 * Text that was read as a reference but is not one: kept as written with the parser's error, for
 * sources OpenShift records as a failed import (ImportSuccess=False, reason Invalid) rather than
 * refusing outright.
 */
export interface UnparsedReference {
  readonly text: string;
  readonly error: TagstreamError;
}

/** Parse `text` once; a malformed one is kept with its error instead of thrown. */
export function parseOrKeep(text: string): ImageReference | UnparsedReference {
  try {
    return parseImageReference(text);
  } catch (e) {
    if (e instanceof TagstreamError) return Object.freeze({ text, error: e });
    throw e;
  }
}

/** True when the source parsed. */
export function isParsed(source: ImageReference | UnparsedReference): source is ImageReference {
  return !('error' in source);
}

/** The text of a source as written, parsed or not. */
export function sourceText(source: ImageReference | UnparsedReference): string {
  return isParsed(source) ? referenceText(source) : source.text;
}

/** The reference as written (`busybox:latest`, `quay.io/org/app@sha256:...`). */
export function referenceText(ref: Pick<ImageReference, 'repository' | 'tag' | 'digest'>): string {
  return `${ref.repository}${ref.tag === null ? '' : `:${ref.tag}`}${ref.digest === null ? '' : `@${ref.digest}`}`;
}

/** The same repository pinned at `digest` (tag dropped): what OpenShift records after an import. */
export function atDigest(ref: ImageReference, digest: string): ImageReference {
  const problem = digestProblem(digest);
  if (problem) throw invalid(`${problem}: ${digest}`);
  return Object.freeze({ ...ref, tag: null, digest, familiar: familiarString(ref.domain, ref.path, null, digest) });
}

/** The same repository at `tag` (any digest dropped). */
export function atTag(ref: ImageReference, tag: string): ImageReference {
  if (!isValidTag(tag)) throw invalid(`invalid tag "${tag}": must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  return Object.freeze({ ...ref, tag, digest: null, familiar: familiarString(ref.domain, ref.path, tag, null) });
}

/** The bare repository (no tag, no digest), e.g. a tag list or copy destination. */
export function repositoryOf(ref: ImageReference): ImageReference {
  return Object.freeze({ ...ref, tag: null, digest: null, familiar: familiarString(ref.domain, ref.path, null, null) });
}

/** FamiliarString: drop `docker.io/` and, for official images, `library/`. */
function familiarString(domain: string, path: string, tag: string | null, digest: string | null): string {
  let name = `${domain}/${path}`;
  if (domain === DEFAULT_DOMAIN) {
    name = path;
    const rest = path.startsWith(OFFICIAL_REPO_PREFIX) ? path.slice(OFFICIAL_REPO_PREFIX.length) : undefined;
    if (rest !== undefined && !rest.includes('/')) name = rest;
  }
  return `${name}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`;
}

/** The familiar (short) form of a normalized reference. */
export function familiarName(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  return familiarString(ref.domain, ref.path, null, null);
}

export interface SplitReference {
  /** The repository exactly as written (`busybox`, `quay.io/org/app`), without tag and digest. */
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/**
 * Split a (valid) reference into repository-as-written, tag and digest, without normalizing.
 * OpenShift records `<repository as written>@<digest>` (`busybox:latest` -> `busybox@sha256:...`).
 * Throws InvalidReference when the reference is not valid.
 */
export function splitRepository(reference: string): SplitReference {
  const { repository, tag, digest } = parseImageReference(reference);
  return Object.freeze({ repository, tag, digest });
}

/** `<repository as written>@<digest>`: the tag (and any old digest) is replaced by `digest`. */
export function withDigest(referenceAsWritten: string | ImageReference, digest: string): string {
  const ref = typeof referenceAsWritten === 'string' ? parseImageReference(referenceAsWritten) : referenceAsWritten;
  return referenceText(atDigest(ref, digest));
}

/** `<repository as written>:<tag>`: replaces any tag and digest. */
export function withTag(referenceAsWritten: string | ImageReference, tag: string): string {
  const ref = typeof referenceAsWritten === 'string' ? parseImageReference(referenceAsWritten) : referenceAsWritten;
  return referenceText(atTag(ref, tag));
}

/** The host that serves the Distribution API for a reference domain (`docker.io` -> `registry-1.docker.io`). */
export function registryApiHost(domain: string): string {
  return domain === DEFAULT_DOMAIN || domain === LEGACY_DEFAULT_DOMAIN ? DOCKER_HUB_API_HOST : domain;
}

/** True for a syntactically valid registry domain (host[:port], `[ipv6]` allowed). */
export function isValidDomain(domain: string): boolean {
  return DOMAIN_RE.test(domain);
}

/** The host part of `host[:port]` / `[ipv6]:port`, brackets kept for IPv6. */
export function hostWithoutPort(domain: string): string {
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    return end === -1 ? domain : domain.slice(0, end + 1);
  }
  const colon = domain.lastIndexOf(':');
  return colon === -1 ? domain : domain.slice(0, colon);
}

/** Loopback registries (127.0.0.0/8, localhost, [::1]) may be reached over plain HTTP. */
export function isLoopbackHost(domain: string): boolean {
  if (domain === '::1') return true;
  const host = hostWithoutPort(domain).toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}
