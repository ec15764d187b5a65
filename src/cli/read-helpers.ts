/** Glue shared by the read verbs: open the repository, build the app's ReadContext, print a ReadOutput. */
import * as nodePath from 'node:path';
import type { ReadContext, ReadOutput } from '../app/get.js';
import { redact } from '../errors.js';
import { boundLines, HUMAN_DIAGNOSTIC_LIMIT, isWarningLine } from '../render/diagnostics.js';
import type { Log } from '../ports/log.js';
import { EXIT_FAILED, EXIT_USAGE, formatCliError } from './cli-error.js';
import type { CommandContext, OpenedRepository } from './context.js';
import type { GlobalOptions } from './global-options.js';

/** Absolute repository directory from `--repo` (relative to the working directory). */
export function repoDir(ctx: CommandContext, globals: GlobalOptions): string {
  return nodePath.resolve(ctx.io.cwd, globals.repo ?? '.');
}

export async function openRepository(ctx: CommandContext, globals: GlobalOptions): Promise<OpenedRepository> {
  return ctx.deps.openRepository(repoDir(ctx, globals));
}

/** The app's read context over the opened repository. */
export function readContext(ctx: CommandContext, repo: OpenedRepository): ReadContext {
  return {
    loadInventory: () => ctx.deps.loadInventory(repo),
    defaultNamespace: repo.settings.defaultNamespace,
    clock: ctx.io.clock,
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
  for (const e of out.errors) ctx.io.stderr.write(formatCliError(e));
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
