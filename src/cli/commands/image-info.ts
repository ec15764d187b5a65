/** `tagstream image info REF`: calls app `imageInfo`, prints the image as oc does. */
import { Option, type Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { addGlobalOptions, globalsOf } from '../global-options.js';
import { parentCommand } from '../parent-command.js';

export function register(program: Command, ctx: CommandContext): void {
  const image = parentCommand(program, 'image', 'Inspect container images in registries (info)');
  const cmd = image
    .command('info')
    .description('Display information about an image in a registry, as `oc image info` does (an index lists its platforms unless one is selected)')
    .argument('<reference>', 'image pull spec with a tag or digest, e.g. quay.io/org/app:1.0')
    .option('--filter-by-os <regex>', 'select the image of an index whose os/arch[/variant] matches this regular expression, e.g. linux/arm64')
    .addOption(new Option('-o, --output <format>', 'print the image in an alternative format: json').choices(['json']));
  addBoolFlag(cmd, '--insecure', 'allow HTTP and registries with invalid TLS certificates');
  addGlobalOptions(cmd, ['output', 'namespace', 'allNamespaces']);
  cmd.action(async (reference: string, opts: { filterByOs?: string; output?: string; insecure?: boolean }, command: Command) => {
    const globals = globalsOf(command);
    // Repository settings (insecure registries, mirrors) apply; defaults when there is no `.tagstream.yaml`.
    const [{ imageInfo }, { imageInfoOutput }, { commandAppContext, printReadOutput }] = await Promise.all([
      import('../../app/image-info.js'),
      import('../render/image-info-output.js'),
      import('../read-helpers.js'),
    ]);
    const app = await commandAppContext(ctx, globals);
    const registry = app.registry; // a client that cannot be built fails the command, not the lookup
    const found = await imageInfo({ registry, clock: app.clock }, { reference, filterByOs: opts.filterByOs, insecure: opts.insecure });
    printReadOutput(ctx, imageInfoOutput(found, opts.output === 'json' ? 'json' : 'text'), globals);
  });
}
