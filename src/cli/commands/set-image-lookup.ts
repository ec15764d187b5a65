/** `tagstream set image-lookup ...` (oc set image-lookup): parses flags, calls app `setImageLookup`, prints. */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, writeVerbGlobalsOf, type GlobalOptions } from '../global-options.js';
import { parentCommand } from '../parent-command.js';
import { setOutputFormat } from './set-triggers.js';

export interface SetImageLookupCommandRequest {
  readonly targets: readonly string[];
  readonly enabled: boolean;
  readonly all: boolean;
  readonly list: boolean;
  readonly dryRun: boolean;
  readonly globals: GlobalOptions;
}

export function register(program: Command, ctx: CommandContext): void {
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
  lookup.addHelpText(
    'after',
    [
      '',
      'On a workload, resolve-names takes effect at once, as OpenShift\'s admission does: its short image names are pinned.',
      '',
      'Examples:',
      '  tagstream set image-lookup',
      '  tagstream set image-lookup mysql',
      '  tagstream set image-lookup deploy/mysql',
      '  tagstream set image-lookup deploy/mysql --list',
      '  tagstream set image-lookup mysql --enabled=false',
      '  tagstream set image-lookup --all',
      '',
    ].join('\n'),
  );
  lookup.action(async (targets: string[], opts: Record<string, unknown>, command: Command) => {
    const request: SetImageLookupCommandRequest = {
      targets,
      enabled: opts['enabled'] !== false,
      all: opts['all'] === true,
      list: opts['list'] === true,
      dryRun: opts['dryRun'] === true,
      globals: writeVerbGlobalsOf(command),
    };
    const { globals } = request;
    if (globals.allNamespaces) throw new UsageError('--all-namespaces cannot be used with set image-lookup: use -n NAMESPACE');
    const [{ setImageLookup }, { setOutput }, { commandAppContext, printReadOutput }] = await Promise.all([
      import('../../app/set-image-lookup.js'),
      import('../render/set-output.js'),
      import('../read-helpers.js'),
    ]);
    const out = await setImageLookup(
      await commandAppContext(ctx, globals, { git: true }),
      {
        targets: request.targets,
        enabled: request.enabled,
        all: request.all,
        list: request.list,
        namespace: globals.namespace,
        dryRun: request.dryRun,
      },
    );
    printReadOutput(ctx, setOutput(out, setOutputFormat(globals.output)), globals);
  });
}
