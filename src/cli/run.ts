/**
 * `run(argv, io)`: the whole CLI as a function returning the exit code, so tests run it
 * in-process with captured output and a fixed clock. main.ts only binds it to the process.
 * Start-up loads only the command tree: the composition root (every adapter) is imported when a
 * verb runs, never for `--help` or `--version`, and each verb imports its use case in its action.
 */
import { CommanderError } from 'commander';
import { booleanFlagNames, normalizeBoolFlags } from './bool-flags.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, formatCliError } from './cli-error.js';
import type { CliDeps, CommandContext } from './context.js';
import type { CliIO } from './io.js';
import { buildProgram } from './program.js';

/** Run the CLI with `argv` (arguments only, no `node script`); resolves to the exit code. `deps` default: the production adapters (composition.ts). */
export async function run(argv: readonly string[], io: CliIO, deps?: CliDeps): Promise<number> {
  let exitCode = EXIT_OK;
  let resolvedDeps = deps;
  const ctx: CommandContext = {
    io,
    get deps(): CliDeps {
      // set by the preAction hook below before any action runs
      if (!resolvedDeps) throw new Error('the CLI collaborators were used before a verb ran');
      return resolvedDeps;
    },
    setExitCode(code) {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = buildProgram(ctx);
  program.hook('preAction', async () => {
    resolvedDeps ??= (await import('./composition.js')).defaultDeps(io.env);
  });
  try {
    const args = normalizeBoolFlags(argv, booleanFlagNames(program));
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander already printed help or its `error: ...` line.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    const { debugOutput } = await import('../config/environment.js'); // zod: not loaded at start-up
    io.stderr.write(formatCliError(e, debugOutput(io.env)));
    return exitCodeFor(e);
  }
}
