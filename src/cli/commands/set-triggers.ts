/** `tagstream set triggers ...` (oc set triggers). Flags only; app wiring pending. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { collectCsv } from '../flag-values.js';
import { addGlobalOptions, globalsOf, type GlobalOptions } from '../global-options.js';
import { notWired } from '../pending.js';
import { parentCommand } from '../parent-command.js';

export interface SetTriggersCommandRequest {
  readonly objects: readonly string[];
  readonly fromImage?: string | undefined;
  readonly containers: readonly string[];
  readonly auto: boolean;
  readonly manual: boolean;
  readonly remove: boolean;
  readonly removeAll: boolean;
  readonly fromConfig: boolean;
  readonly all: boolean;
  readonly dryRun: boolean;
  readonly globals: GlobalOptions;
}

export function register(program: Command, _ctx: CommandContext): void {
  const set = parentCommand(program, 'set', 'Change image triggers and image lookup in the repository (triggers, image-lookup)');

  const triggers = set
    .command('triggers')
    .description('Add, pause or remove image change triggers on workloads (or list them), as `oc set triggers` does')
    .argument('[objects...]', 'workloads as TYPE/NAME, e.g. deployment/web')
    .option('--from-image <istag>', 'trigger on this ImageStreamTag ([NAMESPACE/]STREAM:TAG)')
    .option('-c, --containers <names>', 'comma-separated container names the trigger updates (required with --from-image)', collectCsv);
  addBoolFlag(triggers, '--auto', 'enable automatic updates (unpause triggers)');
  addBoolFlag(triggers, '--manual', 'pause triggers: record the image but do not update the workload');
  addBoolFlag(triggers, '--remove', 'remove the triggers selected by the type flags');
  addBoolFlag(triggers, '--remove-all', 'remove every trigger from the workloads');
  addBoolFlag(triggers, '--from-config', 'the config-change trigger (Deployments: spec.paused)');
  addBoolFlag(triggers, '--all', 'every workload in the namespace');
  addBoolFlag(triggers, '--dry-run', 'print the change; write nothing');
  addGlobalOptions(triggers);
  triggers.action((objects: string[], opts: Record<string, unknown>, command: Command) => {
    const _request: SetTriggersCommandRequest = {
      objects,
      fromImage: opts['fromImage'] as string | undefined,
      containers: (opts['containers'] as string[] | undefined) ?? [],
      auto: opts['auto'] === true,
      manual: opts['manual'] === true,
      remove: opts['remove'] === true,
      removeAll: opts['removeAll'] === true,
      fromConfig: opts['fromConfig'] === true,
      all: opts['all'] === true,
      dryRun: opts['dryRun'] === true,
      globals: globalsOf(command),
    };
    notWired('set triggers');
  });
}
