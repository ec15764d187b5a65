/**
 * oc (pflag) booleans accept `--flag=false`; commander booleans do not. Every boolean flag is
 * declared with a hidden `--no-<flag>` twin and `--flag=<bool>` is rewritten before parsing.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Add a boolean flag that also accepts `--name=true|false` (strconv.ParseBool spellings). */
export function addBoolFlag(cmd: Command, flags: string, description: string): Command {
  const option = new Option(flags, description);
  cmd.addOption(option);
  cmd.addOption(new Option(`--no-${option.attributeName().replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).hideHelp());
  return cmd;
}

/** Long names of every boolean option in the command tree (`enabled`, `confirm`, ...). */
export function booleanFlagNames(root: Command): Set<string> {
  const names = new Set<string>();
  const visit = (cmd: Command): void => {
    for (const o of cmd.options) {
      if (!o.required && !o.optional && !o.negate && o.long) names.add(o.long.slice(2));
    }
    cmd.commands.forEach(visit);
  };
  visit(root);
  return names;
}

/** Rewrite `--flag=bool` into `--flag` / `--no-flag` for boolean flags; throws on a bad value. */
export function normalizeBoolFlags(argv: readonly string[], booleans: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--([^=]+)=(.*)$/s.exec(arg);
    if (m && booleans.has(m[1] as string)) {
      const [, name, value] = m as unknown as [string, string, string];
      if (TRUE.has(value)) out.push(`--${name}`);
      else if (FALSE.has(value)) out.push(`--no-${name}`);
      else throw new UsageError(`invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
    } else out.push(arg);
  }
  return out;
}
