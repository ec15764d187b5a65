/** `tagstream create istag NAME:TAG --from-image=... | --from=...` (oc create imagestreamtag): calls app `createIstag`. */
import type { Command } from 'commander';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { collect, lowerCase, parseAnnotations } from '../flag-values.js';
import { addGlobalOptions, writeVerbGlobalsOf, type GlobalOptions } from '../global-options.js';
import { parentCommand } from '../parent-command.js';

export interface CreateIstagCommandRequest {
  readonly name: string;
  readonly from?: string | undefined;
  readonly fromImage?: string | undefined;
  readonly scheduled: boolean;
  readonly insecure: boolean;
  readonly reference: boolean;
  readonly referencePolicy?: string | undefined;
  readonly annotations: readonly string[];
  readonly globals: GlobalOptions;
}

export function register(program: Command, ctx: CommandContext): void {
  const create = parentCommand(program, 'create', 'Create objects in the repository (istag)');
  const cmd = create
    .command('istag')
    .alias('imagestreamtag')
    .description('Create a new ImageStreamTag (fails if the tag exists), as `oc create istag` does')
    .argument('<name>', 'STREAM:TAG')
    .option('--from <istag>', 'track another ImageStreamTag ([NAMESPACE/]STREAM:TAG, :TAG, or STREAM@ID)')
    .option('--from-image <pullspec>', 'import this registry image');
  addBoolFlag(cmd, '--scheduled', 'import --from-image periodically');
  addBoolFlag(cmd, '--insecure', 'allow HTTP and registries with invalid TLS certificates');
  addBoolFlag(cmd, '--reference', 'record the source as a reference only; it is never imported');
  cmd.option('--reference-policy <policy>', "how consumers pull the tag: 'source' (the default) or 'local'", lowerCase);
  // oc spells the annotation flag -A, so the global -A/--all-namespaces is not offered here.
  cmd.option('-A, --annotation <key=value>', 'set an annotation on the tag (repeatable)', collect);
  addGlobalOptions(cmd, ['allNamespaces']);
  cmd.action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const request: CreateIstagCommandRequest = {
      name,
      from: opts['from'] as string | undefined,
      fromImage: opts['fromImage'] as string | undefined,
      scheduled: opts['scheduled'] === true,
      insecure: opts['insecure'] === true,
      reference: opts['reference'] === true,
      referencePolicy: opts['referencePolicy'] as string | undefined,
      annotations: (opts['annotation'] as string[] | undefined) ?? [],
      globals: writeVerbGlobalsOf(command),
    };
    const annotations = parseAnnotations(request.annotations);
    const [{ createIstag }, { printVerbResult, verbAppContext }] = await Promise.all([import('../../app/create-istag.js'), import('../write-helpers.js')]);
    const app = await verbAppContext(ctx, request.globals);
    const result = await createIstag(app, {
      name: request.name,
      from: request.from,
      fromImage: request.fromImage,
      scheduled: request.scheduled,
      insecure: request.insecure,
      reference: request.reference,
      referencePolicy: request.referencePolicy,
      annotations,
      namespace: request.globals.namespace,
    });
    printVerbResult(ctx, result, request.globals);
  });
}
