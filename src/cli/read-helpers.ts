/** Glue shared by the commands: open the repository, build the AppContext, print a ReadOutput. */
import * as nodePath from 'node:path';
import type { AppContext } from '../app/app-context.js';
import type { ReadOutput } from './render/read-output.js';
import type { RegistryPort } from '../ports/registry.js';
import { redact } from '../errors.js';
import { boundLines, HUMAN_DIAGNOSTIC_LIMIT, isWarningLine } from './render/diagnostics.js';
import type { Log } from '../ports/log.js';
import { EXIT_FAILED, EXIT_USAGE, formatCliError } from './cli-error.js';
import { debugOutput } from '../config/environment.js';
import type { CommandContext, OpenedRepository } from './context.js';
import type { GlobalOptions } from './global-options.js';

/** Absolute repository directory from `--repo` (relative to the working directory). */
export function repoDir(ctx: CommandContext, globals: GlobalOptions): string {
  return nodePath.resolve(ctx.io.cwd, globals.repo ?? '.');
}

export async function openRepository(ctx: CommandContext, globals: GlobalOptions): Promise<OpenedRepository> {
  return ctx.deps.openRepository(repoDir(ctx, globals));
}

/**
 * The one AppContext a command runs with: the repository at `--repo`, its settings, the io clock,
 * a stderr log, the working copy when asked for (writers), and a registry client for those settings, built when first asked for (`get` never
 * needs one; `describe --no-registry` must not build one).
 */
export async function commandAppContext(ctx: CommandContext, globals: GlobalOptions, options: { readonly git?: boolean } = {}): Promise<AppContext> {
  const repo = await openRepository(ctx, globals);
  const log = stderrLog(ctx, globals.verbose);
  let registry: RegistryPort | undefined;
  return {
    workspace: repo.workspace,
    settings: repo.settings,
    clock: ctx.io.clock,
    log,
    git: options.git ? await ctx.deps.openGit(repoDir(ctx, globals)) : undefined,
    get registry() {
      return (registry ??= ctx.deps.createRegistry(repo.settings, log));
    },
  };
}

/** Human output (no `-v`, no `-o json|yaml|name`) shows a bounded number of warnings. */
export function showsAllWarnings(globals: GlobalOptions | undefined): boolean {
  if (!globals) return true;
  return globals.verbose || globals.output === 'json' || globals.output === 'yaml' || globals.output === 'name';
}

/** stderr lines as printed: every one for scripts and `-v`, the first warnings and a summary for people. */
export function stderrLines(lines: readonly string[], globals: GlobalOptions | undefined): readonly string[] {
  return showsAllWarnings(globals) ? lines : boundLines(lines, HUMAN_DIAGNOSTIC_LIMIT, isWarningLine);
}

/** Warnings and notices first (stderr), then the output, then the errors; records the exit code. */
export function printReadOutput(ctx: CommandContext, out: ReadOutput, globals?: GlobalOptions): void {
  for (const line of stderrLines(out.stderr, globals)) ctx.io.stderr.write(`${line}\n`);
  if (out.stdout) ctx.io.stdout.write(out.stdout);
  for (const e of out.errors) ctx.io.stderr.write(formatCliError(e, debugOutput(ctx.io.env)));
  if (out.errors.length > 0) ctx.setExitCode(out.errors.some((e) => e.code === 'Usage') ? EXIT_USAGE : EXIT_FAILED);
}

/** A Log on stderr (debug and info only with `-v`), redacted like every error message. */
export function stderrLog(ctx: CommandContext, verbose: boolean): Log {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (!verbose && (level === 'debug' || level === 'info')) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    ctx.io.stderr.write(redact(`${level === 'warn' ? 'warning' : level}: ${message}${extra}`) + '\n');
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
