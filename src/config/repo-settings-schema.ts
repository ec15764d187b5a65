/**
 * The zod schema of `.tagstream.yaml`: what every key accepts, worded as the errors users read
 * (`limits.maxFileBytes: expected an integer >= 1, got 0`). A key set to null counts as absent;
 * defaults are applied by the caller (repo-settings.ts), so the schema says only what is valid.
 */
import { z } from 'zod';
import { validateNamespace } from '../domain/names.js';
import { checkJsonPath } from '../targets/jsonpath-check.js';
import { isTargetField, parseTargetRef, TARGET_FIELDS, type TargetField } from '../targets/target-ref.js';
import { isValidBranchName } from './action-inputs.js';
import { formatDuration, parseDuration } from './duration.js';
import { REFUSED_KEY_PARAM } from './settings-problems.js';

const MINUTE = 60_000;
/** Floors of the intervals; `tagstream serve` applies the same ones to its overrides. */
export const MIN_SCHEDULED_INTERVAL = MINUTE;
export const MIN_POLL_INTERVAL = 10_000;

type Check = (value: string) => string | undefined;

/**
 * A mapping that refuses keys it does not know (its unrecognized_keys message is the list of known
 * keys, for locateIssues); `what` is the message when the value is no mapping.
 */
function mapping<S extends z.ZodRawShape>(shape: S, what = 'expected a mapping') {
  const known = Object.keys(shape).sort().join(', ');
  return z
    .object(shape, {
      error: (issue) => (issue.code === 'unrecognized_keys' ? known : what),
    })
    .catchall(z.never());
}

/** Absent when null, as an empty YAML value reads. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

const missing = (input: unknown): boolean => input === undefined || input === null;

function refine(check: Check) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = check(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  };
}

const checkedString = (check: Check, required = false) =>
  z.string({ error: (issue) => (required && missing(issue.input) ? 'Required value' : 'expected a string') }).superRefine(refine(check));

const stringList = (check: Check) => z.array(checkedString(check), { error: 'expected a list' });

function integer(min: number) {
  return z
    .number({ error: 'expected an integer' })
    .int({ error: 'expected an integer' })
    .superRefine((v, ctx) => {
      if (v < min) ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}, got ${v}` });
    });
}

const DURATION_EXPECTED = 'expected a duration such as "90s", "15m" or "1h30m"';

function duration(floorMs: number) {
  return z.string({ error: DURATION_EXPECTED }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: DURATION_EXPECTED });
    else if (ms < floorMs) ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(floorMs)}, got ${text}` });
    return ms ?? 0;
  });
}

const mirrorPrefix = z
  .string({ error: (issue) => (missing(issue.input) ? 'Required value' : 'expected a non-empty string') })
  .min(1, { error: 'expected a non-empty string' })
  .superRefine(refine(checkRepositoryPrefix));

const SET_EXPECTED = 'expected a mapping of JSONPath to FIELD, e.g. "$.image.tag": tag';

/** `set:` of a target rule; every JSONPath is checked against the allowed subset here. */
const targetSet = z
  .record(z.string(), z.unknown(), {
    error: (issue) => (missing(issue.input) ? 'Required value (a mapping of JSONPath to FIELD)' : SET_EXPECTED),
  })
  .transform((set, ctx) => {
    const entries = Object.entries(set);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', message: SET_EXPECTED });
    const out: { path: string; field: TargetField }[] = [];
    for (const [path, field] of entries) {
      const refused = checkJsonPath(path);
      if (refused) {
        const params = { [REFUSED_KEY_PARAM]: refused.offset };
        ctx.addIssue({ code: 'custom', path: [path], message: `refused JSONPath: ${refused.message}`, params });
      } else if (typeof field !== 'string' || !isTargetField(field)) {
        ctx.addIssue({ code: 'custom', path: [path], message: `expected a FIELD: ${TARGET_FIELDS.join(', ')}` });
      } else out.push({ path, field });
    }
    return out;
  });

const targetFrom = checkedString(nonEmpty, true).transform((text, ctx) => {
  const parsed = parseTargetRef(text, { allowField: false });
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  const { namespace, stream, tag } = parsed.ref;
  return { namespace, stream, tag };
});

const targetRule = mapping({ files: checkedString(checkGlob, true), from: targetFrom, set: targetSet }, 'expected a mapping with "files", "from" and "set"');

/** Every key `.tagstream.yaml` accepts, in the order problems are reported. */
export const REPO_SETTINGS_SCHEMA = mapping(
  {
    include: optional(stringList(checkGlob)),
    exclude: optional(stringList(checkGlob)),
    defaultNamespace: optional(checkedString((v) => validateNamespace(v)[0])),
    imageStreamPath: optional(checkedString(checkPathTemplate)),
    localRegistry: optional(checkedString(checkRegistry(true))),
    platform: optional(checkedString(checkPlatform)),
    scheduledImportInterval: optional(duration(MIN_SCHEDULED_INTERVAL)),
    maxBulkImport: optional(integer(1)),
    limits: optional(mapping({ maxFileBytes: optional(integer(1)), maxAliasCount: optional(integer(0)) })),
    registries: optional(
      mapping({
        insecure: optional(stringList(checkRegistry(false))),
        mirrors: optional(
          z.array(mapping({ source: mirrorPrefix, mirror: mirrorPrefix }, 'expected a mapping with "source" and "mirror"'), { error: 'expected a list' }),
        ),
      }),
    ),
    git: optional(
      mapping({
        authorName: optional(checkedString(nonEmpty)),
        authorEmail: optional(checkedString(checkEmail)),
        branch: optional(checkedString(checkBranch)),
        provider: optional(checkedString(checkProvider).transform((v) => v as 'github' | 'gitlab' | 'gitea')),
        apiUrl: optional(checkedString(checkHttpUrl)),
      }),
    ),
    pollInterval: optional(duration(MIN_POLL_INTERVAL)),
    targets: optional(z.array(targetRule, { error: 'expected a list of {files, from, set}' })),
  },
  'expected a mapping of settings',
);

export type RepoSettingsInput = z.output<typeof REPO_SETTINGS_SCHEMA>;

const HOST_PORT = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function nonEmpty(v: string): string | undefined {
  return v.trim() === '' ? 'expected a non-empty string' : undefined;
}

function checkGlob(g: string): string | undefined {
  if (g.trim() === '') return 'expected a non-empty glob';
  return g.startsWith('/') ? 'globs are relative to the repository root; remove the leading "/"' : undefined;
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
