/**
 * The bundle entry (scripts/build-action.mjs -> action-dist/index.js): the real reconcile use case
 * handed to the Action's composition root, in a process whose V8 is tuned as the CLI's
 * (adapters/process/v8-tuning.ts). The runner reads the exit code.
 */
import { tuneV8 } from '../adapters/process/v8-tuning.js';
import { reconcile } from '../app/reconcile.js';
import { main } from './main.js';
import { formatAnnotation } from './workflow-commands.js';

for (const problem of tuneV8().problems) process.stdout.write(`${formatAnnotation('warning', problem)}\n`);
process.exitCode = await main(reconcile);
