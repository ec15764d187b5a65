#!/usr/bin/env node
/** The `tagstream` executable: binds run() to the process. */
import { systemClock } from '../ports/clock.js';
import { run } from './run.js';

// `tagstream get is | head` closes stdout early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock,
});
