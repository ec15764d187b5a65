/**
 * What a planned ImageStream verb (`tag`, `import-image`, `create istag`) returns: the streams it
 * changed or created, oc's success lines, and the imports the registry must now answer. Verbs are
 * pure: they read streams and options and throw typed errors; the app writes the files.
 */
import type { ImageStream, ImportMode } from '../domain/image-stream.js';
import type { ImportRequest } from '../domain/import-result.js';

export interface VerbPlan {
  /** Changed or new streams, in the order they were touched. */
  readonly streams: readonly ImageStream[];
  /** oc's success lines (`Tag app:1 set to quay.io/org/app:1.`). */
  readonly messages: readonly string[];
  /** What must be asked of the registry, then recorded with applyImportResults. */
  readonly imports: readonly ImportRequest[];
  /** Hand edits found on read that could not be resolved (the verb still ran). */
  readonly warnings: readonly string[];
}

export interface VerbContext {
  /** The current namespace (oc's `-n` / kubeconfig namespace; Tagstream's default namespace). */
  readonly namespace: string;
  /** RFC 3339 time from the injected clock. */
  readonly now: string;
  /** Integrated registry host[:port], for Local reference policy and stream status. */
  readonly localRegistry?: string | undefined;
  /** Cluster default for an empty importMode. */
  readonly defaultImportMode?: ImportMode | undefined;
}
