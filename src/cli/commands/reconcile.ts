/** `tagstream reconcile`: import due tags, record history, pin triggered workloads; optionally commit and push. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { reconcile } from '../../app/reconcile.js';
import { UsageError } from '../../errors.js';
import { planToJson, renderPlanTable } from '../../render/render-plan.js';
import type { GitCredentials, GitIdentity } from '../../ports/git.js';
import { stringify } from 'yaml';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf } from '../global-options.js';
import { openRepository, repoDir, stderrLog } from '../read-helpers.js';

export interface ReconcileCommandRequest {
  readonly dryRun: boolean;
  readonly commit: boolean;
  readonly push: boolean;
  readonly remote?: string | undefined;
  readonly branch?: string | undefined;
}

/** `Name <email>` → identity. */
export function parseIdentity(text: string): GitIdentity {
  const m = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!m) throw new UsageError(`invalid --author "${text}": expected "Name <email@example.com>"`);
  return { name: m[1]!, email: m[2]! };
}

/**
 * Push credentials from the environment or a file, never from the command line (it would show in
 * `ps` and shell history): TAGSTREAM_GIT_TOKEN, TAGSTREAM_GIT_TOKEN_FILE, or
 * TAGSTREAM_GIT_USERNAME + TAGSTREAM_GIT_PASSWORD.
 */
export function gitCredentialsFromEnv(env: Readonly<Record<string, string | undefined>>, tokenFile?: string): GitCredentials | undefined {
  const file = tokenFile ?? env['TAGSTREAM_GIT_TOKEN_FILE'];
  if (file) return { token: readFileSync(file, 'utf8').trim() };
  if (env['TAGSTREAM_GIT_TOKEN']) return { token: env['TAGSTREAM_GIT_TOKEN'], username: env['TAGSTREAM_GIT_USERNAME'] || undefined };
  if (env['TAGSTREAM_GIT_USERNAME'] && env['TAGSTREAM_GIT_PASSWORD']) {
    return { username: env['TAGSTREAM_GIT_USERNAME'], password: env['TAGSTREAM_GIT_PASSWORD'] };
  }
  return undefined;
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
        '',
      ].join('\n'),
    );
  addBoolFlag(cmd, '--dry-run', 'print the plan (stream:tag, old -> new digest, workloads, why); write nothing');
  addBoolFlag(cmd, '--commit', 'commit the changed files');
  addBoolFlag(cmd, '--push', 'push the commit (implies --commit); retries on a moved branch, never forces');
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
    const dir = repoDir(ctx, globals);
    const repo = await openRepository(ctx, globals);
    const log = stderrLog(ctx, globals.verbose);
    const git = await ctx.deps.openGit(dir);
    if (request.commit && !git) throw new UsageError(`--commit needs a Git working copy: ${dir} has no .git`);
    const author = opts['author']
      ? parseIdentity(opts['author'] as string)
      : { name: repo.settings.git.authorName, email: repo.settings.git.authorEmail };
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
      },
    );
    const cs = result.changeSet;
    if (globals.output === 'json' || globals.output === 'yaml') {
      const data = { ...planToJson(cs), commit: result.commit ?? null, pushed: result.pushed, dryRun: request.dryRun };
      ctx.io.stdout.write(globals.output === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data));
    } else {
      ctx.io.stdout.write(renderPlanTable(cs, { wide: globals.output === 'wide' }));
      if (!request.dryRun && cs.files.length > 0) {
        ctx.io.stdout.write(`wrote ${cs.files.length} file${cs.files.length === 1 ? '' : 's'}: ${cs.files.map((f) => f.path).join(', ')}\n`);
      }
      if (result.commit) ctx.io.stdout.write(`committed ${result.commit.slice(0, 12)}${result.pushed ? ' and pushed' : ''}\n`);
      else if (result.pushed) ctx.io.stdout.write('pushed the commit an interrupted run had left unpushed\n');
      else if (request.commit && cs.files.length === 0) ctx.io.stdout.write('nothing to commit\n');
    }
    ctx.setExitCode(result.exitCode);
  });
}
