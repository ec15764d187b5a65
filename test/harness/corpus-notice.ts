/**
 * vitest globalSetup: when `../shared/corpus` is absent the corpus tests skip themselves; this says
 * why, once, in one line at the end of the run (instead of leaving a reader to count skips).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));

/** The summary line for a run without the corpus, or undefined when it is there. */
export function corpusNotice(present: boolean): string | undefined {
  if (present) return undefined;
  return 'note: corpus tests skipped: ../shared/corpus (real-world manifests, next to this repository) is absent; CI has it';
}

export default function setup(): (() => void) | undefined {
  const line = corpusNotice(existsSync(CORPUS));
  if (!line) return undefined;
  return () => {
    process.stdout.write(`\n${line}\n`);
  };
}
