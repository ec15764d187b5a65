#!/usr/bin/env node
/**
 * The `tagstream` executable: binds run() to the process. `tagstream --version` alone is answered
 * here, before the command tree (commander and every verb's flags, ~90 KB) is loaded and built:
 * scripts and version probes call it often, and it then costs what Node's own start-up costs.
 * The output is commander's for the same flag (run() still handles --version anywhere else). Every
 * other command runs with V8's heap growth capped and its tier-up budget raised (adapters/process/v8-tuning.ts).
 */
import { PROGRAM_VERSION } from './version.js';

// `tagstream get is | head` closes stdout early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${PROGRAM_VERSION}\n`);
} else {
  const [{ run }, { systemClock }, { tuneV8 }] = await Promise.all([import('./run.js'), import('../ports/clock.js'), import('../adapters/process/v8-tuning.js')]);
  for (const problem of tuneV8().problems) process.stderr.write(`tagstream: warning: ${problem}\n`);
  process.exitCode = await run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
  });
}
