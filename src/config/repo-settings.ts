/**
 * Repository settings: the optional `.tagstream.yaml` at the repository root, validated once into
 * a frozen RepoSettings. Every key is described in SETTING_FIELDS, which drives both the
 * unknown-key check and the README table (SETTINGS_DOC), so the docs cannot drift from the code.
 */
import { deepFreeze } from '../domain/deep-freeze.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { formatLocation, TagstreamError, type SourceLocation } from '../errors.js';
import { validateNamespace } from '../domain/names.js';
import type { Workspace } from '../ports/workspace.js';
import { checkJsonPath } from '../targets/jsonpath-check.js';
import { isTargetField, parseTargetRef, TARGET_FIELDS } from '../targets/target-ref.js';
import type { TargetRule, TargetRuleSet } from '../targets/target-rule.js';
import { isValidBranchName } from './action-inputs.js';
import { formatDuration, parseDuration } from './duration.js';

export const REPO_SETTINGS_FILE = '.tagstream.yaml';

export interface RegistryMirror {
  /** Repository prefix as written in pull specs, e.g. `docker.io/library`. */
  readonly source: string;
  /** Where to pull it from instead, e.g. `mirror.example.com/library`. */
  readonly mirror: string;
}

export interface RepoSettings {
  /** Globs (picomatch, repo-relative) of files to scan; empty = every file. */
  readonly include: readonly string[];
  /** Globs of files never scanned, applied after include and .gitignore. */
  readonly exclude: readonly string[];
  /** Namespace for objects without metadata.namespace; undefined means `default`. */
  readonly defaultNamespace: string | undefined;
  /** Where new ImageStreams are written; placeholders `{namespace}` and `{name}`. */
  readonly imageStreamPath: string;
  /** `host[:port][/prefix]` used as the "internal registry" for referencePolicy Local. */
  readonly localRegistry: string | undefined;
  /** Platform picked from manifest lists in Legacy import mode (`os/arch[/variant]`). */
  readonly platform: string;
  /** Interval of scheduled imports, in milliseconds (floor 1 minute). */
  readonly scheduledImportInterval: number;
  /** Tags imported per repository by a bulk (`spec.dockerImageRepository`) import. */
  readonly maxBulkImport: number;
  readonly limits: {
    /** Manifest files larger than this are refused (bytes). */
    readonly maxFileBytes: number;
    /** Alias expansions allowed per YAML document (alias bombs). */
    readonly maxAliasCount: number;
  };
  readonly registries: {
    /** Registries (`host[:port]`) that may be reached over HTTP or with unverified TLS. */
    readonly insecure: readonly string[];
    readonly mirrors: readonly RegistryMirror[];
  };
  readonly git: {
    readonly authorName: string;
    readonly authorEmail: string;
    /** Branch to commit to; undefined = the checked-out branch. */
    readonly branch: string | undefined;
    /** Git host API for pull/merge requests; undefined = inferred from the remote's host. */
    readonly provider: 'github' | 'gitlab' | 'gitea' | undefined;
    /** Base URL of that API; undefined = the provider's default for the remote's host. */
    readonly apiUrl: string | undefined;
  };
  /** How often the daemon looks for work, in milliseconds (floor 10 seconds). */
  readonly pollInterval: number;
  /** JSONPath update-target rules (files that carry no `$imagestream` markers). */
  readonly targets: readonly TargetRule[];
}

const MINUTE = 60_000;
/** Floors of the intervals; `tagstream serve` applies the same ones to its overrides. */
export const MIN_SCHEDULED_INTERVAL = MINUTE;
export const MIN_POLL_INTERVAL = 10_000;

export const DEFAULT_REPO_SETTINGS: RepoSettings = deepFreeze({
  include: [],
  exclude: [],
  defaultNamespace: undefined,
  imageStreamPath: 'imagestreams/{namespace}/{name}.yaml',
  localRegistry: undefined,
  platform: 'linux/amd64',
  scheduledImportInterval: 15 * MINUTE,
  maxBulkImport: 50,
  limits: { maxFileBytes: 8 * 1024 * 1024, maxAliasCount: 100 },
  registries: { insecure: [], mirrors: [] },
  git: { authorName: 'Tagstream', authorEmail: 'tagstream@localhost', branch: undefined, provider: undefined, apiUrl: undefined },
  pollInterval: 5 * MINUTE,
  targets: [],
});

export interface SettingField {
  /** Dotted key as written in `.tagstream.yaml`. */
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

/** Every key `.tagstream.yaml` accepts. Groups (`limits`, `registries`, `git`) are listed by their leaves. */
export const SETTING_FIELDS: readonly SettingField[] = Object.freeze([
  { key: 'include', type: 'list of globs', default: '(all files)', description: 'Repo-relative picomatch globs of manifest files to scan.' },
  { key: 'exclude', type: 'list of globs', default: '(none)', description: 'Globs never scanned (applied after `include` and `.gitignore`).' },
  { key: 'defaultNamespace', type: 'RFC 1123 label', default: '`default`', description: 'Namespace of objects without `metadata.namespace`.' },
  { key: 'imageStreamPath', type: 'path template', default: `\`${DEFAULT_REPO_SETTINGS.imageStreamPath}\``, description: 'Where new ImageStreams are written; must contain `{name}`, may contain `{namespace}`.' },
  { key: 'localRegistry', type: 'host[:port][/prefix]', default: '(none)', description: 'Registry that plays the integrated registry for `referencePolicy: Local` and `status.dockerImageRepository`.' },
  { key: 'platform', type: 'os/arch[/variant]', default: `\`${DEFAULT_REPO_SETTINGS.platform}\``, description: 'Platform chosen from manifest lists when `importMode` is `Legacy`.' },
  { key: 'scheduledImportInterval', type: 'duration', default: `\`${formatDuration(DEFAULT_REPO_SETTINGS.scheduledImportInterval)}\``, description: 'How often tags with `importPolicy.scheduled: true` are re-imported (at least `1m`).' },
  { key: 'maxBulkImport', type: 'integer', default: `\`${DEFAULT_REPO_SETTINGS.maxBulkImport}\``, description: 'Tags imported per repository by a `spec.dockerImageRepository` bulk import.' },
  { key: 'limits.maxFileBytes', type: 'integer', default: `\`${DEFAULT_REPO_SETTINGS.limits.maxFileBytes}\``, description: 'Manifest files larger than this (bytes) are refused with a diagnostic.' },
  { key: 'limits.maxAliasCount', type: 'integer', default: `\`${DEFAULT_REPO_SETTINGS.limits.maxAliasCount}\``, description: 'YAML alias expansions allowed per document (protects against alias bombs).' },
  { key: 'registries.insecure', type: 'list of host[:port]', default: '(none)', description: 'Registries that may be reached over plain HTTP or with unverified TLS.' },
  { key: 'registries.mirrors', type: 'list of {source, mirror}', default: '(none)', description: 'Pull `source` repositories from `mirror` instead; history keeps the spelling of `from.name`.' },
  { key: 'git.authorName', type: 'string', default: `\`${DEFAULT_REPO_SETTINGS.git.authorName}\``, description: 'Author name of commits Tagstream makes.' },
  { key: 'git.authorEmail', type: 'string', default: `\`${DEFAULT_REPO_SETTINGS.git.authorEmail}\``, description: 'Author email of commits Tagstream makes.' },
  { key: 'git.branch', type: 'string', default: '(checked-out branch)', description: 'Branch Tagstream commits to.' },
  { key: 'git.provider', type: '`github`, `gitlab` or `gitea`', default: '(from the remote host)', description: 'Git host API for pull-request mode (`gitea` also serves Forgejo and Codeberg); inferred for github.com, gitlab.com, codeberg.org and gitea.com.' },
  { key: 'git.apiUrl', type: 'URL', default: '(provider default)', description: 'Base URL of the Git host API for self-hosted instances, e.g. `https://gitlab.example.com/api/v4`.' },
  { key: 'targets', type: 'list of {files, from, set}', default: '(none)', description: 'Update targets by JSONPath: in files matching the glob `files`, set each JSONPath of `set` to a FIELD (reference, name, tag, digest, tag-digest) of the stream tag `from` (`[NAMESPACE/]STREAM:TAG`). Filters compare `@.member` with literals; no script runs.' },
  { key: 'pollInterval', type: 'duration', default: `\`${formatDuration(DEFAULT_REPO_SETTINGS.pollInterval)}\``, description: 'How often the daemon checks for due imports and repository changes (at least `10s`).' },
]);

/** Markdown table of every `.tagstream.yaml` key, for the README. */
export const SETTINGS_DOC: string = [
  '| Key | Type | Default | Description |',
  '|---|---|---|---|',
  ...SETTING_FIELDS.map((f) => `| \`${f.key}\` | ${f.type} | ${f.default} | ${f.description} |`),
].join('\n');

/** Read and validate `.tagstream.yaml` at the workspace root; defaults when it is absent. */
export async function loadRepoSettings(workspace: Workspace): Promise<RepoSettings> {
  if (!(await workspace.exists(REPO_SETTINGS_FILE))) return DEFAULT_REPO_SETTINGS;
  const bytes = await workspace.readFile(REPO_SETTINGS_FILE);
  return parseRepoSettings(bytes.toString('utf8'), REPO_SETTINGS_FILE);
}

/**
 * Validate the text of a settings file. Throws one TagstreamError (code `Config`) listing every
 * problem, each with file:line:col; the error's own location is the first problem's.
 */
export function parseRepoSettings(text: string, file: string = REPO_SETTINGS_FILE): RepoSettings {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  const at = (node: Node | null | undefined): SourceLocation => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file };
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    problems.push({ message: `invalid YAML: ${e.message.split('\n')[0]}`, location: { file, line, col } });
  }
  if (problems.length > 0) throw settingsError(file, problems);
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return DEFAULT_REPO_SETTINGS;
  if (!isMap(root)) throw settingsError(file, [{ message: 'expected a mapping of settings', location: at(root) }]);

  const r = new Reader(problems, at);
  const d = DEFAULT_REPO_SETTINGS;
  r.checkKeys(root, '');
  const settings: RepoSettings = {
    include: r.globs(root, 'include') ?? d.include,
    exclude: r.globs(root, 'exclude') ?? d.exclude,
    defaultNamespace: r.string(root, 'defaultNamespace', (v) => validateNamespace(v)[0]) ?? d.defaultNamespace,
    imageStreamPath: r.string(root, 'imageStreamPath', checkPathTemplate) ?? d.imageStreamPath,
    localRegistry: r.string(root, 'localRegistry', checkRegistry(true)) ?? d.localRegistry,
    platform: r.string(root, 'platform', checkPlatform) ?? d.platform,
    scheduledImportInterval: r.duration(root, 'scheduledImportInterval', MIN_SCHEDULED_INTERVAL) ?? d.scheduledImportInterval,
    maxBulkImport: r.integer(root, 'maxBulkImport', 1) ?? d.maxBulkImport,
    limits: r.group(root, 'limits', (m) => ({
      maxFileBytes: r.integer(m, 'maxFileBytes', 1, 'limits.') ?? d.limits.maxFileBytes,
      maxAliasCount: r.integer(m, 'maxAliasCount', 0, 'limits.') ?? d.limits.maxAliasCount,
    })) ?? d.limits,
    registries: r.group(root, 'registries', (m) => ({
      insecure: r.stringList(m, 'insecure', checkRegistry(false), 'registries.') ?? d.registries.insecure,
      mirrors: r.mirrors(m) ?? d.registries.mirrors,
    })) ?? d.registries,
    git: r.group(root, 'git', (m) => ({
      authorName: r.string(m, 'authorName', nonEmpty, 'git.') ?? d.git.authorName,
      authorEmail: r.string(m, 'authorEmail', checkEmail, 'git.') ?? d.git.authorEmail,
      branch: r.string(m, 'branch', checkBranch, 'git.') ?? d.git.branch,
      provider: (r.string(m, 'provider', checkProvider, 'git.') as RepoSettings['git']['provider']) ?? d.git.provider,
      apiUrl: r.string(m, 'apiUrl', checkHttpUrl, 'git.') ?? d.git.apiUrl,
    })) ?? d.git,
    pollInterval: r.duration(root, 'pollInterval', MIN_POLL_INTERVAL) ?? d.pollInterval,
    targets: r.targets(root) ?? d.targets,
  };
  if (problems.length > 0) throw settingsError(file, problems);
  return deepFreeze(settings);
}

interface Problem {
  readonly message: string;
  readonly location: SourceLocation;
}

function settingsError(file: string, problems: readonly Problem[]): TagstreamError {
  const first = problems[0] as Problem;
  if (problems.length === 1) return new TagstreamError('Config', `invalid ${file}: ${first.message}`, { location: first.location });
  const lines = problems.map((p) => `  - ${p.message} (${formatLocation(p.location)})`);
  return new TagstreamError('Config', `invalid ${file}: ${problems.length} problems:\n${lines.join('\n')}`, { location: first.location });
}

type Check = (value: string) => string | undefined;

/** Collects problems while reading typed values out of YAML maps. */
class Reader {
  constructor(
    readonly problems: Problem[],
    readonly at: (node: Node | null | undefined) => SourceLocation,
  ) {}

  private fail(node: Node | null | undefined, message: string): undefined {
    this.problems.push({ message, location: this.at(node) });
    return undefined;
  }

  /** Reject keys that SETTING_FIELDS does not list under `prefix`. */
  checkKeys(map: YAMLMap, prefix: string): void {
    const allowed = new Set(
      SETTING_FIELDS.filter((f) => f.key.startsWith(prefix)).map((f) => f.key.slice(prefix.length).split('.')[0]),
    );
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!allowed.has(key)) {
        const known = [...allowed].sort().join(', ');
        this.fail(pair.key as Node, `${prefix}${key}: unknown setting; known keys${prefix ? ` in ${prefix.slice(0, -1)}` : ''} are ${known}`);
      }
    }
  }

  private node(map: YAMLMap, key: string): Node | undefined {
    const n = map.get(key, true) as Node | undefined;
    if (n === undefined || (isScalar(n) && n.value === null)) return undefined;
    return n;
  }

  string(map: YAMLMap, key: string, check: Check, prefix = ''): string | undefined {
    const n = this.node(map, key);
    if (n === undefined) return undefined;
    if (!isScalar(n) || typeof n.value !== 'string') return this.fail(n, `${prefix}${key}: expected a string`);
    const problem = check(n.value);
    return problem === undefined ? n.value : this.fail(n, `${prefix}${key}: ${problem}`);
  }

  integer(map: YAMLMap, key: string, min: number, prefix = ''): number | undefined {
    const n = this.node(map, key);
    if (n === undefined) return undefined;
    if (!isScalar(n) || typeof n.value !== 'number' || !Number.isInteger(n.value)) {
      return this.fail(n, `${prefix}${key}: expected an integer`);
    }
    return n.value >= min ? n.value : this.fail(n, `${prefix}${key}: expected an integer >= ${min}, got ${n.value}`);
  }

  duration(map: YAMLMap, key: string, floorMs: number): number | undefined {
    const n = this.node(map, key);
    if (n === undefined) return undefined;
    const ms = isScalar(n) && typeof n.value === 'string' ? parseDuration(n.value) : undefined;
    if (ms === undefined) return this.fail(n, `${key}: expected a duration such as "90s", "15m" or "1h30m"`);
    if (ms < floorMs) return this.fail(n, `${key}: must be at least ${formatDuration(floorMs)}, got ${String((n as { value: unknown }).value)}`);
    return ms;
  }

  stringList(map: YAMLMap, key: string, check: Check, prefix = ''): string[] | undefined {
    const n = this.node(map, key);
    if (n === undefined) return undefined;
    if (!isSeq(n)) return this.fail(n, `${prefix}${key}: expected a list`);
    const out: string[] = [];
    n.items.forEach((item, i) => {
      const node = item as Node;
      if (!isScalar(node) || typeof node.value !== 'string') {
        this.fail(node, `${prefix}${key}[${i}]: expected a string`);
        return;
      }
      const problem = check(node.value);
      if (problem !== undefined) this.fail(node, `${prefix}${key}[${i}]: ${problem}`);
      else out.push(node.value);
    });
    return out;
  }

  globs(map: YAMLMap, key: string): string[] | undefined {
    return this.stringList(map, key, (g) => (g.trim() === '' ? 'expected a non-empty glob' : g.startsWith('/') ? 'globs are relative to the repository root; remove the leading "/"' : undefined));
  }

  group<T>(map: YAMLMap, key: string, read: (m: YAMLMap) => T): T | undefined {
    const n = this.node(map, key);
    if (n === undefined) return undefined;
    if (!isMap(n)) return this.fail(n, `${key}: expected a mapping`);
    this.checkKeys(n, `${key}.`);
    return read(n);
  }

  mirrors(map: YAMLMap): RegistryMirror[] | undefined {
    const n = this.node(map, 'mirrors');
    if (n === undefined) return undefined;
    if (!isSeq(n)) return this.fail(n, 'registries.mirrors: expected a list');
    const out: RegistryMirror[] = [];
    n.items.forEach((item, i) => {
      const node = item as Node;
      const path = `registries.mirrors[${i}]`;
      if (!isMap(node)) {
        this.fail(node, `${path}: expected a mapping with "source" and "mirror"`);
        return;
      }
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (k !== 'source' && k !== 'mirror') this.fail(pair.key as Node, `${path}.${k}: unknown setting; known keys are mirror, source`);
      }
      const source = this.requiredString(node, 'source', path);
      const mirror = this.requiredString(node, 'mirror', path);
      if (source !== undefined && mirror !== undefined) out.push({ source, mirror });
    });
    return out;
  }

  /** `targets:` rules; every JSONPath is checked against the allowed subset here, located. */
  targets(map: YAMLMap): TargetRule[] | undefined {
    const n = this.node(map, 'targets');
    if (n === undefined) return undefined;
    if (!isSeq(n)) return this.fail(n, 'targets: expected a list of {files, from, set}');
    const out: TargetRule[] = [];
    n.items.forEach((item, i) => {
      const node = item as Node;
      const path = `targets[${i}]`;
      if (!isMap(node)) {
        this.fail(node, `${path}: expected a mapping with "files", "from" and "set"`);
        return;
      }
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (k !== 'files' && k !== 'from' && k !== 'set') this.fail(pair.key as Node, `${path}.${k}: unknown setting; known keys are files, from, set`);
      }
      const files = this.string(node, 'files', (g) => (g.trim() === '' ? 'expected a non-empty glob' : g.startsWith('/') ? 'globs are relative to the repository root; remove the leading "/"' : undefined), `${path}.`);
      if (files === undefined && this.node(node, 'files') === undefined) this.fail(node, `${path}.files: Required value`);
      const fromText = this.string(node, 'from', nonEmpty, `${path}.`);
      if (fromText === undefined && this.node(node, 'from') === undefined) this.fail(node, `${path}.from: Required value`);
      const from = fromText === undefined ? undefined : parseTargetRef(fromText, { allowField: false });
      if (from && !from.ok) this.fail(this.node(node, 'from'), `${path}.from: ${from.message}`);
      const set = this.node(node, 'set');
      const sets: TargetRuleSet[] = [];
      if (set === undefined) this.fail(node, `${path}.set: Required value (a mapping of JSONPath to FIELD)`);
      else if (!isMap(set) || set.items.length === 0) this.fail(set, `${path}.set: expected a mapping of JSONPath to FIELD, e.g. "$.image.tag": tag`);
      else {
        for (const pair of set.items) {
          const keyNode = pair.key as Node;
          const jsonPath = isScalar(keyNode) ? keyNode.value : undefined;
          if (typeof jsonPath !== 'string') {
            this.fail(keyNode, `${path}.set: expected JSONPath keys`);
            continue;
          }
          const location = this.at(keyNode);
          const problem = checkJsonPath(jsonPath);
          if (problem) {
            const quoted = isScalar(keyNode) && (keyNode.type === 'QUOTE_DOUBLE' || keyNode.type === 'QUOTE_SINGLE') ? 1 : 0;
            const col = location.col === undefined ? undefined : location.col + quoted + problem.offset;
            this.problems.push({ message: `${path}.set["${jsonPath}"]: refused JSONPath: ${problem.message}`, location: { ...location, ...(col === undefined ? {} : { col }) } });
            continue;
          }
          const v = pair.value as Node | null;
          const field = isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
          if (field === undefined || !isTargetField(field)) {
            this.fail(v ?? keyNode, `${path}.set["${jsonPath}"]: expected a FIELD: ${TARGET_FIELDS.join(', ')}`);
            continue;
          }
          sets.push({ path: jsonPath, field, location });
        }
      }
      if (files !== undefined && from?.ok && sets.length > 0) {
        const { namespace, stream, tag } = from.ref;
        out.push({ files, from: { namespace, stream, tag }, set: sets, location: this.at(node) });
      }
    });
    return out;
  }

  private requiredString(map: YAMLMap, key: string, path: string): string | undefined {
    const n = this.node(map, key);
    if (n === undefined) return this.fail(map, `${path}.${key}: Required value`);
    if (!isScalar(n) || typeof n.value !== 'string' || n.value === '') return this.fail(n, `${path}.${key}: expected a non-empty string`);
    const problem = checkRepositoryPrefix(n.value);
    return problem === undefined ? n.value : this.fail(n, `${path}.${key}: ${problem}`);
  }
}

const HOST_PORT = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function nonEmpty(v: string): string | undefined {
  return v.trim() === '' ? 'expected a non-empty string' : undefined;
}

function checkEmail(v: string): string | undefined {
  return /^[^\s@<>]+@[^\s@<>]+$/.test(v) ? undefined : `expected an email address, got "${v}"`;
}

function checkBranch(v: string): string | undefined {
  return isValidBranchName(v) ? undefined : `expected a git branch name, got "${v}"`;
}

function checkProvider(v: string): string | undefined {
  return ['github', 'gitlab', 'gitea'].includes(v) ? undefined : `expected github, gitlab or gitea, got "${v}"`;
}

function checkHttpUrl(v: string): string | undefined {
  return /^https?:\/\/[^\s/@]+(\/\S*)?$/.test(v) ? undefined : `expected an http(s) URL without credentials, got "${v}"`;
}

function checkRepositoryPrefix(v: string): string | undefined {
  const [host, ...rest] = v.split('/');
  if (!host || !HOST_PORT.test(host) || rest.some((c) => !PATH_COMPONENT.test(c))) {
    return `expected host[:port][/path] in lower case, got "${v}"`;
  }
  return undefined;
}

function checkRegistry(allowPrefix: boolean): Check {
  return (v) => {
    if (/^[a-z]+:\/\//i.test(v)) return `expected host[:port]${allowPrefix ? '[/prefix]' : ''} without a scheme, got "${v}"`;
    if (!allowPrefix) return HOST_PORT.test(v) ? undefined : `expected host[:port], got "${v}"`;
    return checkRepositoryPrefix(v);
  };
}

function checkPlatform(v: string): string | undefined {
  return /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(v) ? undefined : `expected os/arch[/variant] such as "linux/amd64", got "${v}"`;
}

function checkPathTemplate(v: string): string | undefined {
  if (!v.includes('{name}')) return 'must contain the placeholder {name}';
  const unknown = [...v.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((p) => p !== 'name' && p !== 'namespace');
  if (unknown.length > 0) return `unknown placeholder {${unknown[0]}}; valid placeholders are {namespace}, {name}`;
  if (v.startsWith('/') || v.split('/').some((c) => c === '..' || c === '.' || c === '')) return 'expected a relative path inside the repository';
  if (!/\.(ya?ml|json)$/.test(v)) return 'must end in .yaml, .yml or .json';
  return undefined;
}
