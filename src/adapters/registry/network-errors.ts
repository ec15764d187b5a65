/** Classifying a failed network exchange: its code, whether to retry, and TLS trouble. */

/** Network failures worth another attempt. */
export const RETRYABLE_NETWORK = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);

/** The error code of a failed exchange (undici wraps system errors in `cause`). */
export function networkErrorCode(e: unknown): string {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR' && code !== 'ERR_INVALID_ARG_TYPE') {
      if (code !== 'UND_ERR_SOCKET' || !(cur as { cause?: unknown }).cause) return code;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

/** True when an https attempt failed because the server does not speak TLS at all. */
export function isTlsProtocolMismatch(e: unknown): boolean {
  const code = networkErrorCode(e);
  return code.startsWith('ERR_SSL_') || code === 'EPROTO' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

export function isCertificateError(e: unknown): boolean {
  return CERTIFICATE_ERRORS.has(networkErrorCode(e));
}
