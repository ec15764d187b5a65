/**
 * How a failed registry lookup is recorded on a tag: OpenShift's ImportSuccess=False condition
 * reasons and messages (imagestreamimport/rest.go setFailureCondition, origin imagestreamimport.go).
 */
import { CredentialSourceError, TagstreamError, boundedText, errorMessage } from '../errors.js';
import { isParsed, sourceText, type ImageReference, type UnparsedReference } from '../domain/image-reference.js';

export interface ImportFailure {
  readonly reason: string;
  readonly message: string;
  /** A transient failure (network, 429, 5xx): reported, but not written into the stream. */
  readonly transient: boolean;
  /** Told to whoever runs the command, never recorded (it may change from run to run: request ids, times). */
  readonly detail?: string | undefined;
}

function normalized(r: ImageReference | UnparsedReference): string {
  return isParsed(r) ? `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}` : r.text;
}

/** The condition OpenShift would record for `error` while importing `from` (quoted as written; redacted, bounded). */
export function importFailureFor(error: unknown, from: ImageReference | UnparsedReference): ImportFailure {
  const f = failureFor(error, from);
  return { ...f, message: boundedText(f.message) };
}

function failureFor(error: unknown, from: ImageReference | UnparsedReference): ImportFailure {
  const reference = sourceText(from);
  const code = error instanceof TagstreamError ? error.code : 'Internal';
  const retryable = error instanceof TagstreamError && error.retryable;
  switch (code) {
    case 'RegistryNotFound':
      return { reason: 'NotFound', message: `dockerimage.image.openshift.io "${normalized(from)}" not found`, transient: false };
    case 'RegistryUnauthorized':
    case 'RegistryDenied':
      // No credential could be had (a cloud identity failed): name it, with the stable brief only.
      if (error instanceof CredentialSourceError) {
        return { reason: 'Unauthorized', message: `you may not have access to the container image "${reference}": ${error.brief}`, transient: false, detail: error.detail };
      }
      return { reason: 'Unauthorized', message: `you may not have access to the container image "${reference}"`, transient: false };
    case 'RegistryInsecure':
      return { reason: 'BadRequest', message: errorMessage(error), transient: false };
    case 'InvalidReference':
      return { reason: 'Invalid', message: errorMessage(error), transient: false };
    case 'RegistryRateLimited':
    case 'RegistryTransient':
      return { reason: 'InternalError', message: `Internal error occurred: ${reference}: ${errorMessage(error)}`, transient: true };
    default:
      return { reason: 'InternalError', message: `Internal error occurred: ${reference}: ${errorMessage(error)}`, transient: retryable };
  }
}
