import { describe, expect, it } from 'vitest';
import { captureStream } from '../../fakes/capture-stream.js';
import { createProgress } from '../../../src/cli/progress.js';

describe('createProgress', () => {
  it('progress is written only to a TTY', () => {
    const pipe = captureStream(false);
    const p = createProgress(pipe);
    p.update('importing 3 tags');
    p.done();
    expect(pipe.text()).toBe('');
    const tty = captureStream(true);
    const q = createProgress(tty);
    q.update('importing 3 tags');
    q.update('done');
    q.done();
    expect(tty.text()).toBe(`\rimporting 3 tags\rdone${' '.repeat(12)}\r${' '.repeat(4)}\r`);
  });
});
