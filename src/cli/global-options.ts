/**
 * The flags every verb accepts (`--repo`, `-n`, `-A`, `-o`, `--no-color`, `-v`), declared on the
 * program and on each leaf command so they work before or after the verb, as with oc.
 */
import type { Command } from 'commander';
import { validateNamespace } from '../domain/names.js';
import { UsageError } from '../errors.js';
import { addBoolFlag } from './bool-flags.js';

export type OutputFlag = 'json' | 'yaml' | 'name' | 'wide';
const OUTPUT_CHOICES: readonly OutputFlag[] = ['json', 'yaml', 'name', 'wide'];

export interface GlobalOptions {
  readonly repo?: string | undefined;
  readonly namespace?: string | undefined;
  readonly allNamespaces?: boolean | undefined;
  readonly output?: string | undefined;
  readonly color: boolean;
  readonly verbose: boolean;
}

export type GlobalFlag = 'repo' | 'namespace' | 'allNamespaces' | 'output' | 'color' | 'verbose';

/** Add the global flags to `cmd`, except those listed (a verb that spells a flag differently). */
export function addGlobalOptions(cmd: Command, except: readonly GlobalFlag[] = []): Command {
  const skip = new Set(except);
  if (!skip.has('repo')) cmd.option('--repo <dir>', 'repository (working copy) to read and write (default: the current directory)');
  if (!skip.has('namespace')) cmd.option('-n, --namespace <ns>', "namespace to use (default: the repository's defaultNamespace, else \"default\")");
  if (!skip.has('allNamespaces')) addBoolFlag(cmd, '-A, --all-namespaces', 'list the requested objects across all namespaces');
  if (!skip.has('output')) cmd.option('-o, --output <format>', `output format: ${OUTPUT_CHOICES.join(', ')}`);
  if (!skip.has('color')) cmd.option('--no-color', 'disable colored output');
  if (!skip.has('verbose')) addBoolFlag(cmd, '-v, --verbose', 'log what is being done on stderr');
  return cmd;
}

/**
 * The merged global flags for a leaf command: a value given on the command line wins over a
 * default, and a flag given after the verb wins over one given before it.
 */
export function globalsOf(cmd: Command, outputs: readonly string[] = OUTPUT_CHOICES): GlobalOptions {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  const explicit = new Set<string>();
  for (const c of chain) {
    const opts = c.opts();
    for (const key of Object.keys(opts)) {
      const source = c.getOptionValueSource(key);
      const given = source !== undefined && source !== 'default' && source !== 'implied';
      if (given || !explicit.has(key)) merged[key] = opts[key];
      if (given) explicit.add(key);
    }
  }
  const namespace = merged['namespace'] as string | undefined;
  if (namespace !== undefined) {
    const problems = validateNamespace(namespace);
    if (problems.length > 0) throw new UsageError(`invalid namespace "${namespace}": ${problems.join('; ')}`);
  }
  const output = merged['output'] as string | undefined;
  if (output !== undefined) assertOutputFormat(output, outputs);
  return {
    repo: merged['repo'] as string | undefined,
    namespace,
    allNamespaces: merged['allNamespaces'] as boolean | undefined,
    output,
    color: merged['color'] !== false,
    verbose: merged['verbose'] === true,
  };
}

/** `-o` values the writing verbs print (the changed objects); `wide` is a table format, refused as oc refuses it. */
export const WRITE_OUTPUT_CHOICES: readonly OutputFlag[] = ['json', 'yaml', 'name'];

/** `globalsOf` for a writing verb (tag, import-image, create/delete istag, set ...): refuses `-o wide` with kubectl's printer error. */
export function writeVerbGlobalsOf(cmd: Command): GlobalOptions {
  return globalsOf(cmd, WRITE_OUTPUT_CHOICES);
}

/** kubectl's refusal of an `-o` value no printer handles. */
export function assertOutputFormat(output: string, allowed: readonly string[]): void {
  if (!allowed.includes(output)) {
    throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${[...allowed].sort().join(',')}`);
  }
}
