/**
 * Commit messages a reviewer can read, with trailers a machine can read back. The trailers are
 * also how Tagstream recognises its own commits later (revert awareness, see revert-holds.ts).
 */
import type { ChangeSet, TagMove } from '../domain/change-set.js';
import { redactReference } from '../domain/image-reference.js';

export const MOVE_TRAILER = 'Tagstream-Move';
export const WORKLOAD_TRAILER = 'Tagstream-Workload';
export const TARGET_TRAILER = 'Tagstream-Target';
/** A file Tagstream wrote earlier (a verb, a reconcile without --commit) that the commit carries. */
export const EARLIER_WRITE_TRAILER = 'Tagstream-Earlier-Write';
/** `<ns>/<stream>:<tag> <old source tag|-> -> <new source tag> <digest>`: a tag policy moved from.name. */
export const POLICY_TRAILER = 'Tagstream-Policy';

/** `sha256:0123456789ab` — enough to recognise a digest in a summary line. */
export function shortDigest(image: string): string {
  const m = /^([a-z0-9]+):([0-9a-f]+)$/.exec(image);
  return m ? `${m[1]}:${m[2]!.slice(0, 12)}` : image;
}

function moveLine(m: TagMove): string {
  const from = m.from?.image ? shortDigest(m.from.image) : '(none)';
  const followed = m.followed ? `; tag ${m.followed.from || '(none)'} -> ${m.followed.to} by ${m.followed.policy}` : '';
  return `- ${m.stream}:${m.tag}  ${from} -> ${shortDigest(m.to.image || m.to.reference)} (${m.reason})${followed}`;
}

/** The trailer value for a move a tag policy made: `<ns>/<stream>:<tag> 1.3.0 -> 1.4.0 <digest>`. */
export function policyTrailerValue(m: TagMove): string | undefined {
  if (!m.followed) return undefined;
  return `${m.stream}:${m.tag} ${m.followed.from || '-'} -> ${m.followed.to} ${m.to.image || m.to.reference}`;
}

/** The trailer value for one move: `<ns>/<stream>:<tag> <old|-> -> <new>`. */
export function moveTrailerValue(m: TagMove): string {
  return `${m.stream}:${m.tag} ${m.from?.image || '-'} -> ${m.to.image || m.to.reference}`;
}

function summary(cs: ChangeSet, earlier: readonly string[]): string {
  const moves = cs.moves;
  if (moves.length === 1) {
    const m = moves[0]!;
    if (m.followed) return `tagstream: follow ${m.stream}:${m.tag} ${m.followed.from || '(none)'} -> ${m.followed.to} (${shortDigest(m.to.image || m.to.reference)})`;
    return `tagstream: pin ${m.stream}:${m.tag} to ${shortDigest(m.to.image || m.to.reference)}`;
  }
  if (moves.length > 1) {
    const names = moves.map((m) => `${m.stream}:${m.tag}`);
    const shown = names.slice(0, 2).join(', ');
    return `tagstream: move ${moves.length} image stream tags (${shown}${names.length > 2 ? ', …' : ''})`;
  }
  const n = cs.workloads.length + cs.targets.length;
  if (n === 0 && cs.files.length === 0 && earlier.length > 0) {
    return `tagstream: commit what tagstream wrote earlier (${earlier.length} file${earlier.length === 1 ? '' : 's'})`;
  }
  if (n === 0 && cs.files.length > 0) return `tagstream: record image stream updates (${cs.files.length} file${cs.files.length === 1 ? '' : 's'})`;
  return `tagstream: update ${n} image field${n === 1 ? '' : 's'} from image streams`;
}

/**
 * Summary line, a body listing each tag move and workload change, and machine-readable trailers.
 * `earlier`: files Tagstream wrote before (verbs, a reconcile without --commit) that the commit carries too.
 */
export function renderCommitMessage(cs: ChangeSet, earlier: readonly string[] = []): string {
  const lines: string[] = [summary(cs, earlier), ''];
  if (cs.moves.length > 0) {
    lines.push('Image stream tags:');
    for (const m of cs.moves) lines.push(moveLine(m));
    lines.push('');
  }
  if (cs.workloads.length > 0) {
    lines.push('Workloads:');
    for (const w of cs.workloads) {
      lines.push(`- ${w.kind} ${w.namespace}/${w.name} container ${w.container} (${w.file}) <- ${w.trigger}`);
    }
    lines.push('');
  }
  if (cs.targets.length > 0) {
    lines.push('Targets:');
    for (const t of cs.targets) lines.push(`- ${t.file}:${t.line} ${t.field} (${t.value}) ${redactReference(t.from) || '(empty)'} -> ${t.to} <- ${t.trigger}`);
    lines.push('');
  }
  const otherFiles = cs.files.filter((f) => !cs.workloads.some((w) => w.file === f.path) && !cs.targets.some((t) => t.file === f.path)).map((f) => f.path);
  if (otherFiles.length > 0) {
    lines.push(`Image stream files: ${otherFiles.join(', ')}`);
    lines.push('');
  }
  if (earlier.length > 0) {
    lines.push(`Written earlier by tagstream: ${earlier.join(', ')}`);
    lines.push('');
  }
  for (const m of cs.moves) lines.push(`${MOVE_TRAILER}: ${moveTrailerValue(m)}`);
  for (const m of cs.moves) {
    const policy = policyTrailerValue(m);
    if (policy) lines.push(`${POLICY_TRAILER}: ${policy}`);
  }
  for (const w of cs.workloads) lines.push(`${WORKLOAD_TRAILER}: ${w.kind}/${w.namespace}/${w.name} ${w.container} ${w.trigger}`);
  for (const t of cs.targets) lines.push(`${TARGET_TRAILER}: ${t.file}:${t.line} ${t.field} ${t.value} ${t.trigger}`);
  for (const path of earlier) lines.push(`${EARLIER_WRITE_TRAILER}: ${path}`);
  return lines.join('\n') + '\n';
}

export interface ParsedMoveTrailer {
  readonly stream: string;
  readonly tag: string;
  readonly from: string | undefined;
  readonly to: string;
}

/** Read the Tagstream-Move trailers of a commit message back. Unknown lines are ignored. */
export function parseMoveTrailers(message: string): ParsedMoveTrailer[] {
  const out: ParsedMoveTrailer[] = [];
  const re = new RegExp(`^${MOVE_TRAILER}: (\\S+)/([^/\\s:]+):(\\S+) (\\S+) -> (\\S+)\\s*$`, 'gm');
  for (const m of message.matchAll(re)) {
    out.push({ stream: `${m[1]}/${m[2]}`, tag: m[3]!, from: m[4] === '-' ? undefined : m[4], to: m[5]! });
  }
  return out;
}
