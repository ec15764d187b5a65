/**
 * `tagstream serve` as a child process for end-to-end tests: start it (needs `npm run build:ts`
 * first), read its JSON log lines, wait for conditions, stop it by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI_ENTRY = join(ROOT, 'dist/cli/main.js');

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Poll `fn` until it returns something other than undefined. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  /** stdout JSON lines so far. */
  readonly logs: () => Record<string, unknown>[];
  /** Everything written to stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** SIGKILL when still running. */
  kill(): Promise<void>;
}

export function startDaemonProcess(args: string[], env: Record<string, string>): DaemonProcess {
  const child = spawn(process.execPath, [CLI_ENTRY, 'serve', ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    exited,
    output: () => out + err,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { unparsed: l, stderr: err };
          }
        }),
    kill: async () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid, 'SIGKILL');
      await exited;
    },
  };
}
