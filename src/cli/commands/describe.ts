/** `tagstream describe is/NAME | istag/NAME:TAG`: calls app `describe`, prints oc's describe layouts. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { addGlobalOptions, globalsOf } from '../global-options.js';
import { parseResourceArgs } from '../resource-args.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('describe')
    .description('Show details of an ImageStream or ImageStreamTag in the `oc describe` layout (history, conditions, pending imports, image metadata)')
    .argument('<resource...>', 'is/NAME, istag/NAME:TAG, or TYPE NAME...')
    .option('--no-registry', 'never contact a registry: describe istag shows only what the repository holds')
    .option('--show-managed', "also show Tagstream's own bookkeeping annotations (tagstream.io/observed-spec)")
    .addHelpText('after', '\nExamples:\n  tagstream describe is/ruby\n  tagstream describe is ruby -n openshift\n  tagstream describe istag/ruby:3.3 --no-registry\n');
  addGlobalOptions(cmd, ['output']);
  cmd.action(async (args: string[], opts: { registry?: boolean; showManaged?: boolean }, command: Command) => {
    const globals = globalsOf(command);
    const { resource, names } = parseResourceArgs(args);
    const [{ describe }, { describeOutput }, { commandAppContext, printReadOutput }] = await Promise.all([
      import('../../app/describe.js'),
      import('../render/describe-output.js'),
      import('../read-helpers.js'),
    ]);
    const app = await commandAppContext(ctx, globals);
    const fetchMetadata = resource === 'imagestreamtag' && opts.registry !== false;
    let registry;
    if (fetchMetadata) {
      try {
        registry = app.registry;
      } catch {
        registry = undefined; // describe still prints what the repository holds; app reports why
      }
    }
    const progress = createProgress(ctx.io.stderr);
    const described = await describe(
      { workspace: app.workspace, settings: app.settings, clock: app.clock, registry, progress: (m: string) => progress.update(m) },
      { resource, names, namespace: globals.namespace, allNamespaces: globals.allNamespaces, fetchMetadata, showManaged: opts.showManaged === true },
    ).finally(() => progress.done());
    const out = describeOutput(described);
    printReadOutput(ctx, out, globals);
    if (out.stdout && !out.stdout.endsWith('\n')) ctx.io.stdout.write('\n');
  });
}
