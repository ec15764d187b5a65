/**
 * How errors leave the CLI: oc's wording (`error: ...`, `Error from server (NotFound): ...`),
 * always redacted, and the stable exit codes (2 usage, 1 everything else that failed).
 */
import { errorMessage, isTagstreamError, redact, type ErrorCode } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Codes oc reports as coming from the API server, with their Status reason. */
const SERVER_REASONS: Partial<Record<ErrorCode, string>> = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  BadRequest: 'BadRequest',
  Conflict: 'Conflict',
};

/** The line(s) to print on stderr for an error, newline-terminated; `debug` (TAGSTREAM_DEBUG, config/environment.ts) adds an unexpected error's stack. */
export function formatCliError(e: unknown, debug = false): string {
  const message = errorMessage(e).replace(/\n+$/, '');
  const reason = isTagstreamError(e) ? SERVER_REASONS[e.code] : undefined;
  const line = reason ? `Error from server (${reason}): ${message}\n` : `error: ${message}\n`;
  // the stack of an unexpected error, for bug reports (messages stay redacted)
  const unexpected = debug && !isTagstreamError(e) && e instanceof Error;
  return unexpected ? `${line}${redact(e.stack ?? '')}\n` : line;
}

export function exitCodeFor(e: unknown): 1 | 2 {
  return isTagstreamError(e) && e.code === 'Usage' ? EXIT_USAGE : EXIT_FAILED;
}
