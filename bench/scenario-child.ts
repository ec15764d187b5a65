/**
 * Child-process entry of one bench scenario: reads the ScenarioInput JSON from the file named by argv[2], runs it,
 * and prints the ScenarioResult as one JSON line prefixed with RESULT_MARKER on stdout. Its heap growth is
 * capped as the `tagstream` process caps its own (src/cli/main.ts), so its peak RSS is what a user's run has.
 */
import { readFileSync } from 'node:fs';
import { limitHeapGrowth } from '../src/adapters/process/heap-growth.js';
import { RESULT_MARKER, runScenario, type ScenarioInput } from './scenario.js';

limitHeapGrowth();

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ScenarioInput;
runScenario(input).then(
  (result) => {
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
  },
  (e: unknown) => {
    process.stderr.write(`bench scenario failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
