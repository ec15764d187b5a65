/**
 * Repository settings: the optional `.tagstream.yaml` at the repository root, validated once into
 * a frozen RepoSettings through REPO_SETTINGS_SCHEMA (zod). Every key is described in SETTING_FIELDS,
 * which drives the README table (SETTINGS_DOC); a test checks it lists exactly the schema's keys.
 */
import { deepFreeze } from '../domain/deep-freeze.js';
import { isScalar, LineCounter, parseDocument } from 'yaml';
import { documentLocator } from '../edit/node-locator.js';
import type { Workspace } from '../ports/workspace.js';
import type { TargetRule } from '../targets/target-rule.js';
import { formatDuration } from './duration.js';
import { REPO_SETTINGS_SCHEMA } from './repo-settings-schema.js';
import { keyLocation, locateIssues, settingsError } from './settings-problems.js';

export { MIN_POLL_INTERVAL, MIN_SCHEDULED_INTERVAL } from './repo-settings-schema.js';

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
 * Validate the text of a settings file against REPO_SETTINGS_SCHEMA. Throws one TagstreamError
 * (code `Config`) listing every problem, each with file:line:col; the error's own location is the
 * first problem's.
 */
export function parseRepoSettings(text: string, file: string = REPO_SETTINGS_FILE): RepoSettings {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locator = documentLocator({ path: file, lineCounter }, doc);
  const syntax = doc.errors.map((e) => ({ message: `invalid YAML: ${e.message.split('\n')[0]}`, location: locator.at(e.pos[0]) }));
  if (syntax.length > 0) throw settingsError(file, syntax);
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return DEFAULT_REPO_SETTINGS;
  const parsed = REPO_SETTINGS_SCHEMA.safeParse(doc.toJS({ maxAliasCount: 100 }), { reportInput: true });
  if (!parsed.success) throw settingsError(file, locateIssues(parsed.error.issues, locator));
  const v = parsed.data;
  const d = DEFAULT_REPO_SETTINGS;
  return deepFreeze({
    include: v.include ?? d.include,
    exclude: v.exclude ?? d.exclude,
    defaultNamespace: v.defaultNamespace ?? d.defaultNamespace,
    imageStreamPath: v.imageStreamPath ?? d.imageStreamPath,
    localRegistry: v.localRegistry ?? d.localRegistry,
    platform: v.platform ?? d.platform,
    scheduledImportInterval: v.scheduledImportInterval ?? d.scheduledImportInterval,
    maxBulkImport: v.maxBulkImport ?? d.maxBulkImport,
    limits: {
      maxFileBytes: v.limits?.maxFileBytes ?? d.limits.maxFileBytes,
      maxAliasCount: v.limits?.maxAliasCount ?? d.limits.maxAliasCount,
    },
    registries: {
      insecure: v.registries?.insecure ?? d.registries.insecure,
      mirrors: v.registries?.mirrors ?? d.registries.mirrors,
    },
    git: {
      authorName: v.git?.authorName ?? d.git.authorName,
      authorEmail: v.git?.authorEmail ?? d.git.authorEmail,
      branch: v.git?.branch ?? d.git.branch,
      provider: v.git?.provider ?? d.git.provider,
      apiUrl: v.git?.apiUrl ?? d.git.apiUrl,
    },
    pollInterval: v.pollInterval ?? d.pollInterval,
    // Target rules keep where they are written: the rule's mapping and each JSONPath key.
    targets: (v.targets ?? d.targets).map((rule, i) => ({
      ...rule,
      set: rule.set.map((entry) => ({ ...entry, location: keyLocation(locator, ['targets', i, 'set', entry.path]) })),
      location: locator.locate(['targets', i]),
    })),
  });
}
