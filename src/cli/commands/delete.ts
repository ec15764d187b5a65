/** `tagstream delete istag NAME:TAG...` / `delete istag/NAME:TAG` (oc delete imagestreamtag): calls app `deleteIstag`. */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { EXIT_FAILED, formatCliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, writeVerbGlobalsOf } from '../global-options.js';
import { parseResourceArgs } from '../resource-args.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('delete')
    .description('Delete ImageStreamTags (spec and history) from the repository, as `oc delete istag` does')
    .argument('<resource...>', 'istag NAME:TAG [NAME:TAG...], or istag/NAME:TAG')
    .addHelpText('after', '\nExamples:\n  tagstream delete istag ruby:latest\n  tagstream delete istag/ruby:latest istag/ruby:2.7\n');
  addGlobalOptions(cmd, ['allNamespaces']);
  cmd.action(async (args: string[], _opts: unknown, command: Command) => {
    const globals = writeVerbGlobalsOf(command);
    const { resource, names } = parseResourceArgs(args);
    if (resource !== 'imagestreamtag') {
      throw new UsageError('only ImageStreamTags can be deleted (tagstream delete istag NAME:TAG); remove an ImageStream by deleting its file');
    }
    if (names.length === 0) throw new UsageError('resource(s) were provided, but no name was specified');
    const [{ deleteIstag }, { printVerbResult, verbAppContext }, { debugOutput }] = await Promise.all([
      import('../../app/delete-istag.js'),
      import('../write-helpers.js'),
      import('../../config/environment.js'),
    ]);
    const app = await verbAppContext(ctx, globals);
    const { result, errors, deleted } = await deleteIstag(app, { names, namespace: globals.namespace });
    // kubectl delete -o name names what was deleted
    if (globals.output === 'name') ctx.io.stdout.write(deleted.map((n) => `imagestreamtag.image.openshift.io/${n}\n`).join(''));
    if (globals.output === 'name') printVerbResult(ctx, result, { ...globals, output: undefined }, { stdout: false });
    else printVerbResult(ctx, result, globals);
    for (const e of errors) ctx.io.stderr.write(formatCliError(e, debugOutput(ctx.io.env)));
    if (errors.length > 0) ctx.setExitCode(EXIT_FAILED);
  });
}
