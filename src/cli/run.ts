/**
 * `run(argv, io)`: the whole CLI as a function returning the exit code, so tests run it
 * in-process with captured output and a fixed clock. main.ts only binds it to the process.
 */
import { CommanderError } from 'commander';
import { booleanFlagNames, normalizeBoolFlags } from './bool-flags.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, formatCliError } from './cli-error.js';
import { defaultDeps } from './composition.js';
import { debugOutput } from '../config/environment.js';
import type { CliDeps, CommandContext } from './context.js';
import type { CliIO } from './io.js';
import { buildProgram } from './program.js';

/** Run the CLI with `argv` (arguments only, no `node script`); resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIO, deps: CliDeps = defaultDeps(io.env)): Promise<number> {
  let exitCode = EXIT_OK;
  const ctx: CommandContext = {
    io,
    deps,
    setExitCode(code) {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = buildProgram(ctx);
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
    io.stderr.write(formatCliError(e, debugOutput(io.env)));
    return exitCodeFor(e);
  }
}
