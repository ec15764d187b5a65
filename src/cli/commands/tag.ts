/** `tagstream tag [--source=KIND] SOURCE DEST [DEST...]` and `tag -d DEST...` (oc tag): calls app `tag`. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { lowerCase } from '../flag-values.js';
import { addGlobalOptions, writeVerbGlobalsOf, type GlobalOptions } from '../global-options.js';

export interface TagCommandRequest {
  readonly args: readonly string[];
  readonly source?: string | undefined;
  readonly delete: boolean;
  readonly alias: boolean;
  readonly reference: boolean;
  readonly scheduled: boolean;
  readonly insecure: boolean;
  /** `--reference-policy`, lower-cased (the planner checks it; default source). */
  readonly referencePolicy?: string | undefined;
  readonly importMode?: string | undefined;
  readonly policy?: string | undefined;
  readonly globals: GlobalOptions;
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('tag')
    .description('Tag existing images into ImageStreams, or delete tags (-d), in the repository, as `oc tag` does')
    .argument('<args...>', 'SOURCE DEST [DEST...] (DEST is [NAMESPACE/]STREAM:TAG), or DEST... with --delete')
    .option('--source <kind>', 'the type of the source image: imagestreamtag (istag), imagestreamimage (isimage) or docker (dockerimage); default: detected from SOURCE');
  addBoolFlag(cmd, '-d, --delete', 'delete the given tags (spec and history)');
  addBoolFlag(cmd, '--alias', 'make DEST track SOURCE (an ImageStreamTag of the same stream) instead of copying its current image');
  addBoolFlag(cmd, '--reference', 'record SOURCE as a reference only; it is never imported');
  addBoolFlag(cmd, '--scheduled', 'import SOURCE periodically (external images only)');
  addBoolFlag(cmd, '--insecure', 'allow HTTP and registries with invalid TLS certificates when importing');
  cmd.option('--reference-policy <policy>', "how consumers pull the tag: 'source' (from the source registry, the default) or 'local' (through the internal registry)", lowerCase);
  cmd.option('--import-mode <mode>', 'Legacy (pin one platform of an index) or PreserveOriginal (pin the whole index)');
  cmd.option('--policy <policy>', "follow the newest tag of SOURCE's repository: semver:RANGE, numerical:REGEX, alphabetical:REGEX or created:REGEX (annotation tagstream.io/tag-policy); '' for none");
  addGlobalOptions(cmd);
  cmd.action(async (args: string[], opts: Record<string, unknown>, command: Command) => {
    const request: TagCommandRequest = {
      args,
      source: opts['source'] as string | undefined,
      delete: opts['delete'] === true,
      alias: opts['alias'] === true,
      reference: opts['reference'] === true,
      scheduled: opts['scheduled'] === true,
      insecure: opts['insecure'] === true,
      referencePolicy: opts['referencePolicy'] as string | undefined,
      importMode: opts['importMode'] as string | undefined,
      policy: opts['policy'] as string | undefined,
      globals: writeVerbGlobalsOf(command),
    };
    const [{ tag }, { printVerbResult, verbAppContext }] = await Promise.all([import('../../app/tag.js'), import('../write-helpers.js')]);
    const app = await verbAppContext(ctx, request.globals);
    const result = await tag(app, {
      args: request.args,
      source: request.source,
      delete: request.delete,
      alias: request.alias,
      reference: request.reference,
      scheduled: request.scheduled,
      insecure: request.insecure,
      referencePolicy: request.referencePolicy,
      importMode: request.importMode,
      policy: request.policy,
      namespace: request.globals.namespace,
    });
    printVerbResult(ctx, result, request.globals);
  });
}
