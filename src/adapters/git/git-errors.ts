/**
 * Turn what isomorphic-git (or the network under it) throws into TagstreamErrors: a refused
 * non-fast-forward becomes a retryable `PushRejected`, everything else `Git`. Messages name the
 * operation and the (credential-free, redacted) remote, never what was sent to authenticate.
 */
import { MisconfigurationError, TagstreamError, errorMessage, isTagstreamError, redact } from '../../errors.js';

/** Server-side ref update errors that mean "someone else moved the branch": fetch and retry helps. */
const RACE_ERRORS = /non-fast-forward|failed to update ref|fetch first|stale info|cannot lock ref|failed to lock/i;

interface IsoGitErrorShape {
  code?: unknown;
  message?: unknown;
  data?: unknown;
}

function shape(e: unknown): IsoGitErrorShape {
  return typeof e === 'object' && e !== null ? (e as IsoGitErrorShape) : {};
}

const TRANSIENT = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET)$/;

function systemCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = shape(cur).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Context for a message: `push main to origin (http://host/repo.git)`. */
export interface GitErrorContext {
  readonly operation: string;
  readonly remoteUrl?: string | undefined;
  /** The server refused credentials we offered (onAuthFailure was called). */
  readonly credentialsRejected?: boolean | undefined;
}

/** Classify one failure. Already-typed TagstreamErrors pass through unchanged. */
export function toGitError(e: unknown, context: GitErrorContext): TagstreamError {
  if (isTagstreamError(e)) return e;
  const where = context.remoteUrl ? `${context.operation} (${redact(context.remoteUrl)})` : context.operation;
  const err = shape(e);
  const code = typeof err.code === 'string' ? err.code : undefined;
  const data = (err.data ?? {}) as Record<string, unknown>;

  if (code === 'UnknownTransportError') {
    return new MisconfigurationError(`${where}: unsupported remote URL; Tagstream speaks https://, http:// and ssh:// (or user@host:path)`, e);
  }
  if (code === 'PushRejectedError') {
    const reason = typeof data.reason === 'string' ? data.reason : 'rejected';
    if (reason === 'not-fast-forward') {
      return new TagstreamError('PushRejected', `${where}: rejected, the remote branch has commits this copy does not (not a fast-forward)`, {
        retryable: true,
        cause: e,
      });
    }
    return new TagstreamError('PushRejected', `${where}: rejected (${reason})`, { cause: e });
  }
  if (code === 'GitPushError') {
    const result = (data.result ?? {}) as { refs?: Record<string, { ok?: boolean; error?: string }> };
    const failed = Object.entries(result.refs ?? {}).filter(([, r]) => r.ok === false);
    const detail = failed.map(([ref, r]) => `${ref}: ${r.error ?? 'rejected'}`).join('; ') || errorMessage(e);
    const race = failed.length > 0 && failed.every(([, r]) => RACE_ERRORS.test(r.error ?? ''));
    return race
      ? new TagstreamError('PushRejected', `${where}: rejected by the server, the branch moved (${detail})`, { retryable: true, cause: e })
      : new TagstreamError('Git', `${where}: rejected by the server (${detail})`, { cause: e });
  }
  if (code === 'UserCanceledError' || context.credentialsRejected) {
    return new TagstreamError('Git', `${where}: authentication failed, the server refused the credentials`, { cause: e });
  }
  if (code === 'HttpError') {
    const status = typeof data.statusCode === 'number' ? data.statusCode : 0;
    if (status === 401) return new TagstreamError('Git', `${where}: authentication required (HTTP 401); give credentials`, { cause: e });
    if (status === 403) return new TagstreamError('Git', `${where}: access denied (HTTP 403)`, { cause: e });
    if (status === 404) return new TagstreamError('Git', `${where}: repository not found (HTTP 404)`, { cause: e });
    return new TagstreamError('Git', `${where}: HTTP ${status} ${String(data.statusMessage ?? '')}`.trimEnd(), {
      retryable: status === 429 || status >= 500,
      cause: e,
    });
  }
  const sys = systemCode(e);
  const retryable = sys !== undefined && TRANSIENT.test(sys);
  return new TagstreamError('Git', `${where}: ${errorMessage(e)}`, { retryable, cause: e });
}
