/**
 * Text of a NEW manifest file, in the style OpenShift users write ImageStreams by hand (the most
 * common style in public ImageStream YAML): 2-space indent, sequences not indented under their key
 * (`tags:\n- name: ...`), no `---` at the start, no line folding, strings quoted only when a plain
 * scalar would read as something else (`"20.0"`, `"yes"`). JSON gets 2-space indent. Deterministic:
 * the same value always gives the same bytes. Existing files are never written through this.
 */
import { renderYaml } from './edit-scalar.js';

export interface RenderNewOptions {
  readonly format?: 'yaml' | 'json';
}

/** Render a value as the full text of a new file (ends with one newline). */
export function renderNewManifest(value: unknown, opts: RenderNewOptions = {}): string {
  if (opts.format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  return renderYaml(value, { indent: 2, indentSeq: false });
}
