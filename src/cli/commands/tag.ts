/** `tagstream tag [--source=KIND] SOURCE DEST [DEST...]` and `tag -d DEST...` (oc tag). Flags only; app wiring pending. */
import { Option, type Command } from 'commander';
import type { ImportMode, ReferencePolicyType } from '../../domain/image-stream.js';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { parseImportMode, parseReferencePolicy } from '../flag-values.js';
import { addGlobalOptions, globalsOf, type GlobalOptions } from '../global-options.js';
import { notWired } from '../pending.js';

export interface TagCommandRequest {
  readonly args: readonly string[];
  readonly source?: string | undefined;
  readonly delete: boolean;
  readonly alias: boolean;
  readonly reference: boolean;
  readonly scheduled: boolean;
  readonly insecure: boolean;
  readonly referencePolicy: ReferencePolicyType;
  readonly importMode?: ImportMode | undefined;
  readonly globals: GlobalOptions;
}

export function register(program: Command, _ctx: CommandContext): void {
  const cmd = program
    .command('tag')
    .description('Tag existing images into ImageStreams, or delete tags (-d), in the repository, as `oc tag` does')
    .argument('<args...>', 'SOURCE DEST [DEST...] (DEST is [NAMESPACE/]STREAM:TAG), or DEST... with --delete')
    .addOption(
      new Option('--source <kind>', 'the type of the source image (default: detected from SOURCE)').choices([
        'imagestreamtag',
        'istag',
        'imagestreamimage',
        'isimage',
        'docker',
        'dockerimage',
      ]),
    );
  addBoolFlag(cmd, '-d, --delete', 'delete the given tags (spec and history)');
  addBoolFlag(cmd, '--alias', 'make DEST track SOURCE (an ImageStreamTag of the same stream) instead of copying its current image');
  addBoolFlag(cmd, '--reference', 'record SOURCE as a reference only; it is never imported');
  addBoolFlag(cmd, '--scheduled', 'import SOURCE periodically (external images only)');
  addBoolFlag(cmd, '--insecure', 'allow HTTP and registries with invalid TLS certificates when importing');
  cmd.option('--reference-policy <policy>', "how consumers pull the tag: 'source' (from the source registry) or 'local' (through the internal registry)", parseReferencePolicy, 'Source');
  cmd.option('--import-mode <mode>', 'Legacy (pin one platform of an index) or PreserveOriginal (pin the whole index)', parseImportMode);
  addGlobalOptions(cmd);
  cmd.action((args: string[], opts: Record<string, unknown>, command: Command) => {
    const _request: TagCommandRequest = {
      args,
      source: opts['source'] as string | undefined,
      delete: opts['delete'] === true,
      alias: opts['alias'] === true,
      reference: opts['reference'] === true,
      scheduled: opts['scheduled'] === true,
      insecure: opts['insecure'] === true,
      referencePolicy: opts['referencePolicy'] as ReferencePolicyType,
      importMode: opts['importMode'] as ImportMode | undefined,
      globals: globalsOf(command),
    };
    notWired('tag');
  });
}
