/**
 * The job summary (`$GITHUB_STEP_SUMMARY`) of an Action run: what the plan was and what the run
 * did with it. Rendered from the same ChangeSet as the PR body; pure.
 */
import { diagnosticLocation, type ChangeSet } from '../domain/change-set.js';
import type { PullRequestOutcome } from '../app/pull-request-mode.js';
import { cell, code, renderHeldAndFailures, renderMoveTable, type PrLinks } from '../planning/pull-request-body.js';

export type SummaryMode = 'pull-request' | 'commit' | 'dry-run';


export interface SummaryInput {
  readonly mode: SummaryMode;
  readonly base: string;
  readonly changeSet: ChangeSet;
  readonly commit?: string | undefined;
  readonly pushed?: boolean | undefined;
  readonly pullRequests?: readonly PullRequestOutcome[] | undefined;
  readonly links?: PrLinks | undefined;
}

function commitLink(sha: string, links: PrLinks | undefined): string {
  if (!links) return code(sha.slice(0, 12));
  return `[${code(sha.slice(0, 12))}](${links.serverUrl.replace(/\/+$/, '')}/${links.repository}/commit/${sha})`;
}

function outcome(input: SummaryInput): string[] {
  const lines: string[] = [];
  if (input.mode === 'dry-run') lines.push('Dry run: nothing was written.');
  if (input.mode === 'commit') {
    if (input.commit) lines.push(`Committed ${commitLink(input.commit, input.links)}${input.pushed ? ` and pushed to ${code(input.base)}` : ' (not pushed)'}.`);
    else lines.push('Nothing to commit.');
  }
  for (const pr of input.pullRequests ?? []) {
    lines.push(`- Pull request [#${pr.number}](${pr.url}) ${pr.action} (branch ${code(pr.branch)})`);
  }
  return lines;
}

/** Markdown for the job summary. */
export function renderSummary(input: SummaryInput): string {
  const cs = input.changeSet;
  const n = cs.moves.length;
  const lines: string[] = [`### Tagstream (${input.mode}) on ${code(input.base)}`, ''];
  const t = cs.targets.length;
  lines.push(
    n === 0 && cs.workloads.length === 0 && t === 0
      ? 'No image stream tag moved.'
      : `${n} tag move${n === 1 ? '' : 's'}, ${cs.workloads.length} workload field${cs.workloads.length === 1 ? '' : 's'}, ${t > 0 ? `${t} target field${t === 1 ? '' : 's'}, ` : ''}${cs.files.length} file${cs.files.length === 1 ? '' : 's'}.`,
    '',
  );
  const done = outcome(input);
  if (done.length > 0) lines.push(...done, '');
  const table = renderMoveTable(cs);
  if (table.length > 0) lines.push(...table, '');
  lines.push(...renderHeldAndFailures(cs));
  const problems = cs.diagnostics;
  if (problems.length > 0) {
    lines.push('**Diagnostics**', '', '| Severity | Where | Message |', '|---|---|---|');
    for (const d of problems) {
      const where = diagnosticLocation(d) ?? d.object ?? '';
      lines.push(`| ${d.severity} | ${where ? code(where) : '—'} | ${cell(d.message)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
