/**
 * The bundle entry (scripts/build-action.mjs -> action-dist/index.js): the real reconcile use case
 * handed to the Action's composition root, in a process whose heap growth is capped as the CLI's
 * (adapters/process/heap-growth.ts). The runner reads the exit code.
 */
import { limitHeapGrowth } from '../adapters/process/heap-growth.js';
import { reconcile } from '../app/reconcile.js';
import { main } from './main.js';
import { formatAnnotation } from './workflow-commands.js';

const heap = limitHeapGrowth();
if (heap.problem) process.stdout.write(`${formatAnnotation('warning', heap.problem)}\n`);
process.exitCode = await main(reconcile);
