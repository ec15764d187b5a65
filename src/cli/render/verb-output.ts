/**
 * The ImageStream verbs (`tag`, `import-image`, `create istag`, `delete istag`) as oc prints them:
 * the verb's messages, the tags a tag policy moved, the workloads and update targets it pinned,
 * import-image's describe view of the stored stream; warnings and per-tag errors on stderr. Pure.
 */
import type { TargetChange } from '../../domain/change-set.js';
import type { PolicyFollow } from '../../app/tag-policies.js';
import { workloadObjects, type ChangedObject, type VerbResult } from '../../app/stream-verb.js';
import { describeImageStream } from './describe-stream.js';
import { inventoryWarnings } from './diagnostics.js';
import { qualifiedName } from '../../verbs/trigger-definition.js';

/** `deployment.apps/web image updated (apps/web.yaml)`: how a verb reports an object it changed besides its own. */
export function changedObjectLine(o: ChangedObject, dryRun = false): string {
  return `${qualifiedName(o.kind, o.name)} ${o.change}${dryRun ? ' (dry run)' : ''} (${o.file})`;
}

/**
 * `charts/web/values.yaml image updated (image.tag, image.digest)`: one line per file whose update
 * targets moved (a target is a field, not an object, so the file leads), in file order.
 */
export function changedTargetLines(targets: readonly TargetChange[], dryRun = false): string[] {
  const fields = new Map<string, string[]>();
  for (const t of targets) fields.set(t.file, [...(fields.get(t.file) ?? []), t.field]);
  return [...fields].map(([file, f]) => `${file} image updated${dryRun ? ' (dry run)' : ''} (${f.join(', ')})`);
}

/** `tag stable follows semver:^1: 1.3.0 -> 1.4.0` lines for a verb's output. */
export function followedLines(followed: readonly PolicyFollow[]): string[] {
  return followed.map((f) => `tag ${f.tag} follows ${f.policy}: ${f.fromTag || '(none)'} -> ${f.toTag}`);
}

/** A verb's lines (without newlines): stdout as oc prints it, stderr with the inventory's problems first. */
export function verbOutput(result: VerbResult): { readonly stdout: string[]; readonly stderr: string[] } {
  const d = result.described;
  const view = d ? describeImageStream(d.stream, d.namespace, d.now).replace(/\n+$/, '').split('\n') : [];
  const pinned = [...workloadObjects(result.workloads).map((o) => changedObjectLine(o, result.dryRun)), ...changedTargetLines(result.targets, result.dryRun)];
  return {
    stdout: [...result.messages, ...followedLines(result.followed), ...pinned, ...(view.length > 0 ? ['', ...view] : []), ...result.info],
    stderr: [...inventoryWarnings(result.problems), ...result.notices],
  };
}
