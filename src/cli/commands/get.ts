/** `tagstream get is|istag [NAME...]`: calls app `get`, prints what it found in the `-o` format. */
import type { Command } from 'commander';
import type { OutputFormat } from '../render/get-output.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf } from '../global-options.js';
import { parseResourceArgs } from '../resource-args.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('get')
    .description('Display ImageStreams (is) or ImageStreamTags (istag) defined in the repository, as `oc get` prints them')
    .argument('<resource...>', 'is|imagestream|imagestreams [NAME...], istag|imagestreamtag|imagestreamtags [NAME:TAG...], or TYPE/NAME')
    .addHelpText(
      'after',
      '\nExamples:\n  tagstream get is\n  tagstream get is -A -o name\n  tagstream get istag ruby:3.3 -o yaml\n  tagstream get is/ruby -n openshift -o json\n',
    );
  addGlobalOptions(cmd);
  cmd.action(async (args: string[], _opts: unknown, command: Command) => {
    const globals = globalsOf(command);
    const { resource, names } = parseResourceArgs(args);
    const [{ get }, { getOutput }, { commandAppContext, printReadOutput }] = await Promise.all([import('../../app/get.js'), import('../render/get-output.js'), import('../read-helpers.js')]);
    const found = await get(await commandAppContext(ctx, globals), { resource, names, namespace: globals.namespace, allNamespaces: globals.allNamespaces });
    printReadOutput(ctx, getOutput(found, (globals.output ?? 'table') as OutputFormat), globals);
  });
}
