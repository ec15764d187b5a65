/**
 * `tagstream tag` (oc tag): plan the spec write over the repository's streams, import a new
 * DockerImage source right away, record history, fire the affected triggers, write the files.
 */
import { planTag, type TagOptions } from '../verbs/tag-command.js';
import type { AppContext } from './app-context.js';
import { completeVerbPlan, openVerbSession, type VerbResult } from './stream-verb.js';

export interface TagRequest extends TagOptions {
  /** `-n`; default: the repository's defaultNamespace, else `default`. */
  readonly namespace?: string | undefined;
}

/** Run `oc tag` against the repository. Invalid input throws (nothing written); a failed import exits 1. */
export async function tag(ctx: AppContext, request: TagRequest): Promise<VerbResult> {
  const session = await openVerbSession(ctx, request.namespace);
  const plan = planTag(session.streams, request, session.context);
  return completeVerbPlan(ctx, session, plan);
}
