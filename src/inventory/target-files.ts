/**
 * Which files can hold update targets, told from their path and text alone, so the inventory's one
 * walk of the repository finds them beside the streams and workloads: YAML files whose text holds a
 * `$imagestream` marker, YAML/JSON files a `.tagstream.yaml` rule's glob names, and marked
 * Dockerfiles/Containerfiles. src/targets/ reads what they hold.
 */
import type { SourceFile } from '../edit/source-file.js';

/** The key of a setter marker: `# {"$imagestream": "web:1:tag"}`. */
export const MARKER_KEY = '$imagestream';

/** Cheap pre-check on raw text: only files mentioning the key are parsed for markers. */
export function mayHoldMarker(text: string): boolean {
  return text.includes(MARKER_KEY);
}

/** `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile` (and the same forms of it). */
export function isDockerfile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^(Dockerfile|Containerfile)(\.[^/]+)?$/.test(base) || /\.(Dockerfile|Containerfile)$/.test(base);
}

/** A marked Dockerfile: its text without BOM (`bom` restores it). */
export interface DockerfileText {
  readonly path: string;
  readonly text: string;
  readonly bom: boolean;
}

/** The files of a repository that may hold update targets. */
export interface TargetSources {
  /** Parsed YAML/JSON files that hold markers or match a rule's glob (parsed on first access). */
  readonly files: readonly SourceFile[];
  readonly dockerfiles: readonly DockerfileText[];
}
