/**
 * The daemon's inventory of its working copy, built as reconcile builds it (no inventory options,
 * the working copy's index cache), for a webhook run that maps its hints with it and hands it to
 * reconcile (one inventory per run).
 */
import { loadHolds } from '../app/reconcile.js';
import type { RepoSettings } from '../config/repo-settings.js';
import { buildInventory } from '../inventory/inventory.js';
import type { Inventory } from '../inventory/inventory-model.js';
import type { GitRepository } from '../ports/git.js';
import type { Workspace } from '../ports/workspace.js';

/** Inventory of `workspace` with `repo`'s index cache; the revert holds' memo in that cache is kept. */
export async function readWorkingCopyInventory(workspace: Workspace, repoSettings: RepoSettings, repo?: GitRepository): Promise<Inventory> {
  // The inventory saves the index cache, dropping what this run has not asked for yet; reconcile
  // asks for the revert holds (memoised in the same cache) only after that. Asked first, the memo
  // is kept and reconcile reads no history on an unchanged head.
  if (repo) await loadHolds({ git: repo });
  return buildInventory(workspace, repoSettings, { indexCache: await repo?.indexCache?.(), indexWitness: await repo?.indexWitness?.() });
}
