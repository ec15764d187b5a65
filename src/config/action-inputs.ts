/**
 * The GitHub Action's inputs: one table (ACTION_INPUT_FIELDS) that action.yml must match (a test
 * checks names, defaults and descriptions), read from the runner's `INPUT_*` environment and
 * validated once by a zod schema into a frozen ActionInputs. The README inputs table is generated from action.yml
 * (renderInputsTable), so the three cannot drift.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { parseGitIdentity } from './git-identity.js';

export type ActionMode = 'pull-request' | 'commit' | 'dry-run';
export type ActionGroup = 'all' | 'tag';

export const ACTION_MODES: readonly ActionMode[] = ['pull-request', 'commit', 'dry-run'];
export const ACTION_GROUPS: readonly ActionGroup[] = ['all', 'tag'];

export interface ActionInputs {
  /** Repository checkout (absolute or relative to the job's working directory). */
  readonly path: string;
  readonly mode: ActionMode;
  /** GitHub token for pushes and the REST API; undefined when empty. */
  readonly token: string | undefined;
  /** Branch PRs target / commit mode pushes to; undefined = the checked-out branch. */
  readonly baseBranch: string | undefined;
  readonly branchPrefix: string;
  /** Title template (`{tags}`, `{base}`); empty = generated. */
  readonly prTitle: string;
  readonly prLabels: readonly string[];
  readonly group: ActionGroup;
  /** Docker config JSON text; a secret, never logged. */
  readonly registryAuth: string | undefined;
  readonly commitAuthor: { readonly name: string; readonly email: string };
  readonly failOnError: boolean;
}

export interface ActionInputField {
  readonly name: string;
  readonly description: string;
  /** The default as written in action.yml (the runner substitutes it when the input is omitted). */
  readonly default: string;
}

export const DEFAULT_COMMIT_AUTHOR = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>';

/** Every input of action.yml, in its order. */
export const ACTION_INPUT_FIELDS: readonly ActionInputField[] = Object.freeze([
  { name: 'path', default: '.', description: 'Repository checkout to reconcile (relative to the workspace).' },
  { name: 'mode', default: 'pull-request', description: '`pull-request`: open or update pull requests; `commit`: push straight to the base branch; `dry-run`: plan only.' },
  { name: 'token', default: '${{ github.token }}', description: 'Token used to push and to call the GitHub API. Pushes made with the default `GITHUB_TOKEN` do not start other workflows.' },
  { name: 'base-branch', default: '', description: 'Branch pull requests target and commit mode pushes to. Empty: the checked-out branch.' },
  { name: 'branch-prefix', default: 'tagstream/', description: 'Prefix of the branches Tagstream owns and force-updates in pull-request mode.' },
  { name: 'pr-title', default: '', description: 'Pull request title; `{tags}` and `{base}` are replaced. Empty: generated from the moves.' },
  { name: 'pr-labels', default: '', description: 'Labels added to pull requests (comma or newline separated).' },
  { name: 'group', default: 'all', description: '`all`: one pull request for every move; `tag`: one pull request per image stream tag.' },
  { name: 'registry-auth', default: '', description: 'Docker config JSON (`{"auths": {...}}`) with registry credentials. Masked, never logged.' },
  { name: 'commit-author', default: DEFAULT_COMMIT_AUTHOR, description: 'Author of the commits, as `Name <email>`.' },
  { name: 'fail-on-error', default: 'true', description: 'Fail the step when a tag or manifest could not be processed (the rest is still applied).' },
]);

export interface ActionOutputField {
  readonly name: string;
  readonly description: string;
}

/** Every output of action.yml, in its order. */
export const ACTION_OUTPUT_FIELDS: readonly ActionOutputField[] = Object.freeze([
  { name: 'changed', description: '`true` when the plan changes at least one file.' },
  { name: 'commit-sha', description: 'Commit pushed in commit mode (the last PR branch commit in pull-request mode).' },
  { name: 'pull-request-number', description: 'Number of the pull request opened or updated (the first one with `group: tag`).' },
  { name: 'pull-request-url', description: 'URL of that pull request.' },
  { name: 'plan', description: 'The plan as JSON: moves, workloads, held tags, failures, diagnostics.' },
]);

/** The environment variable the runner sets for an input: spaces become `_`, upper-cased, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

type Env = Readonly<Record<string, string | undefined>>;

function fieldDefault(name: string): string {
  return ACTION_INPUT_FIELDS.find((f) => f.name === name)?.default ?? '';
}

/** The trimmed input, or the action.yml default when unset (the runner omits nothing, other callers may). */
function raw(env: Env, name: string): string {
  const value = env[inputEnvName(name)];
  if (value === undefined) {
    const def = fieldDefault(name);
    return def.startsWith('${{') ? '' : def;
  }
  return value.trim();
}

/** `Name <email>` into its parts. */
export function parseIdentity(text: string, name = 'commit-author'): { name: string; email: string } {
  const identity = parseGitIdentity(text);
  if (!identity) throw new UsageError(`input "${name}": expected "Name <email>", got ${JSON.stringify(text)}`);
  return identity;
}

/** A branch name git accepts (check-ref-format rules that matter for names we build on). */
export function isValidBranchName(name: string): boolean {
  return (
    name !== '' &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what git refuses
    !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name) &&
    !name.includes('..') &&
    !name.includes('@{') &&
    !name.includes('//') &&
    !name.startsWith('/') &&
    !name.startsWith('-') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    !name.endsWith('.lock') &&
    !name.split('/').some((part) => part.startsWith('.'))
  );
}

/** A problem of one input; the schema below words them, parseActionInputs names the input. */
const problem = (ctx: z.RefinementCtx, message: string): void => ctx.addIssue({ code: 'custom', message });

function oneOf<T extends string>(allowed: readonly [T, ...T[]]) {
  return z.enum(allowed, { error: (issue) => `expected one of ${allowed.join(', ')}, got ${JSON.stringify(issue.input)}` });
}

/** YAML 1.2 core booleans, as `core.getBooleanInput` accepts them. */
const bool = z.string().transform((value, ctx) => {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (!['false', 'False', 'FALSE'].includes(value)) problem(ctx, `expected true or false, got ${JSON.stringify(value)}`);
  return false;
});

function branch(name: string, allowEmpty: boolean) {
  return z.string().superRefine((value, ctx) => {
    if (value === '' && allowEmpty) return;
    // A prefix is completed by a suffix, so test it with one. An empty prefix would make the
    // group-all branch the base branch itself, which pull-request mode force-pushes: refuse it.
    const probe = name === 'branch-prefix' && value !== '' ? `${value}x` : value;
    if (!isValidBranchName(probe)) problem(ctx, `${JSON.stringify(value)} is not a valid git branch name`);
  });
}

const registryAuth = z.string().superRefine((value, ctx) => {
  if (value === '') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Never echo the value: it is a secret.
    return problem(ctx, 'expected Docker config JSON ({"auths": {...}}); the value is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problem(ctx, 'expected a JSON object like {"auths": {...}}');
});

const commitAuthor = z.string().transform((text, ctx) => {
  const identity = parseGitIdentity(text || DEFAULT_COMMIT_AUTHOR);
  if (!identity) problem(ctx, `expected "Name <email>", got ${JSON.stringify(text)}`);
  return identity ?? { name: '', email: '' };
});

/** The inputs as the runner hands them over (trimmed strings, keyed by input name), in checking order. */
const ACTION_INPUTS_SCHEMA = z.object({
  'base-branch': branch('base-branch', true),
  mode: oneOf(ACTION_MODES as [ActionMode, ...ActionMode[]]),
  'branch-prefix': branch('branch-prefix', false),
  group: oneOf(ACTION_GROUPS as [ActionGroup, ...ActionGroup[]]),
  'registry-auth': registryAuth,
  'commit-author': commitAuthor,
  'fail-on-error': bool,
  path: z.string(),
  token: z.string(),
  'pr-title': z.string(),
  'pr-labels': z.string(),
});

/** Read and validate every input from the runner's environment. Throws UsageError naming the (first) input. */
export function parseActionInputs(env: Env): ActionInputs {
  const raws = Object.fromEntries(ACTION_INPUT_FIELDS.map((f) => [f.name, raw(env, f.name)]));
  const parsed = ACTION_INPUTS_SCHEMA.safeParse(raws);
  if (!parsed.success) {
    const first = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new UsageError(`input "${String(first.path[0])}": ${first.message}`);
  }
  const v = parsed.data;
  return Object.freeze({
    path: v.path || '.',
    mode: v.mode,
    token: v.token === '' ? undefined : v.token,
    baseBranch: v['base-branch'] === '' ? undefined : v['base-branch'],
    branchPrefix: v['branch-prefix'],
    prTitle: v['pr-title'],
    prLabels: Object.freeze(
      v['pr-labels']
        .split(/[,\n]/)
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    ),
    group: v.group,
    registryAuth: v['registry-auth'] === '' ? undefined : v['registry-auth'],
    commitAuthor: Object.freeze(v['commit-author']),
    failOnError: v['fail-on-error'],
  });
}

interface ActionYml {
  inputs?: Record<string, { description?: string; default?: unknown; required?: boolean }>;
  outputs?: Record<string, { description?: string }>;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
}

function mdCode(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** README tables (inputs, then outputs) generated from the text of action.yml. */
export function renderInputsTable(actionYmlText: string): string {
  const doc = parse(actionYmlText) as ActionYml;
  const lines = ['| Input | Default | Description |', '|---|---|---|'];
  for (const [name, input] of Object.entries(doc.inputs ?? {})) {
    const def = input.default === undefined || input.default === '' ? '_(empty)_' : mdCode(String(input.default));
    lines.push(`| \`${name}\` | ${def} | ${mdCell(input.description ?? '')} |`);
  }
  lines.push('', '| Output | Description |', '|---|---|');
  for (const [name, output] of Object.entries(doc.outputs ?? {})) lines.push(`| \`${name}\` | ${mdCell(output.description ?? '')} |`);
  return lines.join('\n') + '\n';
}
