/**
 * Progress for long work, shown only when stderr is a terminal so pipes, CI logs and `-o json`
 * consumers never see it. One status line, rewritten in place and cleared at the end.
 */
import type { OutputStream } from './io.js';

export interface Progress {
  /** Replace the status line. */
  update(message: string): void;
  /** Clear the status line. */
  done(): void;
}

const silent: Progress = { update() {}, done() {} };

/** A Progress writing to `stream` when it is a TTY (and not disabled), else a no-op. */
export function createProgress(stream: OutputStream, enabled = true): Progress {
  if (!enabled || !stream.isTTY) return silent;
  let width = 0;
  return {
    update(message) {
      const line = message.replace(/\s+/g, ' ');
      stream.write(`\r${line}${' '.repeat(Math.max(0, width - line.length))}`);
      width = line.length;
    },
    done() {
      if (width > 0) stream.write(`\r${' '.repeat(width)}\r`);
      width = 0;
    },
  };
}
