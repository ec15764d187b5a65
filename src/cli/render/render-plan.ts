/**
 * `reconcile --dry-run` output from a ChangeSet: a readable table (stream:tag, old → new digest,
 * workloads affected, why), held tags, failures, and a JSON form for scripts.
 */
import { diagnosticLocation, failureText, type ChangeSet } from '../../domain/change-set.js';
import { redactReference } from '../../domain/image-reference.js';
import { shortDigest } from '../../planning/commit-message.js';
import { boundLines } from './diagnostics.js';
import { TABLE_TABWRITER, tabwrite } from './go-tabwriter.js';

const cell = (s: string) => s.replace(/[\t\n]/g, ' ');

/** Human-readable plan. `wide` prints full digests; `diagnosticLimit` bounds the diagnostic lines (then "… and N more"). */
export function renderPlanTable(cs: ChangeSet, options: { wide?: boolean; diagnosticLimit?: number | undefined } = {}): string {
  const digest = (s: string | undefined) => (s ? (options.wide ? s : shortDigest(s)) : '<none>');
  const out: string[] = [];
  if (cs.moves.length === 0 && cs.workloads.length === 0 && cs.targets.length === 0) {
    if (cs.files.length > 0) {
      // No image moves, yet files change (spec edits settled, conditions recorded): say which, so
      // the dry run, the commit and the Action report the same plan.
      out.push(`No image changes; ImageStream records change in ${cs.files.map((f) => f.path).join(', ')}.`);
    } else {
      const quiet = cs.held.length === 0 && cs.failures.length === 0 && !cs.diagnostics.some((d) => d.severity === 'error');
      out.push(quiet ? 'No changes: every tag and workload is up to date.' : 'No changes.');
    }
  }
  if (cs.moves.length > 0) {
    const rows = ['STREAM:TAG\tOLD\tNEW\tWORKLOADS\tWHY'];
    for (const m of cs.moves) {
      const key = `${m.stream}:${m.tag}`;
      const affected = [
        ...cs.workloads.filter((w) => w.trigger === key).map((w) => `${w.kind.toLowerCase()}/${w.name}`),
        ...cs.targets.filter((t) => t.trigger === key).map((t) => `${t.file}:${t.line}`),
      ];
      rows.push(
        [key, digest(m.from?.image), digest(m.to.image || m.to.reference), [...new Set(affected)].join(',') || '-', m.reason]
          .map(cell)
          .join('\t'),
      );
    }
    out.push(tabwrite(rows.join('\n') + '\n', TABLE_TABWRITER).trimEnd());
  }
  if (cs.workloads.length > 0) {
    out.push('');
    const rows = ['WORKLOAD\tCONTAINER\tFILE\tNEW IMAGE\tFROM'];
    for (const w of cs.workloads) {
      rows.push([`${w.kind.toLowerCase()}/${w.name}`, w.container, w.line ? `${w.file}:${w.line}` : w.file, w.to, w.trigger].map(cell).join('\t'));
    }
    out.push(tabwrite(rows.join('\n') + '\n', TABLE_TABWRITER).trimEnd());
  }
  if (cs.targets.length > 0) {
    out.push('');
    const rows = ['TARGET\tFIELD\tVALUE\tOLD\tNEW\tFROM'];
    for (const t of cs.targets) rows.push([`${t.file}:${t.line}`, t.field, t.value, redactReference(t.from) || '<empty>', t.to].map(cell).join('\t') + `\t${cell(t.trigger)}`);
    out.push(tabwrite(rows.join('\n') + '\n', TABLE_TABWRITER).trimEnd());
  }
  if (cs.held.length > 0) {
    out.push('');
    for (const h of cs.held) {
      const why = h.reason === 'reverted' ? `reverted in ${h.heldBy.slice(0, 12)}` : `proposed in closed pull request ${h.heldBy}`;
      out.push(`held: ${h.stream}:${h.tag} stays put; the registry still serves ${digest(h.image)}, ${why}`);
    }
  }
  if (cs.failures.length > 0) {
    out.push('');
    for (const f of cs.failures) out.push(`error: tag ${f.stream}:${f.tag} failed (${f.reason}): ${failureText(f)}`);
  }
  const diagnostics = cs.diagnostics.map((d) => {
    const where = diagnosticLocation(d);
    return `${d.severity}: ${where ? `${where}: ` : ''}${d.message}`;
  });
  const limit = options.diagnosticLimit;
  out.push(...(limit === undefined ? diagnostics : boundLines(diagnostics, limit, () => true)));
  return out.join('\n') + '\n';
}

/** The plan as data for `-o json` / the Action's `plan` output: no file contents, just paths. */
export function planToJson(cs: ChangeSet): Record<string, unknown> {
  return {
    moves: cs.moves,
    // old values come from the user's files: userinfo in them is never echoed (#12.7)
    workloads: cs.workloads.map((w) => ({ ...w, from: redactReference(w.from) })),
    targets: cs.targets.map((t) => ({ ...t, from: redactReference(t.from) })),
    held: cs.held,
    failures: cs.failures,
    diagnostics: cs.diagnostics,
    files: cs.files.map((f) => ({ path: f.path, created: f.before === null })),
  };
}
