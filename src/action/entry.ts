/**
 * The bundle entry (scripts/build-action.mjs -> action-dist/index.js): the real reconcile use case
 * handed to the Action's composition root. The runner reads the exit code.
 */
import { reconcile } from '../app/reconcile.js';
import { main } from './main.js';

process.exitCode = await main(reconcile);
