/** The process boundary the CLI writes to, injected so tests run the CLI in-process. */
import type { Clock } from '../ports/clock.js';

export interface OutputStream {
  write(chunk: string): unknown;
  /** True when a terminal is attached (progress output is shown only then). */
  readonly isTTY?: boolean | undefined;
}

export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory `--repo` defaults to. */
  readonly cwd: string;
  readonly clock: Clock;
}
