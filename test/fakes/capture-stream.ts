/** Test fake: an OutputStream that keeps everything written, for running the CLI in-process. */
import type { OutputStream } from '../../src/cli/io.js';

export interface CapturedStream extends OutputStream {
  readonly text: () => string;
}

export function captureStream(isTTY = false): CapturedStream {
  const chunks: string[] = [];
  return {
    isTTY,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}
