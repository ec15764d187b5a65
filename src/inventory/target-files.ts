/**
 * Which files can hold update targets, told from their path and text alone, so the inventory's one
 * walk of the repository finds them beside the streams and workloads: YAML files whose text holds a
 * `$imagestream` marker, YAML/JSON files a `.tagstream.yaml` rule's glob names, and marked
 * Dockerfiles/Containerfiles. src/targets/ reads what they hold.
 */
import picomatch from 'picomatch';
import { errorMessage, ManifestError } from '../errors.js';
import { decodeText, fileTooLarge, type SourceFile, type SourceLimits } from '../edit/source-file.js';
import type { Workspace } from '../ports/workspace.js';
import type { ScannedFile } from './inventory-files.js';

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

/**
 * The update-target files among what the inventory's walk read: YAML with a marker, YAML/JSON a
 * rule's glob names, Dockerfiles with a marker. Their full parse is made when a planner first asks.
 */
export function targetSources(
  scanned: readonly (ScannedFile | undefined)[],
  dockerfiles: readonly DockerfileRead[],
  rules: readonly { readonly files: string }[],
): TargetSources {
  const byRule = rules.length > 0 ? picomatch(rules.map((r) => r.files), { dot: true }) : undefined;
  const chosen = scanned.filter((f): f is ScannedFile => f !== undefined && ((f.format === 'yaml' && f.mentions(MARKER_KEY)) || byRule?.(f.path) === true));
  let files: readonly SourceFile[] | undefined;
  return {
    get files() {
      return (files ??= chosen.map((f) => f.sourceFile()));
    },
    dockerfiles: dockerfiles.flatMap((d) => (d.file && mayHoldMarker(d.file.text) ? [d.file] : [])),
  };
}

/** A Dockerfile as the walk read it, or why it could not be used. */
export interface DockerfileRead {
  readonly file?: DockerfileText;
  readonly error?: ManifestError;
}

/** Read one Dockerfile (over the size limit: a located error, never read). */
export async function readDockerfile(workspace: Workspace, path: string, limits: SourceLimits): Promise<DockerfileRead> {
  try {
    const size = await workspace.size(path);
    if (size > limits.maxBytes) return { error: fileTooLarge(path, size, limits.maxBytes) };
    const { text, bom } = decodeText(await workspace.readFile(path));
    return { file: { path, text, bom } };
  } catch (e) {
    return { error: e instanceof ManifestError ? e : new ManifestError('ManifestParse', `cannot read: ${errorMessage(e)}`, { file: path }, e) };
  }
}
