/**
 * Pull-request title and body from a ChangeSet (STYLE habit 1: the same plan that feeds the commit
 * message). The body is for reviewers (a table of tag moves with the workloads they touch) and
 * for the Action itself: it ends with machine trailers that later runs read back to recognise the
 * PR's moves (same PR on re-run, closed-PR holds). Everything here is pure.
 */
import type { ChangeSet, TagMove, WorkloadChange } from '../domain/change-set.js';
import { redactReference } from '../domain/image-reference.js';
import { MOVE_TRAILER, moveTrailerValue, parseMoveTrailers, shortDigest, type ParsedMoveTrailer } from './commit-message.js';

/** First line of every body Tagstream writes; lets a run tell its PRs from look-alikes. */
export const PR_MARKER = '<!-- tagstream:pull-request -->';
/** Trailer naming the base branch the PR was planned against. */
export const BASE_TRAILER = 'Tagstream-Base';
/** Trailer the Action adds when it closes its own PR, so the close is not mistaken for a human "no". */
export const CLOSED_TRAILER = 'Tagstream-Closed';

/** GitHub refuses bodies over 65536 characters; stay well below, trailers included. */
const MAX_BODY = 60_000;
const MAX_ROWS = 300;
/** Room kept for trailers; the tables get what is left. */
const MAX_TRAILERS = 40_000;
/** Trailer counting the moves whose trailers did not fit. */
export const TRUNCATED_TRAILER = 'Tagstream-Truncated';

/** Where links in the body point (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY`), when known. */
export interface PrLinks {
  readonly serverUrl: string;
  readonly repository: string;
  /** How the host spells a file URL: GitHub `/blob/`, GitLab `/-/blob/`, Gitea/Forgejo `/src/branch/`. Default github. */
  readonly host?: 'github' | 'gitlab' | 'gitea' | undefined;
}

const BLOB_PATH = { github: 'blob', gitlab: '-/blob', gitea: 'src/branch' } as const;

export interface RenderPrOptions {
  readonly base: string;
  /** Title template; `{tags}` and `{base}` are replaced. Empty: a generated title. */
  readonly titleTemplate?: string | undefined;
  /** Branch the PR's files live on, for file links. */
  readonly branch?: string | undefined;
  readonly links?: PrLinks | undefined;
}

export interface RenderedPullRequest {
  readonly title: string;
  readonly body: string;
}

/** Escape text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function tagKey(m: { stream: string; tag: string }): string {
  return `${m.stream}:${m.tag}`;
}

function digestCell(m: TagMove): string {
  const to = m.to.image || m.to.reference;
  const from = m.from?.image ? code(shortDigest(m.from.image)) : '_new tag_';
  return `${from} → ${code(shortDigest(to))}`;
}

function fileLink(w: Pick<WorkloadChange, 'file' | 'line'>, options: RenderPrOptions): string {
  const label = w.line === undefined ? w.file : `${w.file}:${w.line}`;
  if (!options.links || !options.branch) return code(label);
  const anchor = w.line === undefined ? '' : `#L${w.line}`;
  const path = w.file.split('/').map(encodeURIComponent).join('/');
  const url = `${options.links.serverUrl.replace(/\/+$/, '')}/${options.links.repository}/${BLOB_PATH[options.links.host ?? 'github']}/${encodeURIComponent(options.branch)}/${path}${anchor}`;
  return `[${cell(label)}](${url})`;
}

function workloadsOf(cs: ChangeSet, m: TagMove): WorkloadChange[] {
  const key = tagKey(m);
  return cs.workloads.filter((w) => w.trigger === key);
}

/** The moves table: tag, old → new digest, image creation time, workloads touched. */
export function renderMoveTable(cs: ChangeSet): string[] {
  if (cs.moves.length === 0) return [];
  const lines = ['| Tag | Digest | Image created | Workloads |', '|---|---|---|---|'];
  for (const m of cs.moves.slice(0, MAX_ROWS)) {
    const workloads = workloadsOf(cs, m);
    const names = [...new Set([...workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`), ...cs.targets.filter((t) => t.trigger === tagKey(m)).map((t) => t.file)])];
    const followed = m.followed ? ` (${m.followed.from ? code(m.followed.from) : '_none_'} → ${code(m.followed.to)}, ${code(m.followed.policy).replace(/\|/g, '\\|')})` : '';
    lines.push(`| ${code(tagKey(m))}${followed} | ${digestCell(m)} | ${m.imageCreated ? cell(m.imageCreated) : '—'} | ${names.length ? cell(names.join(', ')) : '—'} |`);
  }
  if (cs.moves.length > MAX_ROWS) lines.push('', `…and ${cs.moves.length - MAX_ROWS} more tags (see the trailers below).`);
  return lines;
}

function renderWorkloadTable(cs: ChangeSet, options: RenderPrOptions): string[] {
  if (cs.workloads.length === 0) return [];
  const lines = ['| Workload | Container | Field | Tag |', '|---|---|---|---|'];
  for (const w of cs.workloads.slice(0, MAX_ROWS)) {
    lines.push(`| ${cell(`${w.kind} ${w.namespace}/${w.name}`)} (${fileLink(w, options)}) | ${code(w.container)} | ${code(w.field)} | ${code(w.trigger)} |`);
  }
  if (cs.workloads.length > MAX_ROWS) lines.push('', `…and ${cs.workloads.length - MAX_ROWS} more workload fields.`);
  return lines;
}

/** Update targets outside pod specs: file:line, field, old -> new. */
function renderTargetTable(cs: ChangeSet, options: RenderPrOptions): string[] {
  if (cs.targets.length === 0) return [];
  const lines = ['| File | Field | Old → new | Tag |', '|---|---|---|---|'];
  for (const t of cs.targets.slice(0, MAX_ROWS)) {
    const field = t.value === 'reference' ? t.field : `${t.field} (${t.value})`;
    lines.push(`| ${fileLink(t, options)} | ${code(field)} | ${t.from ? code(redactReference(t.from)) : '_empty_'} → ${code(t.to)} | ${code(t.trigger)} |`);
  }
  if (cs.targets.length > MAX_ROWS) lines.push('', `…and ${cs.targets.length - MAX_ROWS} more target fields.`);
  return lines;
}

/** Held tags and failures, shared by the PR body and the job summary. */
export function renderHeldAndFailures(cs: ChangeSet): string[] {
  const lines: string[] = [];
  if (cs.held.length > 0) {
    lines.push('**Held** (not proposed again):', '');
    for (const h of cs.held) {
      const why = h.reason === 'pull-request-closed' ? `proposed in ${h.heldBy}, closed without merging` : `reverted by ${h.heldBy}`;
      lines.push(`- ${code(tagKey(h))} ${code(shortDigest(h.image))}: ${cell(why)}`);
    }
    lines.push('');
  }
  if (cs.failures.length > 0) {
    lines.push('**Failed** (left unchanged):', '');
    for (const f of cs.failures) lines.push(`- ${code(tagKey(f))}: ${cell(f.message)}`);
    lines.push('');
  }
  return lines;
}

/** `tagstream: pin shop/web:1.4 to sha256:…` or `tagstream: move 3 image stream tags (…)`. */
function generatedTitle(cs: ChangeSet, base: string): string {
  const moves = cs.moves;
  if (moves.length === 1) {
    const m = moves[0]!;
    return `tagstream: pin ${tagKey(m)} to ${shortDigest(m.to.image || m.to.reference)}`;
  }
  if (moves.length > 1) {
    const names = moves.map(tagKey);
    return `tagstream: move ${moves.length} image stream tags on ${base} (${names.slice(0, 2).join(', ')}${names.length > 2 ? ', …' : ''})`;
  }
  return `tagstream: update workload images on ${base}`;
}

/**
 * One trailer per move while they fit in GitHub's body limit. Past that, the rest are counted in a
 * Tagstream-Truncated trailer: such a PR is not recognised as "same moves" on re-run (use
 * `group: tag` for plans this large).
 */
function moveTrailers(moves: readonly TagMove[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (const [i, m] of moves.entries()) {
    const line = `${MOVE_TRAILER}: ${moveTrailerValue(m)}`;
    if (size + line.length + 1 > MAX_TRAILERS) {
      out.push(`${TRUNCATED_TRAILER}: ${moves.length - i}`);
      break;
    }
    out.push(line);
    size += line.length + 1;
  }
  return out;
}

/** Title and body of the pull request proposing `cs` against `options.base`. */
export function renderPullRequest(cs: ChangeSet, options: RenderPrOptions): RenderedPullRequest {
  const template = options.titleTemplate?.trim() ?? '';
  const title = template
    ? template.replaceAll('{tags}', cs.moves.map(tagKey).join(', ')).replaceAll('{base}', options.base)
    : generatedTitle(cs, options.base);

  const n = cs.moves.length;
  const head = [
    PR_MARKER,
    n > 0
      ? `Tagstream found ${n} image stream tag${n === 1 ? '' : 's'} pointing at new images and proposes pinning ${n === 1 ? 'it' : 'them'} on ${code(options.base)}.`
      : `Tagstream proposes updating workload images on ${code(options.base)}.`,
    '',
  ];
  const sections: string[][] = [renderMoveTable(cs), renderWorkloadTable(cs, options), renderTargetTable(cs, options), renderHeldAndFailures(cs)];
  const trailers = ['---', '', 'Merge to apply; close without merging and these digests will not be proposed again for their tags.', '', '```', ...moveTrailers(cs.moves), `${BASE_TRAILER}: ${options.base}`, '```'];

  const body: string[] = [...head];
  let size = head.join('\n').length + trailers.join('\n').length;
  for (const section of sections) {
    if (section.length === 0) continue;
    const text = section.join('\n');
    if (size + text.length + 2 > MAX_BODY) {
      body.push('_(Some details were left out: the body would exceed GitHub’s size limit.)_', '');
      break;
    }
    body.push(...section);
    if (section[section.length - 1] !== '') body.push('');
    size += text.length + 2;
  }
  body.push(...trailers);
  return { title: title.slice(0, 256), body: body.join('\n') + '\n' };
}

/** What a Tagstream PR body says about itself. */
export interface PullRequestTrailers {
  readonly moves: readonly ParsedMoveTrailer[];
  readonly base: string | undefined;
  /** Set when the Action closed the PR itself (not a human decision). */
  readonly closedByTool: string | undefined;
  /** Moves left out of the trailers (huge plans); 0 normally. */
  readonly truncated: number;
}

/** Read the trailers of a PR body back (tolerates the CRLF GitHub's editor writes). */
export function parsePullRequestTrailers(body: string | null | undefined): PullRequestTrailers {
  const text = (body ?? '').replace(/\r\n/g, '\n');
  const base = new RegExp(`^${BASE_TRAILER}: (\\S+)\\s*$`, 'm').exec(text)?.[1];
  const closed = new RegExp(`^${CLOSED_TRAILER}: (.+?)\\s*$`, 'm').exec(text)?.[1];
  const truncated = Number(new RegExp(`^${TRUNCATED_TRAILER}: (\\d+)\\s*$`, 'm').exec(text)?.[1] ?? 0);
  return { moves: parseMoveTrailers(text), base, closedByTool: closed, truncated };
}

/** Whether a body was written by Tagstream. */
export function isTagstreamBody(body: string | null | undefined): boolean {
  return (body ?? '').startsWith(PR_MARKER);
}

/** The body of a PR the Action closes itself: the old body plus the closing trailer. */
export function closedBody(body: string | null | undefined, reason: string): string {
  const text = (body ?? '').replace(/\s+$/, '');
  return `${text}\n\n${CLOSED_TRAILER}: ${reason.replace(/\s+/g, ' ')}\n`;
}
