// `node --import ./kill-point.mjs …`: SIGKILLs the process at an exact point of its file writes, so
// a crash test can land a kill inside one operation (e.g. between a branch ref moving and the
// checkout that follows) instead of at a random time. $TAGSTREAM_TEST_KILL_POINT is JSON:
//   { "steps": [{ "op": "rename" | "writeFile", "path": "<regex>", "nth": 2 }, …],
//     "at": "before" | "after" | "torn" }
// Calls of `fs.promises[op]` whose target path matches the current step's regex are counted; at the
// step's nth match the next step starts. At the last step's nth match the process kills itself:
// before the call, after it completed, or ("torn", writeFile only) after writing the first half of
// the data, as a kill in the middle of a non-atomic write leaves the file.
import { writeFileSync } from 'node:fs';
import fsp from 'node:fs/promises';

const spec = process.env['TAGSTREAM_TEST_KILL_POINT'];
if (spec) {
  const { steps, at } = JSON.parse(spec);
  let step = 0;
  let seen = 0;
  /** Dies now; the promise is only there so no caller ever continues. */
  const die = () => {
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => {});
  };
  /** Whether this call is the kill point (advances through the steps). */
  const reached = (op, target) => {
    const s = steps[step];
    if (!s || s.op !== op || !new RegExp(s.path).test(String(target))) return false;
    if (++seen < s.nth) return false;
    step++;
    seen = 0;
    return step === steps.length;
  };
  const rename = fsp.rename;
  fsp.rename = async (from, to) => {
    if (!reached('rename', to)) return rename(from, to);
    if (at === 'before') return die();
    await rename(from, to);
    return die();
  };
  const writeFile = fsp.writeFile;
  fsp.writeFile = async (file, data, options) => {
    if (!reached('writeFile', file)) return writeFile(file, data, options);
    if (at === 'before') return die();
    if (at === 'torn') {
      const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      return die();
    }
    await writeFile(file, data, options);
    return die();
  };
}
