/**
 * Deterministic names of the branches pull-request mode owns, and the slice of a ChangeSet that
 * belongs to one branch. Same moves, same branch: that is what lets a re-run find and update its PR.
 */
import type { ChangeSet, TagMove } from '../domain/change-set.js';
import type { ActionGroup } from '../config/action-inputs.js';

/** One pull request's worth of moves. */
export interface MoveGroup {
  readonly branch: string;
  /** `namespace/stream:tag` of every move in the group. */
  readonly keys: readonly string[];
}

export function moveKey(m: { readonly stream: string; readonly tag: string }): string {
  return `${m.stream}:${m.tag}`;
}

/** Keep what git accepts in a ref component; `..`, leading dots and `.lock` endings are rewritten. */
function refSafe(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/\.lock$/i, '-lock')
    .replace(/\.$/, '-');
}

/** `<prefix><base>` for group `all`; `<prefix><ns>-<stream>-<tag>` for one tag. */
export function pullRequestBranch(prefix: string, base: string, move?: { readonly stream: string; readonly tag: string }): string {
  if (!move) return `${prefix}${base}`;
  const [ns, name] = move.stream.split('/') as [string, string | undefined];
  return `${prefix}${refSafe(`${ns}-${name ?? ''}-${move.tag}`)}`;
}

/** Split the planned moves into the PRs to open: one for everything, or one per stream:tag. */
export function groupMoves(moves: readonly TagMove[], group: ActionGroup, prefix: string, base: string): MoveGroup[] {
  if (moves.length === 0) return [];
  if (group === 'all') return [{ branch: pullRequestBranch(prefix, base), keys: moves.map(moveKey) }];
  const byBranch = new Map<string, string[]>();
  for (const m of moves) {
    const branch = pullRequestBranch(prefix, base, m);
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), moveKey(m)]);
  }
  return [...byBranch.entries()].map(([branch, keys]) => ({ branch, keys }));
}

/**
 * The part of a plan that concerns some moves, for rendering their PR: those moves and the
 * workloads and targets they drive. Held tags, failures, diagnostics and files are kept whole (a plan does
 * not say which file serves which move).
 */
export function sliceChangeSet(cs: ChangeSet, keys: readonly string[]): ChangeSet {
  const wanted = new Set(keys);
  const workloads = cs.workloads.filter((w) => wanted.has(w.trigger));
  return {
    moves: cs.moves.filter((m) => wanted.has(moveKey(m))),
    workloads,
    targets: cs.targets.filter((t) => wanted.has(t.trigger)),
    held: cs.held,
    failures: cs.failures,
    diagnostics: cs.diagnostics,
    files: cs.files,
  };
}
