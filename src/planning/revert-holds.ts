/**
 * Revert awareness. When a user reverts one of Tagstream's commits with `git revert`, the digests
 * that commit moved to are "held": a later reconcile that sees the registry still serving such a
 * digest records nothing and reports the tag as held (naming the revert commit), until the registry
 * serves a different digest. Reverting the revert releases the hold; a later Tagstream commit that
 * moves the same tag again replaces it.
 *
 * Input is the branch history, newest first (what `git log` gives); the function is pure.
 */
import { parseMoveTrailers } from './commit-message.js';

export interface HistoryCommit {
  readonly oid: string;
  readonly message: string;
}

export interface Hold {
  /** `namespace/stream:tag`. */
  readonly key: string;
  readonly image: string;
  /** The reverting commit. */
  readonly heldBy: string;
  /** The Tagstream commit it reverted. */
  readonly reverted: string;
}

const REVERTS = /^This reverts commit ([0-9a-f]{40})\b/m;

/** Compute holds from history (newest first). Returns a map keyed by `namespace/stream:tag`. */
export function computeHolds(historyNewestFirst: readonly HistoryCommit[]): Map<string, Hold[]> {
  const byOid = new Map(historyNewestFirst.map((c) => [c.oid, c] as const));
  // Only a revert of a commit in the window creates holds: without one, no move trailer needs reading.
  if (!historyNewestFirst.some((c) => byOid.has(REVERTS.exec(c.message)?.[1] ?? ''))) return new Map();
  // Holds created by each revert commit, so a revert of that revert can release them.
  const holdsByRevert = new Map<string, Hold[]>();
  const active = new Map<string, Hold[]>();

  const release = (holds: readonly Hold[]) => {
    for (const h of holds) {
      const list = active.get(h.key)?.filter((x) => x !== h) ?? [];
      if (list.length > 0) active.set(h.key, list);
      else active.delete(h.key);
    }
  };

  for (let i = historyNewestFirst.length - 1; i >= 0; i--) {
    const commit = historyNewestFirst[i]!;
    const moves = parseMoveTrailers(commit.message);
    // A new Tagstream move of a tag supersedes earlier holds of that tag.
    for (const m of moves) active.delete(`${m.stream}:${m.tag}`);

    const target = REVERTS.exec(commit.message)?.[1];
    if (!target) continue;
    const reverted = byOid.get(target);
    if (!reverted) continue;
    const undone = holdsByRevert.get(target);
    if (undone) {
      // Revert of a revert: the original move is back, its holds are released.
      release(undone);
      continue;
    }
    const created: Hold[] = [];
    for (const m of parseMoveTrailers(reverted.message)) {
      const hold: Hold = { key: `${m.stream}:${m.tag}`, image: m.to, heldBy: commit.oid, reverted: target };
      active.set(hold.key, [...(active.get(hold.key) ?? []), hold]);
      created.push(hold);
    }
    holdsByRevert.set(commit.oid, created);
  }
  return active;
}

/** Holds as a JSON value, to memoise them (holdsFromRecord reads it back). */
export function holdsRecord(holds: ReadonlyMap<string, readonly Hold[]>): unknown {
  return [...holds].map(([key, list]) => [key, list.map((h) => ({ key: h.key, image: h.image, heldBy: h.heldBy, reverted: h.reverted }))]);
}

/** The holds a holdsRecord value stands for; undefined for anything else (a stored record is untrusted). */
export function holdsFromRecord(raw: unknown): Map<string, Hold[]> | undefined {
  if (!Array.isArray(raw)) return undefined;
  const holds = new Map<string, Hold[]>();
  for (const entry of raw as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !Array.isArray(entry[1]) || entry[1].length === 0) return undefined;
    const [key, list] = entry as [string, unknown[]];
    const parsed: Hold[] = [];
    for (const h of list) {
      if (typeof h !== 'object' || h === null) return undefined;
      const { key: k, image, heldBy, reverted } = h as Record<string, unknown>;
      if (k !== key || typeof image !== 'string' || typeof heldBy !== 'string' || typeof reverted !== 'string') return undefined;
      parsed.push({ key, image, heldBy, reverted });
    }
    if (holds.has(key)) return undefined;
    holds.set(key, parsed);
  }
  return holds;
}

/** The hold that applies to `key` when the registry serves `image`, if any. */
export function holdFor(holds: ReadonlyMap<string, readonly Hold[]>, key: string, image: string): Hold | undefined {
  return holds.get(key)?.find((h) => h.image === image);
}
