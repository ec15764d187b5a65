/** A read verb's result as printed: text for stdout, lines for stderr, and the errors that make it exit 1. */
import type { TagstreamError } from '../../errors.js';

export interface ReadOutput {
  readonly stdout: string;
  /** `warning: ...` lines and notices such as `No resources found in x namespace.` */
  readonly stderr: readonly string[];
  readonly errors: readonly TagstreamError[];
}

/** kubectl's notice for a list request that matched nothing. */
export function noResources(namespace: string | undefined): string {
  return namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`;
}
