/**
 * A `.tagstream.yaml` target rule: files matching a glob get the nodes selected by JSONPaths set
 * from one stream tag. Validated once where the settings are read (config/repo-settings.ts).
 */
import type { SourceLocation } from '../errors.js';
import type { TargetField, TargetRef } from './target-ref.js';

export interface TargetRuleSet {
  /** JSONPath, already checked against the allowed subset. */
  readonly path: string;
  readonly field: TargetField;
  /** Where the path is written in `.tagstream.yaml`. */
  readonly location: SourceLocation;
}

export interface TargetRule {
  /** Glob relative to the repository root (the include/exclude matcher). */
  readonly files: string;
  readonly from: Omit<TargetRef, 'field'>;
  readonly set: readonly TargetRuleSet[];
  readonly location: SourceLocation;
}
