/**
 * Read the files that can hold update targets: YAML files with a `$imagestream` marker, YAML/JSON
 * files a `.tagstream.yaml` rule's glob matches, and marked Dockerfiles/Containerfiles. The same
 * include/exclude/.gitignore filter as the inventory; files over the size limit are reported.
 */
import picomatch from 'picomatch';
import { errorMessage, ManifestError } from '../errors.js';
import type { RepoSettings } from '../config/repo-settings.js';
import { loadFileFilter } from '../inventory/file-filter.js';
import { decodeText, fileTooLarge, formatOf, loadSourceFile, type SourceFile } from '../edit/source-file.js';
import type { Workspace } from '../ports/workspace.js';
import { isDockerfile } from '../targets/dockerfile.js';
import type { TargetSources } from '../targets/plan-targets.js';
import { mayHoldMarker } from '../targets/yaml-markers.js';

const SETTINGS_FILE = '.tagstream.yaml';

export interface TargetSourceRead extends TargetSources {
  readonly problems: readonly ManifestError[];
}

/** Every file that may hold a target, parsed (YAML/JSON) or as text (Dockerfiles). */
export async function readTargetSources(workspace: Workspace, settings: Pick<RepoSettings, 'include' | 'exclude' | 'limits' | 'targets'>): Promise<TargetSourceRead> {
  const listed = await workspace.listFiles();
  const filter = await loadFileFilter(workspace, listed, { include: settings.include, exclude: settings.exclude });
  const ruleGlobs = settings.targets.length > 0 ? picomatch(settings.targets.map((r) => r.files), { dot: true }) : undefined;
  const files: SourceFile[] = [];
  const dockerfiles: { path: string; text: string; bom: boolean }[] = [];
  const problems: ManifestError[] = [];
  const limits = { maxBytes: settings.limits.maxFileBytes, maxAliasCount: settings.limits.maxAliasCount };
  for (const path of listed.sort()) {
    if (path === SETTINGS_FILE || !filter.accepts(path)) continue;
    const format = formatOf(path);
    const docker = format === undefined && isDockerfile(path);
    if (format === undefined && !docker) continue;
    const byRule = format !== undefined && ruleGlobs?.(path) === true;
    try {
      const size = await workspace.size(path);
      if (size > limits.maxBytes) {
        if (byRule || docker) problems.push(fileTooLarge(path, size, limits.maxBytes));
        continue;
      }
      const bytes = await workspace.readFile(path);
      const { text, bom } = decodeText(bytes);
      if (!mayHoldMarker(text) && !byRule) continue;
      if (docker) dockerfiles.push({ path, text, bom });
      else if (format === 'yaml' || byRule) files.push(loadSourceFile(path, bytes, limits, format));
    } catch (e) {
      problems.push(e instanceof ManifestError ? e : new ManifestError('ManifestParse', `cannot read: ${errorMessage(e)}`, { file: path }));
    }
  }
  return { files, dockerfiles, problems };
}
