/**
 * Typed, coded, located and redacted errors. Every error Tagstream raises on purpose is a
 * TagstreamError with a code from the closed union below. Messages read "what: why (file:line:col)".
 * No message may contain a credential, token or credentialed URL: use `redact()` on anything that
 * came from outside.
 */

export type ErrorCode =
  // input and usage
  | 'Usage' // bad flags or arguments (exit 2)
  | 'InvalidReference' // image reference grammar
  | 'Invalid' // OpenShift-style validation failure (field path + expectation)
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'BadRequest'
  | 'Refused' // a check oc makes on the client refused the request (printed `error: ...`, exit 1)
  // manifests
  | 'ManifestParse' // invalid YAML / JSON
  | 'ManifestSchema' // a Kubernetes object whose shape is wrong
  | 'ManifestTooLarge' // size or alias-expansion limit
  | 'DuplicateObject'
  | 'FieldPath' // trigger fieldPath invalid or container missing
  | 'EditVerify' // a byte-exact edit did not re-parse to the planned value
  // registry
  | 'RegistryNotFound'
  | 'RegistryUnauthorized'
  | 'RegistryDenied'
  | 'RegistryRateLimited'
  | 'RegistryTransient'
  | 'RegistryProtocol'
  | 'RegistryInsecure'
  // git, github, config
  | 'Git'
  | 'PushRejected'
  | 'GitHub'
  | 'CodeHost' // GitLab, Gitea/Forgejo API failures
  | 'Config'
  | 'Internal';

/** A place in a file: 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.col === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.col}`;
}

export interface TagstreamErrorOptions {
  readonly location?: SourceLocation;
  readonly cause?: unknown;
  /** Whether trying again later can help (network, 429, 5xx). */
  readonly retryable?: boolean;
}

export class TagstreamError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: TagstreamErrorOptions = {}) {
    const located = options.location ? `${message} (${formatLocation(options.location)})` : message;
    super(redact(located), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options.location;
    this.retryable = options.retryable ?? false;
  }

  /** The message without the location suffix, for tables that print the location separately. */
  get reason(): string {
    if (!this.location) return this.message;
    const suffix = ` (${formatLocation(this.location)})`;
    return this.message.endsWith(suffix) ? this.message.slice(0, -suffix.length) : this.message;
  }
}

/**
 * Settings that cannot work however often they are tried: a remote URL Tagstream cannot speak, a
 * remote or branch that does not exist. A daemon stops retrying and reports itself not ready.
 */
export class MisconfigurationError extends TagstreamError {
  constructor(message: string, cause?: unknown) {
    super('Config', message, cause === undefined ? {} : { cause });
  }
}

export class UsageError extends TagstreamError {
  constructor(message: string) {
    super('Usage', message);
  }
}

/** A problem found in a file of the repository (parse, schema, duplicate, field path...). */
export class ManifestError extends TagstreamError {
  constructor(
    code: Extract<ErrorCode, 'ManifestParse' | 'ManifestSchema' | 'ManifestTooLarge' | 'DuplicateObject' | 'FieldPath' | 'EditVerify' | 'Invalid'>,
    message: string,
    location: SourceLocation,
    cause?: unknown,
  ) {
    super(code, message, { location, cause });
  }
}

export interface RegistryErrorDetails {
  readonly registry: string;
  readonly repository?: string;
  readonly status?: number;
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

/** A registry answered with an error, or could not be reached. Carries no credentials. */
export class RegistryError extends TagstreamError {
  readonly registry: string;
  readonly repository: string | undefined;
  readonly status: number | undefined;

  constructor(
    code: Extract<
      ErrorCode,
      | 'RegistryNotFound'
      | 'RegistryUnauthorized'
      | 'RegistryDenied'
      | 'RegistryRateLimited'
      | 'RegistryTransient'
      | 'RegistryProtocol'
      | 'RegistryInsecure'
    >,
    message: string,
    details: RegistryErrorDetails,
  ) {
    super(code, message, { retryable: details.retryable ?? false, cause: details.cause });
    this.registry = details.registry;
    this.repository = details.repository;
    this.status = details.status;
  }
}

/**
 * No credential could be had for a registry (a cloud identity the platform refused or could not
 * reach): the registry itself was never asked, so "no access to the image" would mislead. `brief`
 * names the registry, the identity and the error class and stays the same from run to run (it goes
 * into stream conditions, which must not change with request ids or times); the message adds the
 * redacted, one-line detail for the person running the command.
 */
export class CredentialSourceError extends RegistryError {
  readonly brief: string;
  /** What the platform said, redacted and on one line (may differ from run to run). */
  readonly detail: string;

  constructor(brief: string, detail: string, details: RegistryErrorDetails) {
    super('RegistryUnauthorized', `${brief}: ${boundedText(detail)}`, details);
    this.brief = boundedText(brief, 300);
    this.detail = boundedText(detail);
  }
}

/**
 * Remove credentials from text: userinfo in URLs, Authorization header values, bearer/basic
 * tokens, token= / password= query parameters and JWT-looking strings.
 */
export function redact(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi, '$1***@')
    .replace(/\b(authorization\s*[:=]\s*)(basic|bearer)\s+[^\s,;"']+/gi, '$1$2 ***')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, '$1 ***')
    .replace(/([?&](?:access_token|token|password|refresh_token|client_secret)=)[^&\s"']+/gi, '$1***')
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '***');
}

export function isTagstreamError(e: unknown): e is TagstreamError {
  return e instanceof TagstreamError;
}

/** Longest message a condition or a log field carries (a registry or helper may answer megabytes). */
export const MAX_MESSAGE_CHARS = 1000;

/** Redacted text on one line, cut to `max` characters: what stream conditions and logs may carry. */
export function boundedText(text: string, max: number = MAX_MESSAGE_CHARS): string {
  const one = redact(text).replace(/\s*[\r\n]+\s*/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Turn anything thrown into a redacted one-line message. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return redact(e.message);
  return redact(String(e));
}
