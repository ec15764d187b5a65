/** `tagstream reconcile`: import due tags, update history and triggered workloads. Flags only; app wiring pending. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf, type GlobalOptions } from '../global-options.js';
import { notWired } from '../pending.js';

export interface ReconcileCommandRequest {
  readonly dryRun: boolean;
  readonly commit: boolean;
  readonly push: boolean;
  readonly remote?: string | undefined;
  readonly branch?: string | undefined;
  readonly globals: GlobalOptions;
}

export function register(program: Command, _ctx: CommandContext): void {
  const cmd = program
    .command('reconcile')
    .description('Import pending and scheduled tags, record history and update triggered workloads in the repository, once');
  addBoolFlag(cmd, '--dry-run', 'print the plan (same as the commit message and -o json); write nothing');
  addBoolFlag(cmd, '--commit', 'commit the changed files');
  addBoolFlag(cmd, '--push', 'push the commit (implies --commit); retries on a moved branch, never forces');
  cmd.option('--remote <name>', 'remote to push to (default: origin)');
  cmd.option('--branch <name>', 'branch to commit and push (default: settings git.branch, else the checked-out branch)');
  addGlobalOptions(cmd);
  cmd.action((opts: Record<string, unknown>, command: Command) => {
    const _request: ReconcileCommandRequest = {
      dryRun: opts['dryRun'] === true,
      commit: opts['commit'] === true || opts['push'] === true,
      push: opts['push'] === true,
      remote: opts['remote'] as string | undefined,
      branch: opts['branch'] as string | undefined,
      globals: globalsOf(command),
    };
    notWired('reconcile');
  });
}
