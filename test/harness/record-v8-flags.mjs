// Preload (`node --import`) for tests of the entry points: records every flag the process passes to
// v8.setFlagsFromString and prints them as one `V8FLAGS [...]` line on stderr when it exits. The
// bundles import the function by name, hence syncBuiltinESMExports after the patch.
import v8 from 'node:v8';
import { syncBuiltinESMExports } from 'node:module';

const flags = [];
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (f) => {
  flags.push(f);
  set(f);
};
syncBuiltinESMExports();
process.on('exit', () => process.stderr.write(`V8FLAGS ${JSON.stringify(flags)}\n`));
