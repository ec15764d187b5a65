/** `tagstream set triggers ...` (oc set triggers): parses flags, calls app `setTriggers`, prints. */
import type { Command } from 'commander';
import type { SetOutputFormat } from '../render/set-output.js';
import { UsageError } from '../../errors.js';
import { addBoolFlag } from '../bool-flags.js';
import type { CommandContext } from '../context.js';
import { collectCsv } from '../flag-values.js';
import { addGlobalOptions, writeVerbGlobalsOf, type GlobalOptions } from '../global-options.js';
import { parentCommand } from '../parent-command.js';

export interface SetTriggersCommandRequest {
  readonly objects: readonly string[];
  readonly fromImage?: string | undefined;
  readonly containers: readonly string[];
  readonly auto: boolean;
  readonly manual: boolean;
  readonly remove: boolean;
  readonly removeAll: boolean;
  readonly fromConfig: boolean;
  /** Webhook flags (BuildConfigs only in oc): given so the planner refuses them in oc's words. */
  readonly webhooks: {
    readonly fromGithub?: boolean | undefined;
    readonly fromWebhook?: boolean | undefined;
    readonly fromWebhookAllowEnv?: boolean | undefined;
    readonly fromGitlab?: boolean | undefined;
    readonly fromBitbucket?: boolean | undefined;
  };
  readonly all: boolean;
  readonly dryRun: boolean;
  readonly globals: GlobalOptions;
}

/** `-o` of the set verbs: json, yaml and name as oc prints them (anything else is refused by writeVerbGlobalsOf). */
export function setOutputFormat(output: string | undefined): SetOutputFormat {
  return output === 'json' || output === 'yaml' || output === 'name' ? output : undefined;
}

export function register(program: Command, ctx: CommandContext): void {
  const set = parentCommand(program, 'set', 'Change image triggers and image lookup in the repository (triggers, image-lookup)');

  const triggers = set
    .command('triggers')
    .description('Add, pause or remove image change triggers on workloads (or list them), as `oc set triggers` does')
    .argument('[objects...]', 'workloads as TYPE/NAME, e.g. deployment/web')
    .option('--from-image <istag>', 'trigger on this ImageStreamTag ([NAMESPACE/]STREAM:TAG)')
    .option('-c, --containers <names>', 'comma-separated container names the trigger updates (required with --from-image)', collectCsv);
  addBoolFlag(triggers, '--auto', 'enable automatic updates (unpause triggers)');
  addBoolFlag(triggers, '--manual', 'pause triggers: record the image but do not update the workload');
  addBoolFlag(triggers, '--remove', 'remove the triggers selected by the type flags');
  addBoolFlag(triggers, '--remove-all', 'remove every trigger from the workloads');
  addBoolFlag(triggers, '--from-config', 'the config-change trigger (Deployments: spec.paused)');
  addBoolFlag(triggers, '--from-github', 'a GitHub webhook trigger (BuildConfigs only: refused, Tagstream runs no builds)');
  addBoolFlag(triggers, '--from-webhook', 'a generic webhook trigger (BuildConfigs only: refused)');
  addBoolFlag(triggers, '--from-webhook-allow-env', 'a generic webhook trigger that may set env (BuildConfigs only: refused)');
  addBoolFlag(triggers, '--from-gitlab', 'a GitLab webhook trigger (BuildConfigs only: refused)');
  addBoolFlag(triggers, '--from-bitbucket', 'a Bitbucket webhook trigger (BuildConfigs only: refused)');
  addBoolFlag(triggers, '--all', 'every object of the given types in the namespace (e.g. deployments,statefulsets --all)');
  addBoolFlag(triggers, '--dry-run', 'print the change; write nothing');
  addGlobalOptions(triggers);
  triggers.addHelpText(
    'after',
    [
      '',
      'Setting a trigger fires it at once, as OpenShift does: the container is pinned to the',
      'tag\'s current image. Nothing is written when any named object fails.',
      '',
      'Examples:',
      '  tagstream set triggers deployment/web',
      '  tagstream set triggers deployment/web --from-image ubi:8 -c web',
      '  tagstream set triggers dc/legacy --manual',
      '  tagstream set triggers statefulset/db --from-image shared/mysql:8 -c main --dry-run',
      '  tagstream set triggers deployment/web --remove-all',
      '  tagstream set triggers deployments,cronjobs --all --auto',
      '',
    ].join('\n'),
  );
  triggers.action(async (objects: string[], opts: Record<string, unknown>, command: Command) => {
    const request: SetTriggersCommandRequest = {
      objects,
      fromImage: opts['fromImage'] as string | undefined,
      containers: (opts['containers'] as string[] | undefined) ?? [],
      auto: opts['auto'] === true,
      manual: opts['manual'] === true,
      remove: opts['remove'] === true,
      removeAll: opts['removeAll'] === true,
      fromConfig: opts['fromConfig'] === true,
      // undefined unless given: a webhook flag set to false still counts as set, as in oc
      webhooks: {
        fromGithub: opts['fromGithub'] as boolean | undefined,
        fromWebhook: opts['fromWebhook'] as boolean | undefined,
        fromWebhookAllowEnv: opts['fromWebhookAllowEnv'] as boolean | undefined,
        fromGitlab: opts['fromGitlab'] as boolean | undefined,
        fromBitbucket: opts['fromBitbucket'] as boolean | undefined,
      },
      all: opts['all'] === true,
      dryRun: opts['dryRun'] === true,
      globals: writeVerbGlobalsOf(command),
    };
    const { globals } = request;
    if (globals.allNamespaces) throw new UsageError('--all-namespaces cannot be used with set triggers: use -n NAMESPACE');
    const [{ setTriggers }, { setOutput }, { commandAppContext, printReadOutput }] = await Promise.all([
      import('../../app/set-triggers.js'),
      import('../render/set-output.js'),
      import('../read-helpers.js'),
    ]);
    const out = await setTriggers(
      await commandAppContext(ctx, globals, { git: true }),
      {
        objects: request.objects,
        all: request.all,
        namespace: globals.namespace,
        flags: {
          fromImage: request.fromImage,
          containers: request.containers.length > 0 ? request.containers : undefined,
          auto: request.auto,
          manual: request.manual,
          remove: request.remove,
          removeAll: request.removeAll,
          fromConfig: request.fromConfig,
          ...request.webhooks,
        },
        dryRun: request.dryRun,
      },
    );
    printReadOutput(ctx, setOutput(out, setOutputFormat(globals.output)), globals);
  });
}
