/**
 * Tag policy annotations checked where streams enter (STYLE habit 4): an invalid
 * `tagstream.io/tag-policy` value, or one on a tag that is not imported from a registry, is a
 * located diagnostic on the stream. The stream is still indexed (its other tags proceed); the
 * policy tag is not imported and keeps its last good image (app/tag-policies.ts).
 */
import { ManifestError } from '../errors.js';
import type { ImageStream } from '../domain/image-stream.js';
import { parseTagPolicy, TAG_POLICY_ANNOTATION } from '../domain/tag-policy.js';
import type { NodeLocator } from '../edit/node-locator.js';

/** One ManifestError per spec tag whose policy annotation cannot be followed. */
export function tagPolicyProblems(stream: ImageStream, locator: NodeLocator): ManifestError[] {
  const out: ManifestError[] = [];
  (stream.spec.tags ?? []).forEach((ref, i) => {
    const text = ref.annotations?.[TAG_POLICY_ANNOTATION];
    if (text === undefined) return;
    const field = `spec.tags[${i}].annotations[${TAG_POLICY_ANNOTATION}]`;
    const at = locator.locate(['spec', 'tags', i, 'annotations', TAG_POLICY_ANNOTATION]);
    try {
      parseTagPolicy(text);
    } catch (e) {
      out.push(new ManifestError('Invalid', `${field}: Invalid value: ${JSON.stringify(text)}: ${e instanceof Error ? e.message.replace(/^tag policy "(?:[^"\\]|\\.)*": /, '') : String(e)}`, at));
      return;
    }
    if (ref.from?.kind !== 'DockerImage' || ref.reference) {
      out.push(new ManifestError('Invalid', `${field}: a tag policy needs a from of kind DockerImage that is not a reference`, at));
    }
  });
  return out;
}
