/**
 * Run an entry point (a bundle) under record-v8-flags.mjs: what it passed to v8.setFlagsFromString,
 * and its stderr without the recorder's line.
 */
import { spawnSync } from 'node:child_process';

const PRELOAD = new URL('./record-v8-flags.mjs', import.meta.url).href;

export interface V8FlagsRun {
  readonly flags: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
}

export function runRecordingV8Flags(entry: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): V8FlagsRun {
  const r = spawnSync(process.execPath, ['--import', PRELOAD, entry, ...args], { cwd: options.cwd, env: options.env, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stderr.split('\n');
  const line = lines.find((l) => l.startsWith('V8FLAGS '));
  if (line === undefined) throw new Error(`${entry} ${args.join(' ')}: no V8FLAGS line (exit ${r.status}):\n${r.stderr}`);
  return { flags: JSON.parse(line.slice('V8FLAGS '.length)) as string[], stdout: r.stdout, stderr: lines.filter((l) => l !== line).join('\n') };
}
