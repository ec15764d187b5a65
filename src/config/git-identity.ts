/**
 * The one parser of a commit identity as people write it, `Name <email>` (git's own form), for the
 * CLI's `--author` and the Action's `commit-author`; each caller words its own error.
 */
import type { GitIdentity } from '../ports/git.js';

/** `Name <email>` into its parts; undefined when the name is empty or either part holds `<` or `>`. */
export function parseGitIdentity(text: string): GitIdentity | undefined {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!m || m[1] === '') return undefined;
  return { name: m[1]!, email: m[2]! };
}
