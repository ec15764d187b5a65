/**
 * Placeholder for verbs whose flags are registered but whose app function is not wired yet: the
 * command parses and validates its flags into a typed request, then reports it cannot run.
 */
import { TagstreamError } from '../errors.js';

export function notWired(verb: string): never {
  throw new TagstreamError('Internal', `"tagstream ${verb}" is not available in this build yet`);
}
