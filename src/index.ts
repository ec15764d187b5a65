/**
 * Tagstream's public library API: the same use cases the CLI, the daemon and the Action run, and
 * the pure pieces worth reusing (reference grammar, ImageStream rules, trigger parsing).
 */
export * from './errors.js';
export { parseImageReference, referenceText, splitRepository, withDigest, type ImageReference } from './domain/image-reference.js';
export type * from './domain/image-stream.js';
export type * from './domain/change-set.js';
export type * from './ports/registry.js';
export type { Workspace } from './ports/workspace.js';
export type { GitRepository, GitCredentials, GitIdentity } from './ports/git.js';
export { systemClock, fixedClock, type Clock } from './ports/clock.js';
export { silentLog, type Log } from './ports/log.js';

export { addTagEvent } from './domain/tag-event.js';
export { parseTriggerAnnotation, serializeTriggerAnnotation } from './domain/trigger.js';
export { prioritizeTags } from './domain/prioritize-tags.js';

export { buildInventory } from './inventory/inventory.js';
export type { Inventory, StreamEntry, WorkloadEntry } from './inventory/inventory-model.js';
export { loadSourceFile } from './edit/source-file.js';
export { applyEdits, diffToEdits, type Edit } from './edit/yaml-edit.js';
export { loadRepoSettings, parseRepoSettings, type RepoSettings } from './config/repo-settings.js';

export type { AppContext, ReconcileOptions, ReconcileResult } from './app/app-context.js';
export { reconcile } from './app/reconcile.js';
export { tag } from './app/tag.js';
export { importImage } from './app/import-image.js';
export { createIstag } from './app/create-istag.js';
export type { VerbResult } from './app/stream-verb.js';
// the verbs return data; oc's lines for a result come from the CLI's renderer
export { verbOutput } from './cli/render/verb-output.js';
export { renderPlanTable, planToJson } from './cli/render/render-plan.js';
export { renderCommitMessage } from './planning/commit-message.js';

export { createRegistryClient, type RegistryClientOptions } from './adapters/registry/index.js';
export { dockerConfigCredentials } from './adapters/registry/credentials/docker-credentials.js';
export { createGitAdapter } from './adapters/git/isomorphic-git-adapter.js';
export { directoryWorkspace } from './adapters/fs/directory-workspace.js';
export { run as runCli } from './cli/run.js';
