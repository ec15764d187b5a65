/** Find or create a grouping command (`set`, `create`, `image`) so each verb file registers itself. */
import type { Command } from 'commander';

export function parentCommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
