/**
 * The command tree: global flags, every verb, oc-style error output and exit codes. Built per
 * run (no module state) so tests can run the CLI in-process many times.
 */
import { Command } from 'commander';
import type { CommandContext } from './context.js';
import { addGlobalOptions } from './global-options.js';
import * as createIstag from './commands/create-istag.js';
import * as deleteVerb from './commands/delete.js';
import * as describe from './commands/describe.js';
import * as get from './commands/get.js';
import * as imageInfo from './commands/image-info.js';
import * as importImage from './commands/import-image.js';
import * as reconcile from './commands/reconcile.js';
import * as serve from './commands/serve.js';
import * as setImageLookup from './commands/set-image-lookup.js';
import * as setTriggers from './commands/set-triggers.js';
import * as tag from './commands/tag.js';
import { PROGRAM_VERSION } from './version.js';

/** Verb modules in help order; each registers one verb and calls one app function. */
const VERBS = [get, describe, imageInfo, tag, importImage, createIstag, deleteVerb, setTriggers, setImageLookup, reconcile, serve] as const;

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('tagstream');
  // Settings copied to every subcommand created afterwards with .command().
  program
    .description('OpenShift Image Streams for a Git repository of Kubernetes manifests: oc-style tags, imports, history and image triggers, written to files instead of a cluster.')
    .version(PROGRAM_VERSION, '--version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .showSuggestionAfterError(true);
  program.addHelpCommand(false);
  addGlobalOptions(program);
  for (const verb of VERBS) verb.register(program, ctx);
  return program;
}
