/** Parsers for flag values that must be spelled exactly as oc accepts them, with oc's messages. */
import { InvalidArgumentError } from 'commander';
import type { ImportMode, ReferencePolicyType } from '../domain/image-stream.js';

/** `--reference-policy=source|local` (oc tag / import-image). */
export function parseReferencePolicy(value: string): ReferencePolicyType {
  if (value === 'source') return 'Source';
  if (value === 'local') return 'Local';
  throw new InvalidArgumentError("reference policy must be set to 'source' or 'local'");
}

/** `--import-mode=Legacy|PreserveOriginal`. */
export function parseImportMode(value: string): ImportMode {
  if (value === 'Legacy' || value === 'PreserveOriginal') return value;
  throw new InvalidArgumentError('valid ImportMode values are Legacy or PreserveOriginal');
}

/** Repeatable flag: collect every occurrence. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `-c a,b` and repeated `-c a -c b`. */
export function collectCsv(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}
