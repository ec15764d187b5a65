/** `tagstream import-image IMAGESTREAM[:TAG]` (oc import-image): calls app `importImage`. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { lowerCase } from '../flag-values.js';
import { addGlobalOptions, writeVerbGlobalsOf, type GlobalOptions } from '../global-options.js';

export interface ImportImageCommandRequest {
  readonly target: string;
  readonly from?: string | undefined;
  readonly confirm: boolean;
  readonly all: boolean;
  readonly scheduled: boolean;
  readonly insecure?: boolean | undefined;
  /** `--reference-policy`, lower-cased; undefined: existing tags keep theirs (the server keeps a set policy). */
  readonly referencePolicy?: string | undefined;
  readonly importMode?: string | undefined;
  readonly dryRun: boolean;
  readonly globals: GlobalOptions;
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('import-image')
    .description('Import images from a registry into an ImageStream in the repository now, as `oc import-image` does')
    .argument('<imagestream>', 'IMAGESTREAM[:TAG] (TAG defaults to latest)')
    .option('--from <image>', 'a registry image to import from (default: the tag\'s current source)');
  addBoolFlag(cmd, '--confirm', 'create the ImageStream if it does not exist (or change a bulk import source)');
  addBoolFlag(cmd, '--all', 'import every tag of the source repository (up to maxBulkImport)');
  addBoolFlag(cmd, '--scheduled', 'keep importing this tag periodically');
  addBoolFlag(cmd, '--insecure', 'allow HTTP and registries with invalid TLS certificates');
  cmd.option('--reference-policy <policy>', "how consumers pull the tag: 'source' (the default) or 'local'", lowerCase);
  cmd.option('--import-mode <mode>', 'Legacy (pin one platform of an index, the default) or PreserveOriginal (pin the whole index)');
  addBoolFlag(cmd, '--dry-run', 'show what would be imported; change nothing');
  addGlobalOptions(cmd);
  cmd.action(async (target: string, opts: Record<string, unknown>, command: Command) => {
    const request: ImportImageCommandRequest = {
      target,
      from: opts['from'] as string | undefined,
      confirm: opts['confirm'] === true,
      all: opts['all'] === true,
      scheduled: opts['scheduled'] === true,
      // undefined: use the stream's insecureRepository annotation, as oc does
      insecure: opts['insecure'] as boolean | undefined,
      referencePolicy: opts['referencePolicy'] as string | undefined,
      importMode: opts['importMode'] as string | undefined,
      dryRun: opts['dryRun'] === true,
      globals: writeVerbGlobalsOf(command),
    };
    const [{ importImage }, { printVerbResult, verbAppContext }] = await Promise.all([import('../../app/import-image.js'), import('../write-helpers.js')]);
    const app = await verbAppContext(ctx, request.globals);
    const result = await importImage(app, {
      target: request.target,
      from: request.from,
      confirm: request.confirm,
      all: request.all,
      scheduled: request.scheduled,
      insecure: request.insecure,
      referencePolicy: request.referencePolicy,
      importMode: request.importMode,
      dryRun: request.dryRun,
      namespace: request.globals.namespace,
    });
    printVerbResult(ctx, result, request.globals);
  });
}
