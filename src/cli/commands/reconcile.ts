/** `tagstream reconcile`: import due tags, record history, pin triggered workloads; optionally commit and push. */
import { parseGitIdentity } from '../../config/git-identity.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { LeftOutReason, WorkingTreeReport } from '../../app/uncommitted-writes.js';
import { UsageError } from '../../errors.js';
import { readGitCredentials } from '../../config/git-credentials.js';
import type { GitCredentials, GitIdentity } from '../../ports/git.js';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf } from '../global-options.js';
import { HUMAN_DIAGNOSTIC_LIMIT } from '../render/diagnostics.js';

export interface ReconcileCommandRequest {
  readonly dryRun: boolean;
  readonly commit: boolean;
  readonly push: boolean;
  readonly remote?: string | undefined;
  readonly branch?: string | undefined;
}

/** `Name <email>` → identity. */
export function parseIdentity(text: string): GitIdentity {
  const identity = parseGitIdentity(text);
  if (!identity) throw new UsageError(`invalid --author "${text}": expected "Name <email@example.com>"`);
  return identity;
}

/** Push credentials (see config/git-credentials.ts: the one reader the daemon uses too). */
export function gitCredentialsFromEnv(env: Readonly<Record<string, string | undefined>>, tokenFile?: string): GitCredentials | undefined {
  return readGitCredentials({ env, readFile: (path) => readFileSync(path, 'utf8'), tokenFile });
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('reconcile')
    .description('Import pending and scheduled tags, record history and update triggered workloads in the repository, once')
    .addHelpText(
      'after',
      [
        '',
        'Push credentials come from the environment: TAGSTREAM_GIT_TOKEN (or TAGSTREAM_GIT_TOKEN_FILE),',
        'or TAGSTREAM_GIT_USERNAME + TAGSTREAM_GIT_PASSWORD. Registry credentials come from Docker config',
        '($DOCKER_CONFIG/config.json, ~/.docker/config.json, REGISTRY_AUTH_FILE, DOCKER_AUTH_CONFIG).',
        '',
        'Exit codes: 0 success (changed or not), 1 some objects or tags failed (the rest were applied), 2 usage error.',
        '',
        'Examples:',
        '  tagstream reconcile --dry-run',
        '  tagstream reconcile --commit --push --branch main',
        '  tagstream reconcile --pull-request --provider gitlab --api-url https://gitlab.example.com/api/v4',
        '',
        'Pull-request mode (--pull-request) pushes one branch per change set (<branch-prefix><base>, or one per',
        'tag with --group tag) and opens or updates its pull request (GitHub, Gitea/Forgejo) or merge request',
        '(GitLab); requests whose moves landed are closed; digests of requests closed unmerged are held. The',
        'API token is TAGSTREAM_GIT_TOKEN (or TAGSTREAM_GIT_TOKEN_FILE); SSH remotes use TAGSTREAM_GIT_SSH_KEY_FILE.',
        '',
      ].join('\n'),
    );
  addBoolFlag(cmd, '--dry-run', 'print the plan (stream:tag, old -> new digest, workloads, why); write nothing');
  addBoolFlag(cmd, '--commit', 'commit the changed files');
  addBoolFlag(cmd, '--push', 'push the commit (implies --commit); retries on a moved branch, never forces');
  addBoolFlag(cmd, '--pull-request', 'propose the changes as pull/merge requests on the Git host instead of committing to the branch');
  cmd.option('--provider <host>', 'Git host API for --pull-request: github, gitlab or gitea (default: settings git.provider, else from the remote host)');
  cmd.option('--api-url <url>', 'base URL of that API for self-hosted instances (default: settings git.apiUrl, else the provider default)');
  cmd.option('--branch-prefix <prefix>', 'prefix of the branches Tagstream owns and force-updates in --pull-request mode', 'tagstream/');
  cmd.option('--group <group>', '--pull-request: "all" (one request) or "tag" (one per image stream tag)', 'all');
  cmd.option('--label <name>', '--pull-request: label to add (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);
  cmd.option('--title <template>', '--pull-request: title; {tags} and {base} are replaced (default: generated)');
  cmd.option('--remote <name>', 'remote to push to (default: origin)');
  cmd.option('--branch <name>', 'branch to push (default: settings git.branch, else the checked-out branch)');
  cmd.option('--author <identity>', 'commit author "Name <email>" (default: settings git.authorName/authorEmail)');
  cmd.option('--git-token-file <path>', 'file holding a token for HTTPS pushes (or set TAGSTREAM_GIT_TOKEN)');
  addGlobalOptions(cmd, ['namespace', 'allNamespaces']);
  cmd.action(async (opts: Record<string, unknown>, command: Command) => {
    const globals = globalsOf(command);
    const request: ReconcileCommandRequest = {
      dryRun: opts['dryRun'] === true,
      commit: opts['commit'] === true || opts['push'] === true,
      push: opts['push'] === true,
      remote: opts['remote'] as string | undefined,
      branch: opts['branch'] as string | undefined,
    };
    if (request.dryRun && request.commit) throw new UsageError('--dry-run may not be used with --commit or --push');
    if (globals.output === 'name') throw new UsageError('-o name is not supported by reconcile; use -o json, yaml or wide');
    const [{ reconcile }, { planToJson, renderPlanTable }, { stringify }, { openRepository, repoDir, showsAllWarnings, stderrLog }] = await Promise.all([
      import('../../app/reconcile.js'),
      import('../render/render-plan.js'),
      import('yaml'),
      import('../read-helpers.js'),
    ]);
    // The table shows a bounded number of diagnostics unless `-v` asks for all.
    const diagnosticLimit = showsAllWarnings(globals) ? undefined : HUMAN_DIAGNOSTIC_LIMIT;
    const dir = repoDir(ctx, globals);
    const repo = await openRepository(ctx, globals);
    const log = stderrLog(ctx, globals.verbose);
    const git = await ctx.deps.openGit(dir);
    if (request.commit && !git) throw new UsageError(`--commit needs a Git working copy: ${dir} has no .git`);
    const author = opts['author']
      ? parseIdentity(opts['author'] as string)
      : { name: repo.settings.git.authorName, email: repo.settings.git.authorEmail };
    if (opts['pullRequest'] === true) {
      if (request.dryRun || request.commit) throw new UsageError('--pull-request may not be used with --dry-run, --commit or --push');
      if (!git) throw new UsageError(`--pull-request needs a Git working copy: ${dir} has no .git`);
      const group = (opts['group'] as string | undefined) ?? 'all';
      if (group !== 'all' && group !== 'tag') throw new UsageError(`--group: expected all or tag, got "${group}"`);
      const registry = ctx.deps.createRegistry(repo.settings, log);
      const { runCliPullRequests } = await import('../pull-request-mode.js');
      const pr = await runCliPullRequests(
        { deps: ctx.deps, repo, git, registry, clock: ctx.io.clock, log, reconcile },
        {
          provider: opts['provider'] as string | undefined,
          apiUrl: opts['apiUrl'] as string | undefined,
          remote: request.remote,
          base: request.branch,
          branchPrefix: (opts['branchPrefix'] as string | undefined) ?? 'tagstream/',
          group,
          title: (opts['title'] as string | undefined) ?? '',
          labels: (opts['label'] as string[] | undefined) ?? [],
          author,
          credentials: gitCredentialsFromEnv(ctx.io.env, opts['gitTokenFile'] as string | undefined),
        },
      );
      if (globals.output === 'json' || globals.output === 'yaml') {
        const data = { ...planToJson(pr.changeSet), base: pr.base, provider: pr.provider, pullRequests: pr.pullRequests };
        ctx.io.stdout.write(globals.output === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data));
      } else {
        ctx.io.stdout.write(renderPlanTable(pr.changeSet, { wide: globals.output === 'wide', diagnosticLimit }));
        for (const p of pr.pullRequests) ctx.io.stdout.write(`${p.action} #${p.number} ${p.branch} ${p.url}\n`);
        if (pr.pullRequests.length === 0) ctx.io.stdout.write('no pull request to open, update or close\n');
      }
      ctx.setExitCode(pr.exitCode);
      return;
    }
    const result = await reconcile(
      { workspace: repo.workspace, settings: repo.settings, registry: ctx.deps.createRegistry(repo.settings, log), clock: ctx.io.clock, log, git },
      {
        dryRun: request.dryRun,
        commit: request.commit ? { author } : undefined,
        push: request.push
          ? {
              remote: request.remote,
              branch: request.branch ?? repo.settings.git.branch,
              credentials: gitCredentialsFromEnv(ctx.io.env, opts['gitTokenFile'] as string | undefined),
            }
          : undefined,
        // only -o json / yaml show when each moved image was built (moves[].imageCreated)
        imageCreated: globals.output === 'json' || globals.output === 'yaml',
      },
    );
    const cs = result.changeSet;
    if (globals.output === 'json' || globals.output === 'yaml') {
      const data = {
        ...planToJson(cs),
        commit: result.commit ?? null,
        pushed: result.pushed,
        dryRun: request.dryRun,
        // what the commit did with other changes in the working tree (Tagstream's earlier writes, a human's edits)
        ...(request.commit ? { workingTree: result.workingTree ?? { committed: [], leftOut: [] } } : {}),
      };
      ctx.io.stdout.write(globals.output === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data));
    } else {
      ctx.io.stdout.write(renderPlanTable(cs, { wide: globals.output === 'wide', diagnosticLimit }));
      if (!request.dryRun && cs.files.length > 0) {
        ctx.io.stdout.write(`wrote ${cs.files.length} file${cs.files.length === 1 ? '' : 's'}: ${cs.files.map((f) => f.path).join(', ')}\n`);
      }
      if (result.commit) ctx.io.stdout.write(`committed ${result.commit.slice(0, 12)}${result.pushed ? ' and pushed' : ''}\n`);
      else if (result.pushed) ctx.io.stdout.write('pushed the commit an interrupted run had left unpushed\n');
      else if (request.commit && cs.files.length === 0) ctx.io.stdout.write('nothing to commit\n');
      for (const line of workingTreeLines(result.workingTree)) ctx.io.stdout.write(`${line}\n`);
    }
    ctx.setExitCode(result.exitCode);
  });
}

const LEFT_OUT_WHY: Record<LeftOutReason, string> = {
  'changed-since-written': 'changed since tagstream wrote it',
  'not-written-by-tagstream': 'changed outside tagstream',
  'changed-on-remote': 'the remote branch changed it too; merge by hand',
};

/** What a commit included besides this run's plan, and the changed files it left out. */
export function workingTreeLines(report: WorkingTreeReport | undefined): string[] {
  if (!report) return [];
  const lines: string[] = [];
  const n = report.committed.length;
  if (n > 0) lines.push(`included ${n} file${n === 1 ? '' : 's'} tagstream wrote earlier: ${report.committed.join(', ')}`);
  for (const f of report.leftOut) lines.push(`not committed: ${f.path} (${LEFT_OUT_WHY[f.reason]})`);
  return lines;
}
