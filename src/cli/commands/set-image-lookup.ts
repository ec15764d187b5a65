/** `tagstream set image-lookup ...` (oc set image-lookup). Flags only; app wiring pending. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf, type GlobalOptions } from '../global-options.js';
import { notWired } from '../pending.js';
import { parentCommand } from '../parent-command.js';

export interface SetImageLookupCommandRequest {
  readonly targets: readonly string[];
  readonly enabled: boolean;
  readonly all: boolean;
  readonly list: boolean;
  readonly dryRun: boolean;
  readonly globals: GlobalOptions;
}

export function register(program: Command, _ctx: CommandContext): void {
  const set = parentCommand(program, 'set', 'Change image triggers and image lookup in the repository (triggers, image-lookup)');

  const lookup = set
    .command('image-lookup')
    .description('Let workloads use ImageStream tags by short name (spec.lookupPolicy.local / resolve-names), as `oc set image-lookup` does')
    .argument('[targets...]', 'ImageStream names, or workloads as TYPE/NAME');
  addBoolFlag(lookup, '--enabled', 'turn local lookup on (default true); --enabled=false turns it off');
  addBoolFlag(lookup, '--all', 'every ImageStream in the namespace');
  addBoolFlag(lookup, '--list', 'list the lookup setting (NAME LOCAL) instead of changing it');
  addBoolFlag(lookup, '--dry-run', 'print the change; write nothing');
  addGlobalOptions(lookup);
  lookup.action((targets: string[], opts: Record<string, unknown>, command: Command) => {
    const _request: SetImageLookupCommandRequest = {
      targets,
      enabled: opts['enabled'] !== false,
      all: opts['all'] === true,
      list: opts['list'] === true,
      dryRun: opts['dryRun'] === true,
      globals: globalsOf(command),
    };
    notWired('set image-lookup');
  });
}
