/** `tagstream serve`: the long-running reconciler (scheduled imports, webhooks). Flags only; app wiring pending. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf, type GlobalOptions } from '../global-options.js';
import { notWired } from '../pending.js';

export interface ServeCommandRequest {
  readonly listen: string;
  readonly pollInterval?: string | undefined;
  readonly push: boolean;
  readonly globals: GlobalOptions;
}

export function register(program: Command, _ctx: CommandContext): void {
  const cmd = program
    .command('serve')
    .description('Run continuously: scheduled imports, registry webhooks and repository changes trigger reconciles')
    .option('--listen <address>', 'address for webhooks, health and metrics', '127.0.0.1:8080')
    .option('--poll-interval <duration>', 'how often to look for due work (default: settings pollInterval)');
  addBoolFlag(cmd, '--push', 'push each commit to the remote');
  addGlobalOptions(cmd, ['output', 'allNamespaces', 'namespace']);
  cmd.action((opts: Record<string, unknown>, command: Command) => {
    const _request: ServeCommandRequest = {
      listen: opts['listen'] as string,
      pollInterval: opts['pollInterval'] as string | undefined,
      push: opts['push'] === true,
      globals: globalsOf(command),
    };
    notWired('serve');
  });
}
