/** `tagstream delete istag NAME:TAG...` (oc delete imagestreamtag): remove each tag's spec and history, fire nothing new. */
import type { TagstreamError } from '../errors.js';
import { planDeleteIstag } from '../verbs/delete-istag-command.js';
import type { AppContext } from './app-context.js';
import { completeVerbPlan, openVerbSession, type VerbResult } from './stream-verb.js';

export interface DeleteIstagRequest {
  /** `stream:tag` names. */
  readonly names: readonly string[];
  /** `-n`; default: the repository's defaultNamespace, else `default`. */
  readonly namespace?: string | undefined;
}

/** Delete the named tags; the names that could not be deleted are returned as errors (the rest is written). */
export async function deleteIstag(ctx: AppContext, request: DeleteIstagRequest): Promise<{ result: VerbResult; errors: readonly TagstreamError[] }> {
  const session = await openVerbSession(ctx, request.namespace);
  const plan = planDeleteIstag(session.streams, request.names, session.context);
  const result = await completeVerbPlan(ctx, session, plan);
  return { result, errors: plan.errors };
}
