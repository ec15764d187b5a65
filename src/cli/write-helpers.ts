/**
 * Glue the writing ImageStream verbs share (tag, import-image, create istag, delete istag): their
 * AppContext and how a VerbResult is printed. Loaded by their actions, not at start-up.
 */
import type { AppContext } from '../app/app-context.js';
import type { VerbResult } from '../app/stream-verb.js';
import { redactReference } from '../domain/image-reference.js';
import { qualifiedName } from '../verbs/trigger-definition.js';
import type { CommandContext } from './context.js';
import type { GlobalOptions } from './global-options.js';
import { commandAppContext, stderrLines } from './read-helpers.js';
import { renderObject } from './render/object-output.js';
import { verbOutput } from './render/verb-output.js';

/** The AppContext a stream verb runs with; its registry client is built up front, as the verbs import. */
export async function verbAppContext(ctx: CommandContext, globals: GlobalOptions): Promise<AppContext> {
  // the working copy, if any: the verb records what it writes for a later `reconcile --commit`
  return { ...(await commandAppContext(ctx, globals, { git: true })) };
}

/**
 * oc's lines on stdout, warnings and per-tag errors on stderr, and the exit code. `-o json|yaml`
 * prints the changed objects with their files, the update targets that moved (file, line, field,
 * old and new value) and the list of files; `-o name` the objects.
 */
export function printVerbResult(ctx: CommandContext, result: VerbResult, globals?: GlobalOptions, options: { readonly stdout?: boolean } = {}): void {
  const output = globals?.output;
  const text = verbOutput(result);
  if (output === 'json' || output === 'yaml') {
    const targets = result.targets.map((t) => ({ ...t, from: redactReference(t.from) })); // old values never echo userinfo (#12.7)
    ctx.io.stdout.write(renderObject({ changed: result.changed.map((o) => ({ ...o })), targets, files: result.files.map((f) => f.path) }, output));
  } else if (output === 'name') {
    for (const o of result.changed) ctx.io.stdout.write(`${qualifiedName(o.kind, o.name)}\n`);
  } else if (options.stdout !== false) {
    for (const line of text.stdout) ctx.io.stdout.write(`${line}\n`);
  }
  for (const line of stderrLines(text.stderr, globals)) ctx.io.stderr.write(`${line}\n`);
  ctx.setExitCode(result.exitCode);
}
