/**
 * `oc delete istag NAME:TAG...` (imagestreamtag rest.go Delete, spec §2.3): each tag's spec and
 * history go, as with `oc tag -d`; each name succeeds or fails on its own, as kubectl deletes.
 */
import { isTagstreamError, TagstreamError } from '../errors.js';
import { parseIstagName } from '../domain/stream-tag-name.js';
import { streamKey, type ImageStream } from '../domain/image-stream.js';
import { planTag } from './tag-command.js';
import type { VerbContext, VerbPlan } from './verb-plan.js';

export interface DeleteIstagPlan extends VerbPlan {
  /** One error per name that could not be deleted (the others still are). */
  readonly errors: readonly TagstreamError[];
  /** The `stream:tag` names deleted. */
  readonly deleted: readonly string[];
}

/** Plan the deletion of `names` (each `stream:tag`). */
export function planDeleteIstag(current: ReadonlyMap<string, ImageStream>, names: readonly string[], ctx: VerbContext): DeleteIstagPlan {
  const streams = new Map(current);
  const changed = new Map<string, ImageStream>();
  const messages: string[] = [];
  const deleted: string[] = [];
  const errors: TagstreamError[] = [];
  const warnings = new Set<string>();
  for (const name of names) {
    if (!parseIstagName(name) || name.includes('/')) {
      errors.push(new TagstreamError('BadRequest', 'ImageStreamTags must be retrieved with <name>:<tag>'));
      continue;
    }
    try {
      const plan = planTag(streams, { args: [name], delete: true }, ctx);
      for (const s of plan.streams) {
        const key = streamKey(s.metadata.namespace ?? '', s.metadata.name);
        streams.set(key, s);
        changed.set(key, s);
      }
      for (const w of plan.warnings) warnings.add(w);
      messages.push(`imagestreamtag.image.openshift.io "${name}" deleted`);
      deleted.push(name);
    } catch (e) {
      if (!isTagstreamError(e)) throw e;
      errors.push(e);
    }
  }
  return { streams: [...changed.values()], messages, imports: [], warnings: [...warnings], errors, deleted };
}
