/**
 * `tagstream create istag NAME:TAG` (oc create imagestreamtag): refuse an existing tag, write the
 * new one, import a `--from-image` source right away and fire the affected triggers.
 */
import { planCreateIstag, type CreateIstagOptions } from '../verbs/create-istag-command.js';
import type { AppContext } from './app-context.js';
import { completeVerbPlan, openVerbSession, type VerbResult } from './stream-verb.js';

export interface CreateIstagRequest extends CreateIstagOptions {
  /** `-n`; default: the repository's defaultNamespace, else `default`. */
  readonly namespace?: string | undefined;
}

/** Run `oc create istag` against the repository. An existing tag throws AlreadyExists (nothing written). */
export async function createIstag(ctx: AppContext, request: CreateIstagRequest): Promise<VerbResult> {
  const session = await openVerbSession(ctx, request.namespace);
  const plan = planCreateIstag(session.streams, request, session.context);
  return completeVerbPlan(ctx, session, plan);
}
