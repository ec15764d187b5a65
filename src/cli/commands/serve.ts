/**
 * `tagstream serve`: the long-running reconciler (scheduled imports, registry and Git webhooks,
 * health and metrics). The flags are DAEMON_FIELDS (src/config/daemon-fields.ts), the same list
 * that parses them and documents them in the README; the daemon is loaded only when this verb runs.
 */
import type { Command } from 'commander';
import { DAEMON_FIELDS } from '../../config/daemon-fields.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf } from '../global-options.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('serve')
    .description('Run continuously: scheduled imports, registry webhooks and repository changes trigger reconciles that commit and push');
  for (const f of DAEMON_FIELDS) {
    if (f.global) continue;
    const help = `${f.description} [env ${f.env}; default ${f.default}]`.replace(/`/g, '');
    cmd.option(f.flag, help);
  }
  addGlobalOptions(cmd, ['output', 'allNamespaces', 'namespace']);
  cmd.action(async (opts: Record<string, unknown>, command: Command) => {
    const flags: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(opts)) if (typeof value === 'string') flags[key] = value;
    if (opts['pullRequest'] === true) flags['pullRequest'] = 'true';
    flags['repo'] = globalsOf(command).repo;
    // The daemon is its own composition root (HTTP server, node-cron): loaded only for this verb.
    const [{ runServe }, { reconcile }] = await Promise.all([import('../../daemon/serve-main.js'), import('../../app/reconcile.js')]);
    ctx.setExitCode(await runServe(flags, { ...ctx.io, signals: process }, { reconcile, forceExit: (code) => process.exit(code) }));
  });
}
