// What `npm run demo` says between the commands, for someone who never used OpenShift, and how it
// styles its headings (bold only on a terminal, never with NO_COLOR, never in a redirected log).

/** A heading formatter: bold on a TTY unless NO_COLOR is set (https://no-color.org), plain otherwise. */
export function headingStyle({ isTTY, env }) {
  const color = Boolean(isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  return (title) => (color ? `\x1b[1m== ${title}\x1b[0m` : `== ${title}`);
}

/** Printed before the first command: the three ideas the demo shows. */
export const INTRO = [
  'An ImageStream gives container images stable names: a tag such as frontend:1.4 points at a',
  'registry image, and its status keeps the history of digests that tag has pointed at.',
  'A workload with an image.openshift.io/triggers annotation follows a tag: when the tag moves,',
  'its container image is pinned to the new digest. OpenShift does this inside a cluster;',
  'Tagstream does it in this Git repository, changing only the image lines, and commits.',
];

/** The WHY column of the reconcile plan, one line per reason (every MoveReason of the ChangeSet). */
export const WHY_LEGEND = [
  'WHY says why a tag moves:',
  '  new-tag       the tag was never imported: its first digest is recorded',
  '  spec-changed  the tag\'s source changed in the file (from, import mode, reference), so it is imported again',
  '  scheduled     importPolicy.scheduled: true re-imports the tag, and the registry now serves a new digest',
  '  tracking      the tag follows another tag of the same stream (oc tag --alias) and that tag moved',
  '  import        an explicit tagstream import-image or tagstream tag asked for it',
  '  webhook       a registry notification (tagstream serve) asked for it',
  'WORKLOADS lists the objects whose triggers follow that tag; their image lines are what changes.',
];

/** Printed after `describe is`: how to read the history. */
export const HISTORY_NOTE = [
  'Each tag lists the digests it has pointed at, newest first, as `oc describe is` shows them.',
  'Rolling back is `git revert` of the bump commit: the next reconcile keeps the reverted digest.',
];
