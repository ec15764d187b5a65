/**
 * The Action as a function of its inputs and collaborators: parse inputs, mask secrets, run one
 * mode (dry-run, commit, pull-request) through the injected reconcile, then report the way the
 * runner expects (annotations, job summary, outputs). Returns the process exit code. The process
 * entry (main.ts) only builds the real adapters.
 */
import * as nodePath from 'node:path';
import type { ReconcileResult } from '../app/app-context.js';
import { parseActionInputs, type ActionInputs } from '../config/action-inputs.js';
import type { ChangeSet } from '../domain/change-set.js';
import { errorMessage, isTagstreamError, UsageError } from '../errors.js';
import type { PrLinks } from '../planning/pull-request-body.js';
import { renderSummary } from './step-summary.js';
import type { ChangeRequests } from '../ports/change-requests.js';
import type { GitCredentials } from '../ports/git.js';
import { closedRequestHolds, proposeChanges, type BaseCheckout, type PullRequestOutcome, type ReconcileFn } from '../app/pull-request-mode.js';
import { dockerConfigSecrets, type WorkflowRunner } from './workflow-commands.js';

export interface ActionDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly runner: WorkflowRunner;
  readonly reconcile: ReconcileFn;
  /** The job's checkout at `inputs.path`, with registry credentials from `registry-auth`. */
  readonly openCheckout: (inputs: ActionInputs, log: WorkflowRunner) => Promise<BaseCheckout>;
  /** A fresh clone of `base` for each pull-request branch (index 0, 1, …). */
  readonly cloneBase: (inputs: ActionInputs, base: string, index: number) => Promise<BaseCheckout>;
  /** The code host client; undefined when the repository or API URL is unknown. */
  readonly changeRequests: (inputs: ActionInputs) => ChangeRequests | undefined;
}

/** What the plan output carries: everything but file bytes. */
function planJson(cs: ChangeSet): string {
  return JSON.stringify({
    moves: cs.moves,
    workloads: cs.workloads,
    targets: cs.targets,
    held: cs.held,
    failures: cs.failures,
    diagnostics: cs.diagnostics,
    files: cs.files.map((f) => f.path),
  });
}

function links(env: ActionDeps['env']): PrLinks | undefined {
  const serverUrl = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  return serverUrl && repository ? { serverUrl, repository } : undefined;
}

/** Run the Action; resolves to the exit code (0 success, 1 failure). */
export async function runAction(deps: ActionDeps): Promise<number> {
  const { runner, env } = deps;
  let inputs: ActionInputs;
  try {
    inputs = parseActionInputs(env);
  } catch (e) {
    runner.fail(errorMessage(e));
    return 1;
  }
  // Register secrets before anything can print them.
  runner.mask(inputs.token);
  if (inputs.registryAuth) {
    runner.mask(inputs.registryAuth);
    for (const s of dockerConfigSecrets(inputs.registryAuth)) runner.mask(s);
  }

  try {
    const outcome = await runner.group('Tagstream plan', () => runMode(deps, inputs));
    report(deps, inputs, outcome);
    const failed = outcome.exitCode === 1 || outcome.changeSet.diagnostics.some((d) => d.severity === 'error');
    if (failed && inputs.failOnError) {
      runner.fail(`Tagstream: ${outcome.changeSet.failures.length} tag(s) failed, ${outcome.changeSet.diagnostics.filter((d) => d.severity === 'error').length} manifest error(s); the rest was applied`);
    }
    return runner.hasFailed ? 1 : 0;
  } catch (e) {
    const where = isTagstreamError(e) && e.location ? annotationLocation(inputs, env, e.location) : undefined;
    runner.fail(errorMessage(e), where);
    return 1;
  }
}

interface ModeOutcome {
  readonly base: string;
  readonly changeSet: ChangeSet;
  readonly exitCode: 0 | 1;
  readonly commit?: string | undefined;
  readonly pushed?: boolean | undefined;
  readonly pullRequests?: readonly PullRequestOutcome[] | undefined;
}

async function runMode(deps: ActionDeps, inputs: ActionInputs): Promise<ModeOutcome> {
  const { runner, env } = deps;
  const ctx = await deps.openCheckout(inputs, runner);
  const base = inputs.baseBranch ?? (await ctx.git.currentBranch()) ?? env['GITHUB_HEAD_REF'] ?? env['GITHUB_REF_NAME'];
  if (!base) throw new UsageError('input "base-branch": the checkout is on a detached HEAD; set base-branch');
  const credentials: GitCredentials | undefined = inputs.token ? { token: inputs.token } : undefined;
  const author = inputs.commitAuthor;

  if (inputs.mode === 'commit') {
    // Same push rules as `reconcile --push`: bounded re-plans on a non-fast-forward, never a force.
    // the job summary and the `plan` output show when each image was built
    const r: ReconcileResult = await deps.reconcile(ctx, { commit: { author }, push: { branch: base, credentials }, imageCreated: true });
    return { base, changeSet: r.changeSet, exitCode: r.exitCode, commit: r.commit, pushed: r.pushed };
  }

  const gh = deps.changeRequests(inputs);
  const holdsFrom = async () => (gh ? closedRequestHolds(gh, base, inputs.branchPrefix) : new Map<string, { image: string; heldBy: string }[]>());

  if (inputs.mode === 'dry-run') {
    let holds = new Map<string, { image: string; heldBy: string }[]>();
    try {
      holds = await holdsFrom();
    } catch (e) {
      // A dry run still plans without the API; it just cannot know about closed PRs.
      runner.annotate('warning', `closed pull requests not checked: ${errorMessage(e)}`);
    }
    const r = await deps.reconcile(ctx, { dryRun: true, extraHolds: holds, imageCreated: true });
    return { base, changeSet: r.changeSet, exitCode: r.exitCode };
  }

  if (!gh) throw new UsageError('pull-request mode needs GITHUB_REPOSITORY and GITHUB_API_URL (set by the runner)');
  if (!inputs.token) throw new UsageError('input "token": pull-request mode needs a token with contents: write and pull-requests: write');
  const result = await proposeChanges(
    {
      reconcile: deps.reconcile,
      // Every PR branch is built in its own clone: the job's checkout keeps its branch where it
      // was, so a later step's `git push` cannot publish a proposal to the base branch.
      checkout: (index) => deps.cloneBase(inputs, base, index),
      changeRequests: gh,
      log: runner.log(),
    },
    { base, branchPrefix: inputs.branchPrefix, group: inputs.group, titleTemplate: inputs.prTitle, labels: inputs.prLabels, author, credentials, links: links(env) },
    ctx,
  );
  return { base, changeSet: result.changeSet, exitCode: result.exitCode, commit: result.commit, pullRequests: result.pullRequests };
}

/** A repo-relative location as a path the runner maps onto the repository (relative to GITHUB_WORKSPACE). */
function annotationLocation(inputs: ActionInputs, env: ActionDeps['env'], loc: { file?: string | undefined; line?: number | undefined; col?: number | undefined }) {
  if (!loc.file) return { line: loc.line, col: loc.col };
  const workspace = env['GITHUB_WORKSPACE'] ?? process.cwd();
  const prefix = nodePath.relative(workspace, nodePath.resolve(workspace, inputs.path)).split(nodePath.sep).join('/');
  const file = prefix && !prefix.startsWith('..') ? `${prefix}/${loc.file}` : loc.file;
  return { file, line: loc.line, col: loc.col, title: 'Tagstream' };
}

function report(deps: ActionDeps, inputs: ActionInputs, outcome: ModeOutcome): void {
  const { runner, env } = deps;
  const cs = outcome.changeSet;
  for (const d of cs.diagnostics) {
    runner.annotate(d.severity, d.object && !d.file ? `${d.object}: ${d.message}` : d.message, annotationLocation(inputs, env, d));
  }
  for (const f of cs.failures) runner.annotate('error', `${f.stream}:${f.tag}: ${f.message}`, { title: 'Tagstream import failed' });

  runner.appendSummary(renderSummary({ mode: inputs.mode, base: outcome.base, changeSet: cs, commit: outcome.commit, pushed: outcome.pushed, pullRequests: outcome.pullRequests, links: links(env) }));

  const firstPr = outcome.pullRequests?.find((p) => p.action !== 'closed');
  runner.setOutput('changed', String(cs.files.length > 0));
  runner.setOutput('commit-sha', outcome.commit ?? '');
  runner.setOutput('pull-request-number', firstPr ? String(firstPr.number) : '');
  runner.setOutput('pull-request-url', firstPr?.url ?? '');
  runner.setOutput('plan', planJson(cs));
}
